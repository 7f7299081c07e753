# Two commands: `make run` (set up, load the demo, serve) and `make test` (set up, lint, test).
VENV := .venv
BIN := $(VENV)/bin
PYTHON ?= python3
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.dev-installed
# mypy errors left in the older apps when mypy arrived: bring it down, never up.
MYPY_OLDER := 120

.PHONY: run test lint browser cluster-packages cluster messages bench clean

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.lock
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(DEV_STAMP): $(STAMP) requirements-dev.lock
	$(BIN)/pip install -q -r requirements-dev.lock
	touch $@

run: $(STAMP)
	$(BIN)/anxuan migrate --noinput -v0
	$(BIN)/anxuan demo
	$(BIN)/anxuan serve

# Debian's Chromium and CJK fonts for the browser tests (installed when missing and root).
browser:
	@if command -v chromium >/dev/null && dpkg -s fonts-noto-cjk >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	else echo "Browser tests need: sudo apt-get install chromium fonts-noto-cjk" >&2; exit 1; fi

# The cluster's engines from Debian (HAProxy; PostgreSQL 15 and Redis are on the machine).
cluster-packages:
	@if command -v haproxy >/dev/null && test -x /usr/lib/postgresql/15/bin/postgres \
	  && command -v redis-server >/dev/null; then :; \
	elif [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	  apt-get install -y -qq haproxy postgresql-15 redis-server >/dev/null; \
	else echo "The cluster needs root and: apt-get install haproxy postgresql-15 redis-server" >&2; \
	exit 1; fi

# The distributed deployment in network namespaces, with the demo (docs/deployment.md);
# `.venv/bin/anxuan cluster status|down` afterwards.
cluster: $(DEV_STAMP) cluster-packages
	$(BIN)/anxuan cluster up

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	DB_POOL=0 $(BIN)/python -m django makemigrations --check --dry-run -v0 --settings=anxuan.settings
	@# mypy: core, rollup and dashboards are strict and must be clean; the older apps may
	@# not gain errors beyond the count they had when mypy arrived (docs/decisions/0011).
	@mkdir -p var && $(BIN)/mypy > var/mypy.txt || true; tail -1 var/mypy.txt
	@strict=$$(grep -cE '^src/anxuan/(core|rollup|integrity|assessment|tips|dashboards)/.*: error' var/mypy.txt); \
	older=$$(grep -cE '^src/anxuan/.*: error' var/mypy.txt); \
	echo "mypy: $$strict errors in strict apps, $$older in all (at most $(MYPY_OLDER))"; \
	test $$strict -eq 0 && test $$older -le $(MYPY_OLDER)

test: $(DEV_STAMP) browser cluster-packages lint
	$(BIN)/pytest

# Refresh the Chinese catalogue: extract strings, fill them from locale/zh_Hans.tsv (it lists
# any string still untranslated), compile. Needs GNU gettext; the compiled .mo is committed.
messages: $(STAMP)
	cd src/anxuan && DJANGO_SETTINGS_MODULE=anxuan.settings ../../$(BIN)/python -m django \
	  makemessages -l zh_Hans --no-location --no-obsolete -i "static/*" -v0
	cd src/anxuan && ../../$(BIN)/python locale/fill_po.py \
	  locale/zh_Hans/LC_MESSAGES/django.po locale/zh_Hans.tsv
	cd src/anxuan && DJANGO_SETTINGS_MODULE=anxuan.settings ../../$(BIN)/python -m django \
	  compilemessages -v0

bench: $(DEV_STAMP)
	$(BIN)/python bench/b1_page_floor.py

clean:
	rm -rf $(VENV) var

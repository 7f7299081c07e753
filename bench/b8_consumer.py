"""The worker of B8: the project's own consumer command, `python -m django run_huey`, as
`anxuan serve` starts it, with bench/b8_tasks.py imported first so that the consumer knows
the bench's task (run_huey itself imports only the apps' tasks.py).

  .venv/bin/python bench/b8_consumer.py [run_huey options, e.g. --quiet --workers 2]
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "anxuan.settings")

import django

django.setup()

import b8_tasks  # noqa: E402, F401 - registers tick and noop (and the ledger) on settings.HUEY
from django.core.management import execute_from_command_line  # noqa: E402

execute_from_command_line(["django", "run_huey", *sys.argv[1:]])

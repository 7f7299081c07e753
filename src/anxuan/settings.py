"""Settings for every deployment; production differs only by environment variables.

DATABASE_URL   sqlite:///path (default: ./var/anxuan.sqlite3) or postgres://user@host/db
REDIS_URL      when set, the background queue and the cache (rate-limit counts) use Redis
               instead of an SQLite file and the database's cache table
SECRET_KEY     required when DEBUG is off in production
SESSION_IDLE_MINUTES  a page session idle this long is logged out (default 30)
AXES_FAILURE_LIMIT, LOGIN_ADDRESS_FAILURE_LIMIT, LOGIN_COOLOFF_MINUTES  failed logins that
               lock an account (default 8) or an address (20), and the first lockout's length
               in minutes (15, doubled for each further lockout that day)
ROBOT_HOSTS    the hosts group robots may be at, comma separated (default: DingTalk's
               oapi.dingtalk.com and WeCom's qyapi.weixin.qq.com)
ROBOT_ALLOW_PRIVATE  on: those hosts may resolve to private or loopback addresses (an
               intranet's own robot gateway); off by default
SMS_GATEWAY_URL, SMS_GATEWAY_TOKEN  the SMS gateway's address and bearer token (core.sms;
               unset: no text messages, so no receipt recovery for tips)
S3_ENDPOINT_URL, S3_BUCKET, S3_ACCESS_KEY, S3_SECRET_KEY  every file (evidence, exports,
               pieces of resumable uploads) in this S3-compatible bucket instead of
               ./var/media (SeaweedFS, MinIO, a government cloud's object storage); S3_REGION
               (default us-east-1); S3_PUBLIC_URL, the address phones reach the same store
               at for direct uploads, when it differs from S3_ENDPOINT_URL (a load balancer)
ORPHAN_MIN_AGE_HOURS  files in storage that no row refers to, and temporary upload files,
               are swept by the worker once they are this old (default 24)
JOB_LEASE_SECONDS     how long a background export may go without a sign of life before the
                      sweeper queues it again (default 180; decision 0019)
JOB_MAX_ATTEMPTS      runs an export may start before it is given up as failed (default 3)
STORED_FILE_RETRY_MINUTES  an uploaded file still unprocessed after this long is queued
                      again (default 10), at most JOB_MAX_ATTEMPTS times

Behind a proxy (README, "Behind a proxy (nginx)"):
FORWARDED_ALLOW_IPS     addresses or networks of the proxies trusted to say who the
                        client is and that it came over HTTPS (default 127.0.0.1,::1;
                        `anxuan serve` hands it to gunicorn)
PROXY_SSL_HEADER        the header (as in request.META) in which a trusted proxy says
                        "https", e.g. HTTP_X_FORWARDED_PROTO; unset: none is believed
PROXY_CLIENT_IP_HEADER  the header (as in request.META) in which a trusted proxy names the
                        client, e.g. HTTP_X_FORWARDED_FOR or HTTP_X_REAL_IP; unset: the
                        connection's own address

Rate limits (per minute; decision 0018): API_RATE_PER_MINUTE (per person, by token or
session), API_ANON_RATE_PER_MINUTE (per address: no or a wrong token, the schema),
LOGIN_RATE_PER_MINUTE (login attempts per address), HEALTHZ_RATE_PER_MINUTE,
PUBLIC_RATE_PER_MINUTE (pages anyone may call); RATE_LIMITS=off switches them all off
(benchmarks only).
"""

import os
import secrets
import urllib.parse
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("ANXUAN_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(default)).lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)


def _local_secret_key() -> str:
    """A random key kept in VAR_DIR, so a one-machine install needs no configuration."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = os.environ.get("SECRET_KEY") or _local_secret_key()
ALLOWED_HOSTS = os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]
CSRF_FAILURE_VIEW = "anxuan.error_pages.csrf_failure"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "axes",
    "django_ratelimit",  # its system check refuses a cache that cannot count for all workers
    "huey.contrib.djhuey",
    "ninja",  # serves its Swagger UI assets from static files, not from a CDN
    "anxuan.core",
    "anxuan.orgs",
    "anxuan.campaigns",
    "anxuan.reports",
    "anxuan.tips",
    "anxuan.rollup",
    "anxuan.integrity",
    "anxuan.assessment",
    "anxuan.dashboards",
    "anxuan.exports",
    "anxuan.api",
]

MIDDLEWARE = [
    "anxuan.core.middleware.TrustedProxyMiddleware",  # before anything reads is_secure()
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "anxuan.core.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "anxuan.orgs.middleware.NoStoreMiddleware",
    "anxuan.orgs.middleware.IdleTimeoutMiddleware",
    "anxuan.orgs.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "anxuan.core.middleware.StorageUnavailableMiddleware",
]

ROOT_URLCONF = "anxuan.urls"
WSGI_APPLICATION = "anxuan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'anxuan.sqlite3'}",
        conn_max_age=0,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers and one writer work at once; IMMEDIATE avoids upgrade deadlocks.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    # Tests use a file too, as deployments do: threads of a concurrency test then wait for the
    # write lock like real requests, where shared in-memory SQLite fails with "table is locked".
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-database.sqlite3")}
elif env_bool("DB_POOL", True):
    # Django's psycopg pool: measured ~5x on small views (see docs/performance.md).
    # Merged with the URL's own options (target_session_attrs, connect_timeout of a cluster).
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 2,
        "max_size": int(os.environ.get("DB_POOL_MAX", "8")),
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.Person"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "anxuan.orgs.auth.UsernameOrMobileBackend",
]
# Argon2id at OWASP's minimum (19 MiB, t=2, p=1): Django's stock parameters (100 MiB, 8 lanes)
# made a login take over a second on a busy machine. Older hashes are upgraded at login.
PASSWORD_HASHERS = [
    "anxuan.orgs.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# A session without a request for this long is logged out (anxuan.orgs.middleware).
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboards:home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins (anxuan.orgs.lockout): an account is locked after AXES_FAILURE_LIMIT failures,
# whichever of its names was typed; an address after LOGIN_ADDRESS_FAILURE_LIMIT, whatever
# names. A lockout lasts LOGIN_COOLOFF_MINUTES, doubled for each earlier one that day.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "8"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("LOGIN_ADDRESS_FAILURE_LIMIT", "20"))
LOGIN_COOLOFF_MINUTES = int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15"))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # LockoutHandler reads them in this order
AXES_USERNAME_CALLABLE = "anxuan.orgs.lockout.account_key"
AXES_COOLOFF_TIME = "anxuan.orgs.lockout.cool_off"
AXES_HANDLER = "anxuan.orgs.lockout.LockoutHandler"
AXES_LOCKOUT_CALLABLE = "anxuan.orgs.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "anxuan.core.ratelimit.client_address"  # the API's address, too
# Tries while locked out neither extend the lockout nor count: the doubling is what grows.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_VERBOSE = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [Path(__file__).resolve().parent / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [Path(__file__).resolve().parent / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing one
STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
if os.environ.get("S3_ENDPOINT_URL"):  # decision 0025: no file lives on one node's disk
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "endpoint_url": os.environ["S3_ENDPOINT_URL"],
            "bucket_name": os.environ.get("S3_BUCKET", "anxuan"),
            "access_key": os.environ.get("S3_ACCESS_KEY"),
            "secret_key": os.environ.get("S3_SECRET_KEY"),
            "region_name": os.environ.get("S3_REGION", "us-east-1"),
            "addressing_style": "path",
            "signature_version": "s3v4",
            "file_overwrite": False,  # a name taken gets a new one, as on a local disk
            "default_acl": None,
            "querystring_auth": True,
        },
    }
S3_PUBLIC_URL = os.environ.get("S3_PUBLIC_URL") or os.environ.get("S3_ENDPOINT_URL")
WHITENOISE_USE_FINDERS = DEBUG
# Files browsers ask for at the site's root by themselves (favicon.ico, drawn for Anxuan).
WHITENOISE_ROOT = Path(__file__).resolve().parent / "root_files"

FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024  # larger uploads stream to a temporary file
FILE_UPLOAD_TEMP_DIR = os.environ.get("FILE_UPLOAD_TEMP_DIR") or None
EVIDENCE_MAX_BYTES = {
    "photo": int(os.environ.get("PHOTO_MAX_MB", "20")) * 2**20,
    "document": int(os.environ.get("DOCUMENT_MAX_MB", "50")) * 2**20,
    "video": int(os.environ.get("VIDEO_MAX_MB", "500")) * 2**20,
}
RESUMABLE_UPLOAD_HOURS = 24  # an unfinished resumable upload is deleted after this long
# Left by crashes: files without a row, temporary uploads of killed requests (core.sweep).
ORPHAN_MIN_AGE_HOURS = int(os.environ.get("ORPHAN_MIN_AGE_HOURS", "24"))
# Photos with more pixels are refused at upload and get no thumbnail (decompression bombs;
# phones take < 50 MP). A thumbnail needs up to 4 bytes per pixel in the worker.
MAX_IMAGE_PIXELS = 80_000_000
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
IMPORT_MAX_BYTES = 5 * 1024 * 1024
# What an imported .xlsx may unpack to (zip bombs): 5000 rows of a unit list are under 2 MB.
IMPORT_MAX_UNPACKED_BYTES = 50 * 1024 * 1024
IMPORT_MAX_ROWS = 5000

# Every asset is served by the app itself: government intranets have no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
if S3_PUBLIC_URL:  # the report page's script sends direct uploads there (it may be elsewhere)
    _store = urllib.parse.urlsplit(S3_PUBLIC_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"] = [
        "'self'",
        f"{_store.scheme}://{_store.netloc}",
    ]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Proxies whose word on the scheme and the client's address is taken (TrustedProxyMiddleware
# drops both headers from anyone else); gunicorn gets the same list from `anxuan serve`.
FORWARDED_ALLOW_IPS = [
    a.strip() for a in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1").split(",") if a
]
SECURE_PROXY_SSL_HEADER = (
    (os.environ["PROXY_SSL_HEADER"], "https") if os.environ.get("PROXY_SSL_HEADER") else None
)
PROXY_CLIENT_IP_HEADER = os.environ.get("PROXY_CLIENT_IP_HEADER", "")
SILENCED_SYSTEM_CHECKS = [
    # Government intranet hosts are not submitted to browsers' HSTS preload list.
    "security.W021",
    # django-ratelimit lists only memcached and django-redis as supported; Django's own
    # RedisCache and core.cache's database cache both count atomically (decision 0018).
    "django_ratelimit.W001",
]
X_FRAME_OPTIONS = "DENY"

HUEY = {
    "name": "anxuan",
    "immediate": env_bool("HUEY_IMMEDIATE", False),
    "consumer": {"workers": 2, "worker_type": "thread"},
}
if os.environ.get("REDIS_URL"):
    HUEY["huey_class"] = "anxuan.core.queue.OnceRedisHuey"
    HUEY["url"] = os.environ["REDIS_URL"]
else:
    HUEY["huey_class"] = "anxuan.core.queue.OnceSqliteHuey"
    HUEY["filename"] = str(VAR_DIR / "queue.sqlite3")

# Roll-ups of trees with at least this many period tallies below (a province, the nation)
# are read from a snapshot the worker refreshes every minute, while it is this many seconds
# old at most; smaller trees are counted live (decision 0010).
ROLLUP_SNAPSHOT_FROM = int(os.environ.get("ROLLUP_SNAPSHOT_FROM", "2000"))
ROLLUP_SNAPSHOT_MAX_AGE = 300
EXPORT_KEEP_DAYS = 7  # an export's file is deleted this long after it was made
# Leases of background work (decision 0019): a running export shows life at least this
# often, or the sweeper queues it again; after this many started runs it is given up.
JOB_LEASE_SECONDS = int(os.environ.get("JOB_LEASE_SECONDS", "180"))
JOB_MAX_ATTEMPTS = int(os.environ.get("JOB_MAX_ATTEMPTS", "3"))
STORED_FILE_RETRY_MINUTES = int(os.environ.get("STORED_FILE_RETRY_MINUTES", "10"))
# Rate-limit counts live in the cache, which every worker and machine shares: Redis when
# REDIS_URL is set, else a table in the database (`anxuan migrate` makes it; decision 0018).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "anxuan.core.cache.CounterDatabaseCache",
            "LOCATION": "anxuan_cache",
        }
    }
RATELIMIT_ENABLE = env_bool("RATE_LIMITS", True)
RATELIMIT_IP_META_KEY = "anxuan.core.ratelimit.client_address"
RATELIMIT_CACHE_PREFIX = "rate:"

# REST API (/api/v1/): requests per minute per person (by token or session), and per address
# for callers without either (a token that is not valid counts as none).
API_RATE_PER_MINUTE = int(os.environ.get("API_RATE_PER_MINUTE", "600"))
API_ANON_RATE_PER_MINUTE = int(os.environ.get("API_ANON_RATE_PER_MINUTE", "60"))
# Login attempts (POSTs of the login page) per address; django-axes locks accounts besides.
LOGIN_RATE_PER_MINUTE = int(os.environ.get("LOGIN_RATE_PER_MINUTE", "30"))
HEALTHZ_RATE_PER_MINUTE = int(os.environ.get("HEALTHZ_RATE_PER_MINUTE", "120"))
API_TOKEN_MAX_DAYS = 3650
# Pages anyone may call (core.public): calls per minute from one address, per action, and
# the dotted path of a callable(request) -> bool that checks a CAPTCHA (None: no check).
PUBLIC_RATE_PER_MINUTE = int(os.environ.get("PUBLIC_RATE_PER_MINUTE", "30"))
PUBLIC_CAPTCHA_CHECK = os.environ.get("PUBLIC_CAPTCHA_CHECK", "anxuan.core.captcha.passed") or None
# Hazard tips: the organisation kind whose office handles a tip of a place below it, and
# the Fernet key of reporters' identities (unset: a key file in VAR_DIR, tips.identity).
TIPS_HANDLING_KIND = os.environ.get("TIPS_HANDLING_KIND", "county")
TIPS_IDENTITY_KEY = os.environ.get("TIPS_IDENTITY_KEY") or None
TIPS_MAX_FILES = 9  # photos and videos one tip may carry (tips.evidence)
# The SMS gateway (core.sms): an HTTP endpoint taking {"mobile", "text"} as JSON with
# `Authorization: Bearer SMS_GATEWAY_TOKEN`; unset, no text message can be sent.
SMS_GATEWAY_URL = os.environ.get("SMS_GATEWAY_URL", "")
SMS_GATEWAY_TOKEN = os.environ.get("SMS_GATEWAY_TOKEN", "")
# Idempotency records are kept this long; a retry after that makes a new request.
API_IDEMPOTENCY_DAYS = 7

WEBHOOK_TIMEOUT = 5  # seconds for a group robot to answer
# Group robots are called only at these hosts, and only at public addresses unless
# ROBOT_ALLOW_PRIVATE (core.robots): an office's robot address cannot reach the server's
# own network.
ROBOT_HOSTS = [
    h.strip()
    for h in os.environ.get("ROBOT_HOSTS", "oapi.dingtalk.com,qyapi.weixin.qq.com").split(",")
    if h.strip()
]
ROBOT_ALLOW_PRIVATE = env_bool("ROBOT_ALLOW_PRIVATE", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "anxuan@localhost")
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

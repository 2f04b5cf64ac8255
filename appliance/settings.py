"""Settings for the Colony appliance, read from the environment.

Every value has an embedded default so that a fresh clone runs with no
server at all (SQLite and a filesystem broker under ``var/``); production
sets DATABASE_URL, CELERY_BROKER_URL and friends (see deploy/colony.env.sample).
"""
from datetime import timedelta
from pathlib import Path

import environ

from appliance.secrets import load_or_create_secret_key

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(env.str("COLONY_ENV_FILE", default=str(BASE_DIR / ".env")))

VAR_DIR = Path(env.str("COLONY_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="") or load_or_create_secret_key(VAR_DIR / "secret_key")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "appliance.documents",
    "appliance.review",
    "appliance.routing",
    "extraction",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "appliance.middleware.ChunkedUploadMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "appliance.middleware.AdminNulQueryMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into appliance.security.lockout_response.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]

ROOT_URLCONF = "appliance.urls"
WSGI_APPLICATION = "appliance.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "appliance.documents.context_processors.roles",
            ],
        },
    },
]

# --- Database: PostgreSQL (psycopg 3) in production and CI, SQLite embedded.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'colony.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # A file, not :memory:, so that a real worker process can share the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test.sqlite3")}
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
# Connections are kept between requests and tasks (checked before reuse): opening one per request or task
# cost PostgreSQL a backend each time. A burst of 400 receipts through the API on PostgreSQL + Redis
# (bench/appliance_bench.py): see the README's throughput figures.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("COLONY_DB_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "documents:list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "appliance" / "static"]

# --- Storage of originals: random names under STORAGE_DIR, never the uploaded filename.
STORAGE_DIR = Path(env.str("STORAGE_DIR", default=str(VAR_DIR / "storage")))
MEDIA_ROOT = STORAGE_DIR
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

# --- Upload and document limits.
COLONY_MAX_UPLOAD_BYTES = env.int("COLONY_MAX_UPLOAD_BYTES", default=50 * 1024 * 1024)
COLONY_MAX_PAGES = env.int("COLONY_MAX_PAGES", default=500)
COLONY_MAX_IMAGE_PIXELS = env.int("COLONY_MAX_IMAGE_PIXELS", default=80_000_000)
# Characters of extracted text: a page over these is refused with its reason, before redaction.
COLONY_MAX_PAGE_CHARS = env.int("COLONY_MAX_PAGE_CHARS", default=2_000_000)
COLONY_MAX_DOCUMENT_CHARS = env.int("COLONY_MAX_DOCUMENT_CHARS", default=5_000_000)
COLONY_OCR_LANGUAGES = env.str("COLONY_OCR_LANGUAGES", default="eng")
# Django itself refuses bodies past this; keep it a little above the upload limit
# so that our own, clearer "file too large" error is the one users see.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o600

# --- Routing: share of otherwise settled documents sent to a person as a quality-control sample.
COLONY_QC_SAMPLE_RATE = env.float("COLONY_QC_SAMPLE_RATE", default=0.02)

# --- The colony learns: a type's specialist is retrained after this many new reviewer corrections
# of the type (0: never automatically), from at most the latest COLONY_RETRAIN_MAX_DOCUMENTS reviewed ones.
COLONY_RETRAIN_AFTER = env.int("COLONY_RETRAIN_AFTER", default=20)
COLONY_RETRAIN_MAX_DOCUMENTS = env.int("COLONY_RETRAIN_MAX_DOCUMENTS", default=300)

# --- PII vault: the key lives outside the database (env COLONY_PII_KEY, else this file, created 0600).
COLONY_PII_KEY_FILE = Path(env.str("COLONY_PII_KEY_FILE", default=str(VAR_DIR / "pii.key")))

# --- Security: safe by default; TLS-only settings switch on with COLONY_TLS.
COLONY_TLS = env.bool("COLONY_TLS", default=False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = COLONY_TLS
CSRF_COOKIE_SECURE = COLONY_TLS
if COLONY_TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True

# --- Guessing passwords and tokens (appliance/security.py): a (user name, address) pair is locked out
# after COLONY_LOGIN_FAILURE_LIMIT failures for COLONY_LOGIN_LOCKOUT_MINUTES; counts live in the database.
AXES_FAILURE_LIMIT = env.int("COLONY_LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("COLONY_LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # attempts while locked out are refused, not counted
AXES_LOCKOUT_CALLABLE = "appliance.security.lockout_response"
AXES_CLIENT_IP_CALLABLE = "appliance.security.client_address"
AXES_VERBOSE = False  # its log lines would name the attempted user
COLONY_API_TOKEN_DAYS = env.int("COLONY_API_TOKEN_DAYS", default=90)

# --- Content-Security-Policy: scripts from the appliance only. Styles may be inline (the review page
# places evidence boxes with them); nothing is loaded from elsewhere, and no page may frame ours.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"], "object-src": ["'none'"], "base-uri": ["'self'"],
    "form-action": ["'self'"], "frame-ancestors": ["'none'"],
}}

# --- REST API.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "appliance.security.LockoutTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "appliance.documents.api.pagination.DocumentPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "appliance.documents.api.errors.json_exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Colony API",
    "DESCRIPTION": "On-premises document extraction: upload documents, follow their processing, read their evidence text.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # The schema and its docs pages are for logged-in users (COLONY_PUBLIC_API_DOCS opens them).
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny" if env.bool("COLONY_PUBLIC_API_DOCS", default=False)
                          else "rest_framework.permissions.IsAuthenticated"],
    # Served from the appliance itself: the docs page must work air-gapped.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Two models have a "status": name each set of choices after what it is a status of.
    "ENUM_NAME_OVERRIDES": {
        "DocumentStatusEnum": "appliance.documents.models.Document.Status",
        "ExtractedFieldStatusEnum": "appliance.documents.models.ExtractedField.Status",
    },
}

# --- Celery. bin/start runs a local Redis (deploy/embedded/supervisord.conf) and points CELERY_BROKER_URL at
# it; without one (a manage.py command on its own, the tests' embedded runs) kombu's filesystem transport
# needs no server, but loses a message its worker took and died holding.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="filesystem://")
_broker_dir = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    for sub in ("queue", "processed", "control"):
        (_broker_dir / sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Broadcast exchanges; kombu's default is ./control, relative to wherever a process starts.
        "control_folder": str(_broker_dir / "control"),
        # How often an idle worker looks for a message (kombu's default, 1 s, capped the appliance at
        # about 2 tasks a second: each document's stages waited a poll each).
        "polling_interval": env.float("COLONY_BROKER_POLL_SECONDS", default=0.05),
    }
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
# Celery's Django fixup closes the database connection before and after every task unless told to reuse it:
# on PostgreSQL that was a new connection (a server process forked, authentication) for each of a document's
# two tasks. Reused instead for this many tasks; appliance/celery.py drops one that broke or outlived
# CONN_MAX_AGE before each task, as Django does between requests.
CELERY_DB_REUSE_MAX = env.int("COLONY_WORKER_DB_REUSE_TASKS", default=1000)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_SOFT_TIME_LIMIT = env.int("COLONY_TASK_SOFT_TIME_LIMIT", default=600)
CELERY_TASK_TIME_LIMIT = env.int("COLONY_TASK_TIME_LIMIT", default=660)
if CELERY_BROKER_URL.startswith(("redis://", "rediss://", "redis+socket://")):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        # A message taken and never acknowledged (its worker died) is handed out again after this long: the
        # safety net where a restarted worker does not put it back at once (appliance/broker.py). Longer than
        # the longest task may run (retraining: 31 min), so no task is handed to a second worker meanwhile.
        "visibility_timeout": env.int("COLONY_BROKER_VISIBILITY_SECONDS", default=1900),
    }
CELERY_TASK_ROUTES = {
    "documents.extract_text": {"queue": "ingest"},
    "documents.redact_pii": {"queue": "inference"},
    "documents.classify": {"queue": "inference"},
    "documents.extract_fields": {"queue": "inference"},
    "models.self_test": {"queue": "inference"},
    "documents.retrain_type": {"queue": "inference"},
    "documents.sweep_stuck": {"queue": "default"},
}
# The audit chain's head is signed every COLONY_AUDIT_SIGN_SECONDS, every COLONY_AUDIT_SIGN_EVERY
# events (after their commit), and when bin/start starts: truncating or rewriting the log is caught
# from the first minute, not after a day.
COLONY_AUDIT_SIGN_SECONDS = env.int("COLONY_AUDIT_SIGN_SECONDS", default=3600)
COLONY_AUDIT_SIGN_EVERY = env.int("COLONY_AUDIT_SIGN_EVERY", default=100)
CELERY_BEAT_SCHEDULE = {
    "sweep-stuck-documents": {"task": "documents.sweep_stuck", "schedule": 300.0},
    "audit-verify-chain": {"task": "audit.verify_chain", "schedule": 3600.0, "options": {"queue": "default"}},
    "audit-sign-head": {"task": "audit.sign_head", "schedule": float(COLONY_AUDIT_SIGN_SECONDS),
                        "options": {"queue": "default"}},
    "audit-purge-expired": {"task": "audit.purge_expired", "schedule": 86400.0, "options": {"queue": "default"}},
}
# Days to keep a document (original, text, derived data) by document type; "default" for
# the rest. None keeps forever. Audit events, which hold no content, are kept regardless.
COLONY_RETENTION_DAYS = {"default": env.int("COLONY_RETENTION_DAYS_DEFAULT", default=365)}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# A document whose stage has not moved for this long is re-queued by the sweeper.
COLONY_STUCK_AFTER_SECONDS = env.int("COLONY_STUCK_AFTER_SECONDS", default=900)

# --- Logging: never document text; stages log ids and outcomes only.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Presidio announces every analysis at INFO; its warnings are what matter.
    "loggers": {"presidio-analyzer": {"level": "WARNING"}, "presidio-anonymizer": {"level": "WARNING"}},
}

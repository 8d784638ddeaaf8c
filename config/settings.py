"""Settings, read from the environment (twelve-factor style).

Development defaults are safe to run on a laptop (SQLite, an embedded filesystem
broker for Celery); production is selected by ``DEBUG=false`` and then refuses to
start without the secrets it needs. See ``docs/deployment.md``.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

from .env import env_bool, env_int, env_list, env_str, filesystem_broker_options

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("SIAM_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is false.")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production-0123456789"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "django_tables2",
    "django_htmx",
    "simple_history",
    "import_export",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "axes",
    "core",
    "siam",
    "raci",
    "requirements_app",
    "slas",
    "governance",
    "integrations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "core.middleware.IdleSessionTimeoutMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "core.context_processors.navigation",
            ],
        },
    },
]
FORM_RENDERER = "core.forms.rendering.SiamFormRenderer"

_default_db_url = f"sqlite:///{VAR_DIR / 'siam.sqlite3'}"
if not env_str("DATABASE_URL"):
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL") or _default_db_url,
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the Celery worker share the file: WAL lets readers and one
    # writer proceed together, and IMMEDIATE transactions avoid lock-upgrade deadlocks.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# A streaming replica of the same database (PostgreSQL): reports, dashboards and
# steering snapshots read from it (core/routers.py). Everything else uses default.
if env_str("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        env_str("DATABASE_REPLICA_URL"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
SIAM_REPORTS_DATABASE = "replica" if "replica" in DATABASES else ""
# JIT compilation pays off on long analytical queries; on this app's (an index walk, a
# grouped window) the planner's estimates made it compile for 100 ms to save nothing.
# DATABASE_JIT=true turns it back on.
if not env_bool("DATABASE_JIT", False):
    for _database in DATABASES.values():
        if _database["ENGINE"] == "django.db.backends.postgresql":
            _database.setdefault("OPTIONS", {})["options"] = "-c jit=off"
DATABASE_ROUTERS = ["core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # First: refuses sign-ins while a username / address pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Sign-in lockout (django-axes): after AXES_FAILURE_LIMIT wrong passwords for the same
# username from the same address, that pair is refused for AXES_COOLOFF_MINUTES.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Behind a proxy the client address comes from X-Forwarded-For (one trusted hop).
AXES_IPWARE_PROXY_COUNT = 1 if env_bool("BEHIND_TLS_PROXY", False) else None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
    if env_bool("BEHIND_TLS_PROXY", False)
    else ["REMOTE_ADDR"]
)

# Sessions end after this long without a request (sliding), and at the latest after
# SESSION_COOKIE_AGE; see core.middleware.IdleSessionTimeoutMiddleware.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_MINUTES", 60) * 60
SESSION_COOKIE_AGE = env_int("SESSION_MAX_HOURS", 12) * 3600

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env_str("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# A shared cache (Redis in production) holds the throttling and lockout counters of
# every web worker; without CACHE_URL each process counts on its own.
CACHE_URL = env_str("CACHE_URL", "")
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}

# --- E-mail -----------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "siam@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)

# --- Celery -----------------------------------------------------------------------
# Without a broker URL the worker and the web process exchange messages through a
# folder (kombu's filesystem transport): a real worker and beat, nothing to install.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL", "filesystem://")
if CELERY_BROKER_URL == "filesystem://":
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(VAR_DIR / "broker")
else:
    # Redis hands a task that was never acknowledged (its whole worker died) to another
    # worker after this many seconds; it must be longer than the longest task (an import).
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)
    }
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True
# A task whose worker died (kill -9, out of memory) is delivered again rather than lost;
# every task is written to be safe to run twice.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
# Separate queues, so that work due every minute never waits behind bulk work
# (docs/scaling.md): "sla" the threshold scan and its alerts, "webhooks" inbound events
# and outbound deliveries, "bulk" imports, repairs and KPI runs, "reports" PDFs. Workers
# are started per lane (scripts/worker): "realtime" serves sla+webhooks, "bulk" the rest.
# SIAM_QUEUE_PREFIX keeps installations (or test runs) that share one Redis apart.
SIAM_QUEUE_PREFIX = env_str("SIAM_QUEUE_PREFIX", "")
CELERY_TASK_DEFAULT_QUEUE = f"{SIAM_QUEUE_PREFIX}sla"
SIAM_TASK_QUEUES = {
    "core.tasks.record_heartbeat": "sla",
    "slas.tasks.scan_sla_thresholds": "sla",
    "slas.tasks.dispatch_sla_alerts": "sla",
    "integrations.tasks.process_inbound_event": "webhooks",
    "integrations.tasks.requeue_received": "webhooks",
    "integrations.tasks.deliver_webhook": "webhooks",
    "integrations.tasks.run_import": "bulk",
    "integrations.tasks.remove_old_inbound_bodies": "bulk",
    "slas.tasks.repair_sla": "bulk",
    "slas.tasks.refresh_sla_rollups": "bulk",
    "governance.tasks.compute_monthly_kpis": "bulk",
    "governance.tasks.generate_report": "reports",
    "governance.tasks.generate_monthly_reports": "reports",
}
CELERY_TASK_ROUTES = {
    name: {"queue": f"{SIAM_QUEUE_PREFIX}{queue}"} for name, queue in SIAM_TASK_QUEUES.items()
}
# Seconds a task of each kind may run: the soft limit raises inside the task (an import
# or repair then hands the rest of its work to a new task, see their code), the hard
# limit kills a task stuck in C code or I/O a minute later. The scan must finish within
# its minute; an import's slice must stay well under CELERY_VISIBILITY_TIMEOUT.
SIAM_TASK_SOFT_TIME_LIMITS = {
    "sla": env_int("SIAM_TIME_LIMIT_SLA", 50),
    "webhooks": env_int("SIAM_TIME_LIMIT_WEBHOOKS", 60),
    "bulk": env_int("SIAM_TIME_LIMIT_BULK", 900),
    "reports": env_int("SIAM_TIME_LIMIT_REPORTS", 600),
}
CELERY_TASK_ANNOTATIONS = {
    name: {
        "soft_time_limit": SIAM_TASK_SOFT_TIME_LIMITS[queue],
        "time_limit": SIAM_TASK_SOFT_TIME_LIMITS[queue] + (5 if queue == "sla" else 60),
    }
    for name, queue in SIAM_TASK_QUEUES.items()
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "core.tasks.record_heartbeat", "schedule": 60.0},
    "sla-thresholds": {"task": "slas.tasks.scan_sla_thresholds", "schedule": 60.0},
    # Early on the 1st: last month's computed KPIs, then every ecosystem's steering report.
    # Inbound events a worker never picked up (it was down) are queued again: nothing is lost.
    # Every minute, so events stored while the broker was down are applied within a
    # minute or two of its return.
    "inbound-events-sweep": {"task": "integrations.tasks.requeue_received", "schedule": 60.0},
    "inbound-bodies-retention": {
        "task": "integrations.tasks.remove_old_inbound_bodies",
        "schedule": crontab(minute=15, hour=3),
    },
    # Reports over years of history read stored monthly sums (docs/scaling.md): the
    # months that changed are rebuilt every ten minutes (until then the report reads
    # their clocks), and every month each night.
    "sla-rollups": {"task": "slas.tasks.refresh_sla_rollups", "schedule": 600.0},
    "sla-rollups-nightly": {
        "task": "slas.tasks.refresh_sla_rollups",
        "schedule": crontab(minute=45, hour=3),
        "kwargs": {"everything": True},
    },
    "monthly-kpis": {
        "task": "governance.tasks.compute_monthly_kpis",
        "schedule": crontab(minute=0, hour=5, day_of_month=1),
    },
    "monthly-steering-reports": {
        "task": "governance.tasks.generate_monthly_reports",
        "schedule": crontab(minute=30, hour=5, day_of_month=1),
    },
}
# Generated steering reports (PDF); served only through an access-checked view.
SIAM_REPORTS_DIR = Path(env_str("SIAM_REPORTS_DIR", str(VAR_DIR / "reports")))
# How the app is reached from outside: links in outbound webhooks and the webhook
# addresses shown to whoever configures a tool.
SIAM_BASE_URL = env_str("SIAM_BASE_URL", "http://127.0.0.1:8000")
# Key of the secrets stored encrypted (webhook feeds and subscriptions). Any string; when
# unset, one is derived from SECRET_KEY (rotating SECRET_KEY then needs new secrets).
SIAM_ENCRYPTION_KEY = env_str("SIAM_ENCRYPTION_KEY", "")
# Uploaded ticket exports wait here for the import worker.
SIAM_IMPORTS_DIR = Path(env_str("SIAM_IMPORTS_DIR", str(VAR_DIR / "imports")))
# The integrator is alerted when an open incident has had no owner this long (business
# minutes); a resolved or closed incident can be reopened within this many days.
SIAM_OWNERSHIP_GAP_ALERT_MINUTES = env_int("SIAM_OWNERSHIP_GAP_ALERT_MINUTES", 60)
SIAM_REOPEN_WINDOW_DAYS = env_int("SIAM_REOPEN_WINDOW_DAYS", 10)
# Webhook bodies are most of the database's growth: once an event is applied (or was a
# duplicate or rejected) its body and headers are emptied after this many days; the row
# (what, when, outcome) stays. Failed and unprocessed events keep theirs. 0 keeps all.
SIAM_INBOUND_BODY_RETENTION_DAYS = env_int("SIAM_INBOUND_BODY_RETENTION_DAYS", 90)
# The SLA report, dashboards and steering reports read stored monthly sums for whole
# past months (docs/scaling.md). Off: every figure is summed from the clocks each time.
SIAM_SLA_ROLLUPS = env_bool("SIAM_SLA_ROLLUPS", True)
# Steering status (docs/governance.md): amber within this many points below the target,
# and any breach of the most urgent N priorities makes that priority at least amber.
SIAM_STEERING_AMBER_MARGIN = env_int("SIAM_STEERING_AMBER_MARGIN", 5)
SIAM_STEERING_MAJOR_PRIORITIES = env_int("SIAM_STEERING_MAJOR_PRIORITIES", 1)

# --- REST API ---------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["core.api.permissions.RestrictedObjectPermission"],
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.StrictFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.KeysetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",
    # Per-user and per-address request budgets; the webhook endpoints have their own
    # scope (integrations.webhooks). Counters live in the cache (CACHE_URL).
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/minute"),
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
        "webhook": env_str("WEBHOOK_THROTTLE", "600/minute"),
    },
    "DEFAULT_RENDERER_CLASSES": [
        "rest_framework.renderers.JSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
}
API_MAX_PAGE_SIZE = env_int("API_MAX_PAGE_SIZE", 1000)
SPECTACULAR_SETTINGS = {
    "TITLE": "SIAM governance API",
    "DESCRIPTION": "Ecosystems, parties, contracts, systems and flows of a multi-sourced IT service.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "ContractKindEnum": "siam.choices.ContractKindChoices",
        "SystemKindEnum": "siam.choices.SystemKindChoices",
        "EventKindEnum": "slas.choices.EventKindChoices",
        "EcosystemStatusEnum": "siam.choices.EcosystemStatusChoices",
        "ContractStatusEnum": "siam.choices.ContractStatusChoices",
        "FlowStatusEnum": "siam.choices.FlowStatusChoices",
        "IncidentStatusEnum": "slas.choices.IncidentStatusChoices",
        "RequirementStatusEnum": "requirements_app.choices.RequirementStatusChoices",
        "LayerEnum": "siam.choices.LayerChoices",
    },
}

DJANGO_TABLES2_TEMPLATE = "django_tables2/siam.html"
PAGINATE_BY = 25

SIMPLE_HISTORY_REVERT_DISABLED = True

# --- Content security policy: everything is served from here, nothing inline. -----
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

# --- Security (production) --------------------------------------------------------
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_TLS_PROXY", False) else None
)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Which accounts a user may pick in forms and the API (core.querysets.restrict_choices).
SIAM_USER_CHOICES = "siam.access.partner_users"
# The domain's access context, which core's access rule applies (core.access), and the
# model ecosystem-scoped records belong to: core names no app itself.
SIAM_ACCESS_CONTEXT = "siam.access.get_access_context"
SIAM_TENANT_MODEL = "siam.Ecosystem"

# The system account that background jobs act as, so their changes are audited too.
SIAM_SYSTEM_USERNAME = "system"
FORMS_URLFIELD_ASSUME_HTTPS = True

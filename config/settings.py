"""Settings, read from the environment. The defaults give the embedded mode: SQLite and a
file-based Celery broker, so web, worker and beat run with no server to install."""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(environ.Env().str("LEERBORG_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

env = environ.Env()
if (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env")

DEBUG = env.bool("DEBUG", default=False)
# The fallback key is refused by `check --deploy` (W009), so production must set SECRET_KEY.
SECRET_KEY = env.str("SECRET_KEY", default="django-insecure-leerborg-development-key-not-for-production")
# Loopback stays allowed so the container health check can reach /healthz.
ALLOWED_HOSTS = [*env.list("ALLOWED_HOSTS", default=[]), "localhost", "127.0.0.1", "[::1]"]
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "config.apps.LeerborgAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_celery_beat",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_htmx",
    "ops",
    "csp",
    "axes",
    "people",
    "hris",
    "surveys",
    "catalog",
    "budgets",
    "comms",
    "policy",
    "monitoring",
    "goals",
    "engagement",
    "adoption",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "people.guards.RequestGuardMiddleware",
    "csp.middleware.CSPMiddleware",
    "people.guards.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "people.audit.AuditContextMiddleware",
    "people.middleware.EmployeeLocaleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "hris.authentication.ApiAuditMiddleware",
    "axes.middleware.AxesMiddleware",  # last: it answers the lockout page for the login views
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
                "django.template.context_processors.i18n",
                "people.context_processors.roles",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'leerborg.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# A persistent connection is checked before a request reuses it, so web and workers survive a
# PostgreSQL restart without being restarted themselves.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Web, worker and beat share one file in embedded mode: WAL and immediate transactions keep
    # them from tripping over each other's locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
if "postgresql" in DATABASES["default"]["ENGINE"]:
    # A server-side cursor is planned for its first tenth by default (cursor_tuple_fraction 0.1):
    # row by row through indexes. Ours (downloads, `.iterator()`) read every row: planned for all.
    pg_settings = ["-c cursor_tuple_fraction=1"]
    if not env.bool("POSTGRES_JIT", default=False):
        # PostgreSQL's JIT compiles a statement once its estimated cost passes a threshold: the
        # monitoring statements over an organisation of thousands did, and spent more time
        # compiling (1.4 s of 2.9 s at 5,000 people) than executing. A page's statements are short.
        pg_settings.append("-c jit=off")
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = " ".join([options.get("options", ""), *pg_settings]).strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Fails open (ops/cache.py): with Redis away pages are computed from the database, never a 500.
    CACHES = {"default": {"BACKEND": "ops.cache.FailOpenRedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses a locked-out sign-in before the password is even checked.
AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "people.access.CapabilityBackend"]
# Passwords on the login page (the demo, small organisations); off once everyone signs in through
# the identity provider. Administrators then sign in through it too.
LOCAL_PASSWORDS = env.bool("LOCAL_PASSWORDS", default=True)
# Single sign-on with OpenID Connect (people.sso; docs/operations.md for Entra ID and Okta). On
# when OIDC_RP_CLIENT_ID is set. The endpoints are the provider's (its discovery document lists them).
OIDC_RP_CLIENT_ID = env.str("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
OIDC_RP_CLIENT_SECRET = env.str("OIDC_RP_CLIENT_SECRET", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env.str("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env.str("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env.str("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env.str("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_RP_SCOPES = env.str("OIDC_RP_SCOPES", default="openid email profile")
# The claim that carries the HRIS key, if the provider sends one (Entra ID: an optional claim such
# as `employeeid`; Okta: a custom claim); empty: match by subject, then e-mail only.
OIDC_EXTERNAL_ID_CLAIM = env.str("OIDC_EXTERNAL_ID_CLAIM", default="")
OIDC_USE_PKCE = env.bool("OIDC_USE_PKCE", default=True)
OIDC_CREATE_USER = True
OIDC_AUTHENTICATION_CALLBACK_URL = "oidc_authentication_callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/?sso=failed"
OIDC_TIMEOUT = 10
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("people.sso.EmployeeOIDCBackend")
# Sign-in (the login page and the admin's): after AXES_FAILURE_LIMIT wrong passwords for one account
# from one address, that pair waits AXES_COOLOFF_MINUTES. Per pair, not per address alone, so
# colleagues behind one office address cannot lock each other out (docs/security.md).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "people.views.locked_out"
AXES_VERBOSE = False
# Password-reset requests: per address and per e-mail address (people.views.PasswordResetView).
PASSWORD_RESET_RATE = env.str("PASSWORD_RESET_RATE", default="5/hour")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nl", _("Dutch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Day-first English and d-m-Y Dutch dates (people.formatting and every template use these).
FORMAT_MODULE_PATH = ["config.formats"]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Amsterdam")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", default=not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
# SMTP goes through Django's SMTP backend with pipelining (comms/smtp_backend.py): the same e-mails
# in half the round trips. EMAIL_BACKEND names any other Django backend (an organisation's own
# service, an API-based provider through django-anymail, ...); EMAIL_URL's settings still apply.
if EMAIL_CONFIG["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend":
    EMAIL_BACKEND = "comms.smtp_backend.PipeliningSMTPBackend"
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default=EMAIL_BACKEND)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Leerborg <noreply@leerborg.invalid>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Security: safe by default, relaxed only for local development (DEBUG) or behind a proxy that
# terminates TLS (set SECURE_SSL_REDIRECT=false there and SECURE_PROXY_SSL_HEADER).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^health/ready$"]
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): scripts, styles, fonts and images from our own static files
# only; no inline script and no eval (htmx's hx-on is not used; static/js/leerborg.js instead).
# Inline style *attributes* stay allowed (a progress bar's width; they cannot run script).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Features no page of ours uses are switched off for every page (people.guards.PermissionsPolicyMiddleware).
PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), interest-cohort=()"
)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 10)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "hris.authentication.BearerAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": ["hris.authentication.ClientRateThrottle"],
    "DEFAULT_PERMISSION_CLASSES": ["people.access.HasCapability"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["people.guards.SafeJSONParser"],
    "EXCEPTION_HANDLER": "people.guards.api_exception_handler",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.CursorPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Leerborg API",
    "DESCRIPTION": "People, learning, budgets and adoption data for HRIS, identity and reporting systems.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One enum per choice set wherever an API uses it: the audience's kinds (people.api.AudienceSerializer),
    # and the education levels (an employee's, and the ones a learning item suits).
    "ENUM_NAME_OVERRIDES": {
        "AudienceKindEnum": "people.audience.AudienceKind",
        "EducationLevelEnum": "people.models.EducationLevel",
        "GoalStatusEnum": "goals.models.GoalStatus",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "hris.schema.document_error_responses",
        "hris.schema.state_real_limits",
    ],
}
# API clients (the HRIS app): requests per client, and the largest bulk-sync body accepted.
HRIS_API_THROTTLE_RATE = env.str("HRIS_API_THROTTLE_RATE", default="1200/minute")
HRIS_SYNC_MAX_BYTES = env.int("HRIS_SYNC_MAX_BYTES", default=64 * 1024 * 1024)
HRIS_IDEMPOTENCY_DAYS = env.int("HRIS_IDEMPOTENCY_DAYS", default=7)
HRIS_AUDIT_RETENTION_DAYS = env.int("HRIS_AUDIT_RETENTION_DAYS", default=365)
# Personal data of someone who left is erased this many days after they left (people.privacy).
PRIVACY_ERASE_AFTER_DAYS = env.int("PRIVACY_ERASE_AFTER_DAYS", default=730)
# The key of the hashes that remember erased HRIS keys; empty: SECRET_KEY (keep it stable).
PRIVACY_HASH_KEY = env.str("PRIVACY_HASH_KEY", default="")

# Celery. Embedded default: a file-based broker in var/, so nothing has to be installed.
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = VAR_DIR / "celery"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        "store_processed": False,
        # Broadcasts (worker pings, remote control) go here too, not to ./control in the checkout.
        "control_folder": str(_broker_dir / "control"),
    }
else:
    # A task not acknowledged within this time is redelivered; longer than any task's hard limit.
    # Short socket timeouts: a broker that hangs fails a publish quickly (the outbox sends it later).
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_timeout": 2, "socket_connect_timeout": 2}
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=300)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=360)
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Readiness calls a worker's or beat's heartbeat stale after this many seconds (beat sends the
# outbox sweep every BEAT_FREQUENT_SECONDS, a worker runs it).
OPS_HEARTBEAT_STALE_SECONDS = env.int("OPS_HEARTBEAT_STALE_SECONDS", default=300)
# Extra learning budget L&D may give as rewards per quarter (euros), unless set on the pool itself.
ENGAGEMENT_REWARD_POOL = env.str("ENGAGEMENT_REWARD_POOL", default="2500.00")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

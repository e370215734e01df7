"""Test settings: the environment's settings with the few differences tests need."""

from .settings import *  # noqa: F403
from .settings import STORAGES

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Tasks run inline unless a test starts a real worker (tests/integration).
CELERY_TASK_ALWAYS_EAGER = True
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same PostgreSQL, emptied between transactional tests with DELETE (see tests/pgdelete).
    DATABASES["default"]["ENGINE"] = "tests.pgdelete"

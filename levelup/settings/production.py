"""Production: every secret and address comes from the environment; missing ones stop start-up."""

import environ
from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403 -- settings modules extend base by design
from .base import env


def _require(name: str, parse):
    """Stop the process with one line naming the variable, rather than a traceback."""
    try:
        value = parse(name)
    except (ImproperlyConfigured, ValueError, KeyError) as exc:
        raise SystemExit(
            f"levelup: environment variable {name} is missing or malformed: {exc}"
        ) from exc
    return value


def _database(name: str) -> dict:
    url = env.str(name)
    config = environ.Env.db_url_config(url)
    if not str(config.get("ENGINE", "")).endswith("postgresql") or not config.get("NAME"):
        raise ValueError("expected postgres://user:password@host:port/name")
    return config


def _secret_key(name: str) -> str:
    value = env.str(name)
    if len(value) < 50 or len(set(value)) < 5 or value.startswith("django-insecure"):
        raise ValueError("use at least 50 random characters")
    return value


DEBUG = False
SECRET_KEY = _require("DJANGO_SECRET_KEY", _secret_key)
DATABASES = {"default": _require("DATABASE_URL", _database)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
REDIS_URL = _require("REDIS_URL", env.str)
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
ALLOWED_HOSTS = _require("DJANGO_ALLOWED_HOSTS", env.list)

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"

"""Production: every secret and address comes from the environment (see `.env.example`).

A missing or malformed variable stops start-up with one line naming it, never a traceback,
and never echoes the value (it may hold a password).
"""

import os
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

import environ

T = TypeVar("T")

_POSTGRES_SCHEMES = {"postgres", "postgresql", "pgsql", "psql"}
_REDIS_SCHEMES = {"redis", "rediss"}


def _require(name: str, parse: Callable[[str], T], example: str) -> T:
    """The parsed value of `name`; an unset or blank variable counts as missing."""
    value = os.environ.get(name, "").strip()
    if not value:
        raise SystemExit(f"levelup: environment variable {name} is not set; {example}")
    try:
        return parse(value)
    except ValueError as exc:
        raise SystemExit(f"levelup: environment variable {name} is malformed: {exc}") from None


def _secret_key(value: str) -> str:
    if len(value) < 50 or len(set(value)) < 5 or value.startswith("django-insecure"):
        raise ValueError(f"use at least 50 random characters (it has {len(value)})")
    return value


def _database(url: str) -> dict:
    """PostgreSQL only: the app relies on its constraints, locking and full-text search."""
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 -- parsing the port is the check
    except ValueError:
        raise ValueError("the port is not a number") from None
    if parts.scheme not in _POSTGRES_SCHEMES or not parts.path.strip("/"):
        raise ValueError(
            "expected postgres://user:password@host:5432/name (levelup runs on PostgreSQL only)"
        )
    return environ.Env.db_url_config(url)


def _redis(url: str) -> str:
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 -- parsing the port is the check
    except ValueError:
        raise ValueError("the port is not a number") from None
    if parts.scheme not in _REDIS_SCHEMES or not parts.hostname:
        raise ValueError("expected redis://host:6379/0 (or rediss:// for TLS)")
    return url


def _hosts(value: str) -> list[str]:
    hosts = [host.strip() for host in value.split(",") if host.strip()]
    if not hosts:
        raise ValueError("expected comma-separated host names, e.g. levelup.example.org")
    return hosts


# Checked before base is imported, because base parses DATABASE_URL itself and would stop
# with a traceback. Read the same .env file base reads first, so both see one environment.
environ.Env.read_env(Path(__file__).resolve().parent.parent.parent / ".env", overwrite=False)
_SECRET_KEY = _require(
    "DJANGO_SECRET_KEY",
    _secret_key,
    "generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'",
)
_DATABASE = _require(
    "DATABASE_URL", _database, "e.g. postgres://levelup:password@db.internal:5432/levelup"
)
_REDIS_URL = _require("REDIS_URL", _redis, "e.g. redis://redis.internal:6379/0")
_ALLOWED_HOSTS = _require("DJANGO_ALLOWED_HOSTS", _hosts, "e.g. levelup.example.org")
if os.environ.get("TWO_FACTOR_REQUIRED", "true").strip().lower() not in {"true", "1", "yes", "on"}:
    raise SystemExit(
        "levelup: TWO_FACTOR_REQUIRED is off, which is for development only; production "
        "requires two-factor sign-in for site administrators and the secretariat"
    )

from .base import *  # noqa: E402, F403 -- after the checks above; settings extend base by design
from .base import STORAGES, env, replica_alias  # noqa: E402 -- see above

DEBUG = False
SECRET_KEY = _SECRET_KEY
DATABASES = {"default": _DATABASE}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if os.environ.get("DATABASE_REPLICA_URL", "").strip():
    _require(
        "DATABASE_REPLICA_URL", _database, "e.g. postgres://levelup:password@replica:5432/levelup"
    )
    DATABASES["replica"] = replica_alias(os.environ["DATABASE_REPLICA_URL"].strip())
REDIS_URL = _REDIS_URL
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
# Several web machines share sessions and the cache through Redis (the broker's server by
# default; CACHE_REDIS_URL names another). Sessions live in their own key prefix so that
# clearing the cache never signs anyone out.
_CACHE_REDIS_URL = env("CACHE_REDIS_URL", default=REDIS_URL)
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _CACHE_REDIS_URL,
        "KEY_PREFIX": "cache",
        "TIMEOUT": 300,
    },
    "sessions": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _CACHE_REDIS_URL,
        "KEY_PREFIX": "session",
        "TIMEOUT": None,
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cache"
SESSION_CACHE_ALIAS = "sessions"
ALLOWED_HOSTS = _ALLOWED_HOSTS
TWO_FACTOR_REQUIRED = True

STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# TLS ends at the reverse proxy, which must set X-Forwarded-Proto (and strip a client's own).
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The same proxy appends the client's address to X-Forwarded-For (sign-in locks, rate limits).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=1)
# Load balancers and container health checks probe over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_SAMESITE = "Lax"

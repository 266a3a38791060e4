"""levelup.settings.production, each case in a fresh process with a controlled environment.

The processes ignore a developer's `.env` file, so that it cannot supply what a test removes.
"""

import ast
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from levelup.settings import base

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent.parent

# Variables that would leak from the caller's shell (or `make test`) into the process.
CONTROLLED = {
    "DJANGO_SETTINGS_MODULE",
    "DJANGO_SECRET_KEY",
    "DATABASE_URL",
    "REDIS_URL",
    "CELERY_BROKER_URL",
    "DJANGO_ALLOWED_HOSTS",
    "DJANGO_CSRF_TRUSTED_ORIGINS",
    "DJANGO_DEBUG",
    "DJANGO_SECURE_SSL_REDIRECT",
    "DJANGO_SECURE_HSTS_SECONDS",
    "LEVELUP_TEST_DB",
    # The browser tests set it for the test process only; production must never have it.
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}

# Run Django with base.py's and production.py's `.env` reading switched off.
PRELUDE = "import environ; environ.Env.read_env = lambda *args, **kwargs: None; "


def _production_env(**overrides: str | None) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in CONTROLLED}
    env.update(
        DJANGO_SETTINGS_MODULE="levelup.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(45),
        DATABASE_URL="postgres://u:p@db:5432/levelup",
        REDIS_URL="redis://redis:6379/0",
        DJANGO_ALLOWED_HOSTS="levelup.example.org",
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _manage(*args: str, **overrides: str | None) -> subprocess.CompletedProcess:
    code = (
        PRELUDE + "import sys; from django.core.management import execute_from_command_line; "
        "execute_from_command_line(['manage.py', *sys.argv[1:]])"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        cwd=ROOT,
        env=_production_env(**overrides),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _production_settings(*names: str) -> dict:
    code = (
        PRELUDE + "import json, sys, django; django.setup(); from django.conf import settings; "
        "print(json.dumps({name: getattr(settings, name, None) for name in sys.argv[1:]}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, *names],
        cwd=ROOT,
        env=_production_env(),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_the_test_secret_is_sixty_characters():
    assert len(_production_env()["DJANGO_SECRET_KEY"]) == 60


def test_production_passes_the_deploy_check_with_every_variable_set():
    result = _manage("check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode == 0, result.stderr
    assert result.stdout == "System check identified no issues (0 silenced).\n"
    assert result.stderr == ""


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        (
            {"DJANGO_SECRET_KEY": None},
            "levelup: environment variable DJANGO_SECRET_KEY is not set; generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'",
        ),
        (
            {"DJANGO_SECRET_KEY": "   "},
            "levelup: environment variable DJANGO_SECRET_KEY is not set; generate one with: "
            "python -c 'import secrets; print(secrets.token_urlsafe(50))'",
        ),
        (
            {"DJANGO_SECRET_KEY": "too-short-" * 4},
            "levelup: environment variable DJANGO_SECRET_KEY is malformed: "
            "use at least 50 random characters (it has 40)",
        ),
        (
            {"DJANGO_SECRET_KEY": "django-insecure-" + "x1y2z3" * 10},
            "levelup: environment variable DJANGO_SECRET_KEY is malformed: "
            "use at least 50 random characters (it has 76)",
        ),
        (
            {"DATABASE_URL": None},
            "levelup: environment variable DATABASE_URL is not set; "
            "e.g. postgres://levelup:password@db.internal:5432/levelup",
        ),
        (
            {"DATABASE_URL": "not-a-url"},
            "levelup: environment variable DATABASE_URL is malformed: "
            "expected postgres://user:password@host:5432/name (levelup runs on PostgreSQL only)",
        ),
        (
            {"DATABASE_URL": "sqlite:///x.db"},
            "levelup: environment variable DATABASE_URL is malformed: "
            "expected postgres://user:password@host:5432/name (levelup runs on PostgreSQL only)",
        ),
        (
            {"DATABASE_URL": "mysql://u:p@db:3306/levelup"},
            "levelup: environment variable DATABASE_URL is malformed: "
            "expected postgres://user:password@host:5432/name (levelup runs on PostgreSQL only)",
        ),
        (
            {"DATABASE_URL": "postgres://u:p@db:5432/"},
            "levelup: environment variable DATABASE_URL is malformed: "
            "expected postgres://user:password@host:5432/name (levelup runs on PostgreSQL only)",
        ),
        (
            {"DATABASE_URL": "postgres://u:secret-password@db:port/levelup"},
            "levelup: environment variable DATABASE_URL is malformed: the port is not a number",
        ),
        (
            {"REDIS_URL": None},
            "levelup: environment variable REDIS_URL is not set; "
            "e.g. redis://redis.internal:6379/0",
        ),
        (
            {"REDIS_URL": "redis:6379"},
            "levelup: environment variable REDIS_URL is malformed: "
            "expected redis://host:6379/0 (or rediss:// for TLS)",
        ),
        (
            {"DJANGO_ALLOWED_HOSTS": None},
            "levelup: environment variable DJANGO_ALLOWED_HOSTS is not set; "
            "e.g. levelup.example.org",
        ),
        (
            {"DJANGO_ALLOWED_HOSTS": " , "},
            "levelup: environment variable DJANGO_ALLOWED_HOSTS is malformed: "
            "expected comma-separated host names, e.g. levelup.example.org",
        ),
    ],
    ids=[
        "secret-missing",
        "secret-blank",
        "secret-short",
        "secret-django-insecure",
        "database-missing",
        "database-not-a-url",
        "database-sqlite",
        "database-mysql",
        "database-no-name",
        "database-bad-port",
        "redis-missing",
        "redis-no-scheme",
        "hosts-missing",
        "hosts-empty-list",
    ],
)
def test_production_refuses_to_start_naming_the_variable(overrides, message):
    result = _manage("check", **overrides)

    assert result.returncode == 1
    assert result.stdout == ""
    # One line, no traceback, no warning from the URL parser, and no secret echoed back.
    assert result.stderr.splitlines() == [message]


def test_production_refusal_never_echoes_the_database_password():
    result = _manage("check", DATABASE_URL="mysql://levelup:hunter2-secret@db:3306/levelup")

    assert result.returncode == 1
    assert "hunter2-secret" not in result.stderr


def test_production_security_settings_are_strict():
    values = _production_settings(
        "DEBUG",
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "X_FRAME_OPTIONS",
    )

    assert values == {
        "DEBUG": False,
        "SECURE_HSTS_SECONDS": 31536000,
        "SECURE_HSTS_INCLUDE_SUBDOMAINS": True,
        "SECURE_SSL_REDIRECT": True,
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "X_FRAME_OPTIONS": "DENY",
    }
    assert values["SECURE_HSTS_SECONDS"] >= 60 * 60 * 24 * 365


def test_production_settings_come_from_the_environment():
    values = _production_settings("DATABASES", "REDIS_URL", "CELERY_BROKER_URL", "ALLOWED_HOSTS")

    database = values["DATABASES"]["default"]
    assert (database["ENGINE"], database["NAME"], database["HOST"], database["PORT"]) == (
        "django.db.backends.postgresql",
        "levelup",
        "db",
        5432,
    )
    assert database["CONN_HEALTH_CHECKS"] is True
    assert database["ATOMIC_REQUESTS"] is False
    assert values["REDIS_URL"] == "redis://redis:6379/0"
    assert values["CELERY_BROKER_URL"] == "redis://redis:6379/0"
    assert values["ALLOWED_HOSTS"] == ["levelup.example.org"]


UNSAFE_SOURCES = ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'")


def _unsafe(policy: dict) -> list[str]:
    return [
        f"{directive} {source}"
        for directive, sources in policy["DIRECTIVES"].items()
        for source in sources
        if source in UNSAFE_SOURCES
    ]


def test_content_security_policy_allows_no_inline_code_or_eval():
    assert _unsafe(base.CONTENT_SECURITY_POLICY) == []
    assert base.CONTENT_SECURITY_POLICY["DIRECTIVES"]["script-src"] == ["'self'"]
    assert base.CONTENT_SECURITY_POLICY["DIRECTIVES"]["style-src"] == ["'self'"]


def test_production_content_security_policy_is_the_strict_one():
    values = _production_settings("CONTENT_SECURITY_POLICY", "CONTENT_SECURITY_POLICY_REPORT_ONLY")

    assert values["CONTENT_SECURITY_POLICY"] == base.CONTENT_SECURITY_POLICY
    assert _unsafe(values["CONTENT_SECURITY_POLICY"]) == []
    assert values["CONTENT_SECURITY_POLICY_REPORT_ONLY"] is None


def _variables_read_by_settings() -> set[str]:
    """Names passed to `env(...)`, `env.<cast>(...)` and `_require(...)` in levelup/settings."""
    names = set()
    for path in (ROOT / "levelup" / "settings").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            reads_env = (isinstance(func, ast.Name) and func.id in {"env", "_require"}) or (
                isinstance(func, ast.Attribute)
                and isinstance(func.value, ast.Name)
                and func.value.id == "env"
            )
            first = node.args[0]
            if reads_env and isinstance(first, ast.Constant) and isinstance(first.value, str):
                names.add(first.value)
    return names


def _variables_in_env_example() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_settings_read_the_variables_this_test_knows_about():
    assert {"DJANGO_SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_HOST"} <= (
        _variables_read_by_settings()
    )


def test_env_example_documents_every_variable_the_settings_read():
    missing = sorted(_variables_read_by_settings() - _variables_in_env_example())

    assert missing == [], f"add these to .env.example, with a comment: {missing}"


def test_production_keeps_sessions_and_cache_in_redis():
    settings = _production_settings("CACHES", "SESSION_ENGINE", "SESSION_CACHE_ALIAS")

    backends = {alias: cache["BACKEND"] for alias, cache in settings["CACHES"].items()}
    assert backends == {
        "default": "django.core.cache.backends.redis.RedisCache",
        "sessions": "django.core.cache.backends.redis.RedisCache",
    }
    assert settings["CACHES"]["sessions"]["LOCATION"] == "redis://redis:6379/0"
    assert settings["SESSION_ENGINE"] == "django.contrib.sessions.backends.cache"
    assert settings["SESSION_CACHE_ALIAS"] == "sessions"


def test_production_reads_the_client_address_behind_one_proxy():
    values = _production_settings(
        "TRUSTED_PROXY_COUNT",
        "AXES_CLIENT_IP_CALLABLE",
        "AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT",
    )

    assert values == {
        "TRUSTED_PROXY_COUNT": 1,
        "AXES_CLIENT_IP_CALLABLE": "levelup.auth.client_ip",
        "AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT": False,
    }


def test_production_refuses_the_development_sign_in_setting():
    result = _manage("check", TWO_FACTOR_REQUIRED="false")

    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "levelup: TWO_FACTOR_REQUIRED is off, which is for development only; production "
        "requires two-factor sign-in for site administrators and the secretariat"
    )


def test_production_requires_two_factor_sign_in():
    assert _production_settings("TWO_FACTOR_REQUIRED") == {"TWO_FACTOR_REQUIRED": True}

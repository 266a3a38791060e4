"""The container shape: docker-compose.yml, the Dockerfile and .dockerignore.

There may be no Docker engine where the suite runs, so the files are checked as data;
`docker compose config` also runs when the compose plugin is installed.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
WORKERS = [
    "worker-email",
    "worker-exports",
    "worker-extraction",
    "worker-imports",
    "worker-rendering",
]
APP_SERVICES = ["web", *WORKERS, "beat"]


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> str:
    # Join continuation lines, so that one instruction is one line.
    return (ROOT / "Dockerfile").read_text().replace("\\\n", " ")


def _documented_variables() -> set[str]:
    text = (ROOT / ".env.example").read_text()
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_compose_runs_every_service(compose):
    assert sorted(compose["services"]) == sorted(
        ["beat", "mailpit", "minio", "minio-bucket", "postgres", "redis", "web", *WORKERS]
    )


def test_compose_uses_the_intended_images(compose):
    services = compose["services"]

    assert services["postgres"]["image"] == "postgres:16"
    assert services["redis"]["image"] == "redis:7"
    assert services["mailpit"]["image"] == "axllent/mailpit"
    assert services["minio"]["image"] == "minio/minio"
    for name in APP_SERVICES:
        assert services[name]["build"] == ".", name
        assert services[name]["image"] == "levelup:latest", name


def test_compose_postgres_keeps_its_data_in_a_named_volume(compose):
    postgres = compose["services"]["postgres"]

    assert postgres["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert "postgres-data" in compose["volumes"]
    assert postgres["environment"]["POSTGRES_DB"] == "levelup"
    assert postgres["environment"]["POSTGRES_USER"] == "levelup"


def test_compose_healthchecks_probe_each_server(compose):
    services = compose["services"]

    assert services["postgres"]["healthcheck"]["test"] == [
        "CMD",
        "pg_isready",
        "--username=levelup",
        "--dbname=levelup",
    ]
    assert services["redis"]["healthcheck"]["test"] == ["CMD", "redis-cli", "ping"]
    web_test = services["web"]["healthcheck"]["test"]
    assert web_test[:3] == ["CMD", "python", "-c"]
    assert "http://127.0.0.1:8000/healthz" in web_test[3]
    assert 'response.read() == b"ok"' in web_test[3]
    compile(web_test[3], "web-healthcheck", "exec")


def test_compose_starts_services_once_their_dependencies_are_healthy(compose):
    services = compose["services"]
    conditions = {
        name: {dep: spec["condition"] for dep, spec in services[name]["depends_on"].items()}
        for name in APP_SERVICES
    }

    worker = {
        "postgres": "service_healthy",
        "redis": "service_healthy",
        "mailpit": "service_started",
        "minio-bucket": "service_completed_successfully",
        "web": "service_healthy",
    }
    assert conditions == {
        "web": {
            "postgres": "service_healthy",
            "redis": "service_healthy",
            "minio-bucket": "service_completed_successfully",
        },
        **dict.fromkeys(WORKERS, worker),
        "beat": {"redis": "service_healthy"},
    }


def test_compose_web_migrates_then_serves_with_gunicorn(compose):
    command = compose["services"]["web"]["command"]

    assert command[:2] == ["sh", "-c"]
    assert command[2] == (
        "python manage.py migrate --noinput && "
        "exec gunicorn levelup.wsgi --bind 0.0.0.0:8000 --access-logfile -"
    )
    assert compose["services"]["web"]["ports"] == ["127.0.0.1:${LEVELUP_WEB_PORT:-8000}:8000"]


def test_compose_runs_one_worker_per_kind_of_queue_and_beat(compose):
    from levelup.settings import base

    beat = compose["services"]["beat"]["command"]
    queues = {}
    for name in WORKERS:
        command = compose["services"][name]["command"]
        assert command[:4] == ["celery", "-A", "levelup", "worker"], name
        (option,) = [word for word in command if word.startswith("--queues=")]
        queues[name] = option.removeprefix("--queues=").split(",")

    assert queues == {
        "worker-email": ["email", "levelup"],
        "worker-exports": ["exports"],
        "worker-extraction": ["extraction"],
        "worker-imports": ["imports"],
        "worker-rendering": ["rendering"],
    }
    assert sorted(q for names in queues.values() for q in names) == sorted(
        base.celery_queue_names()
    )
    assert beat[:4] == ["celery", "-A", "levelup", "beat"]
    # The app user cannot write to /app; the schedule file needs a writable place.
    assert beat[beat.index("--schedule") + 1] == "/tmp/celerybeat-schedule"


def test_compose_app_services_share_the_production_environment(compose):
    environments = [compose["services"][name]["environment"] for name in APP_SERVICES]
    environment = environments[0]

    assert environments == [environment] * len(APP_SERVICES)
    assert environment["DJANGO_SETTINGS_MODULE"] == "levelup.settings.production"
    assert environment["DJANGO_SECRET_KEY"].startswith("${DJANGO_SECRET_KEY:?")
    assert environment["DATABASE_URL"] == (
        "postgres://levelup:${POSTGRES_PASSWORD:-levelup}@postgres:5432/levelup"
    )
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["AWS_STORAGE_BUCKET_NAME"] == "levelup-private"
    assert environment["AWS_S3_ENDPOINT_URL"] == "http://minio:9000"
    assert environment["EMAIL_HOST"] == "mailpit"
    assert environment["EMAIL_PORT"] == "1025"
    assert environment["DJANGO_SECURE_SSL_REDIRECT"] == "${DJANGO_SECURE_SSL_REDIRECT:-false}"


def test_compose_variables_are_documented_in_env_example(compose):
    text = (ROOT / "docker-compose.yml").read_text()
    interpolated = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    passed_to_the_app = set(compose["services"]["web"]["environment"])

    missing = sorted((interpolated | passed_to_the_app) - _documented_variables())

    assert missing == [], f"add these to .env.example, with a comment: {missing}"


def _compose_plugin_available() -> bool:
    docker = shutil.which("docker")
    if docker is None:
        return False
    result = subprocess.run(
        [docker, "compose", "version"], capture_output=True, text=True, timeout=30, check=False
    )
    return result.returncode == 0


def test_compose_file_passes_docker_compose_config():
    if not _compose_plugin_available():
        pytest.skip("the docker compose plugin is not installed")

    result = subprocess.run(
        ["docker", "compose", "--file", "docker-compose.yml", "config", "--quiet"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SECRET_KEY": "x" * 60},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert (result.returncode, result.stderr) == (0, "")


def test_dockerfile_builds_assets_with_npm_ci_in_a_node_stage(dockerfile):
    assert "FROM node:20-slim AS assets" in dockerfile
    assert "COPY package.json package-lock.json ./" in dockerfile
    assert re.search(r"^RUN npm ci\b", dockerfile, flags=re.MULTILINE)


def test_dockerfile_installs_exactly_the_locked_requirements(dockerfile):
    assert "FROM python:3.11-slim AS runtime" in dockerfile
    assert "RUN pip install --require-hashes --no-deps -r requirements/base.lock" in dockerfile


def test_dockerfile_puts_bootstrap_where_the_settings_look(dockerfile):
    from levelup.settings import base

    vendor = dict(entry for entry in base.STATICFILES_DIRS if isinstance(entry, tuple))
    expected = vendor["vendor/bootstrap"].relative_to(base.BASE_DIR).as_posix()

    assert expected == "node_modules/bootstrap/dist"
    assert f"COPY --from=assets /assets/{expected} {expected}" in dockerfile


def test_dockerfile_runs_as_an_unprivileged_user_on_port_8000(dockerfile):
    users = re.findall(r"^USER\s+(\S+)", dockerfile, flags=re.MULTILINE)

    assert users == ["levelup"]
    assert re.findall(r"^EXPOSE\s+(.+)$", dockerfile, flags=re.MULTILINE) == ["8000"]
    assert re.findall(r"^CMD\s+(.+)$", dockerfile, flags=re.MULTILINE) == [
        '["gunicorn", "levelup.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]'
    ]
    assert "ENV PYTHONDONTWRITEBYTECODE=1" in dockerfile
    assert "DJANGO_SETTINGS_MODULE=levelup.settings.production" in dockerfile


def test_dockerfile_build_time_values_satisfy_the_production_settings(dockerfile):
    (collectstatic,) = [
        line for line in dockerfile.splitlines() if "manage.py collectstatic" in line
    ]
    words = shlex.split(collectstatic.removeprefix("RUN "))
    build_env = dict(word.split("=", 1) for word in words[: words.index("python")])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(build_env, DJANGO_SETTINGS_MODULE="levelup.settings.production")

    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import environ; environ.Env.read_env = lambda *args, **kwargs: None; "
            "import django; django.setup(); from django.conf import settings; "
            "print(settings.STORAGES['staticfiles']['BACKEND'])",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert sorted(build_env) == [
        "DATABASE_URL",
        "DJANGO_ALLOWED_HOSTS",
        "DJANGO_SECRET_KEY",
        "REDIS_URL",
    ]
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == "whitenoise.storage.CompressedManifestStaticFilesStorage\n"


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = (ROOT / ".dockerignore").read_text().splitlines()

    for entry in [".env", ".git", ".venv", "node_modules", ".run", "staticfiles", "media"]:
        assert entry in ignored, entry

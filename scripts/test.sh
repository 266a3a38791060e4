#!/usr/bin/env bash
# `make test`: quality gates, then the whole suite on real PostgreSQL, Redis and Celery.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
mkdir -p .run test-results
started="$(mktemp "$ROOT/.run/started.XXXXXX")"
cleanup() {
	# shellcheck disable=SC2046 # one word per server name
	scripts/services.sh down $(cat "$started") >/dev/null 2>&1 || true
	rm -f "$started"
}
trap cleanup EXIT
scripts/services.sh up "$started"

echo "== ruff"
"$BIN/ruff" check .
"$BIN/ruff" format --check .
echo "== djlint"
"$BIN/djlint" templates --check --quiet
"$BIN/djlint" templates --lint --quiet
echo "== migrations"
DJANGO_SETTINGS_MODULE=levelup.settings.test "$BIN/python" manage.py makemigrations --check --dry-run
echo "== pip-audit"
scripts/audit.sh
echo "== deploy check"
DJANGO_SECRET_KEY="ci-$(head -c 48 /dev/urandom | base64 | tr -d '/+=' | head -c 60)" \
	DATABASE_URL="postgres://levelup:secret@db:5432/levelup" \
	REDIS_URL="redis://redis:6379/0" \
	DJANGO_ALLOWED_HOSTS="levelup.example.org" \
	"$BIN/python" manage.py check --deploy --fail-level WARNING --settings=levelup.settings.production
echo "== pytest"
extra=()
# Locally the test databases are kept between runs (--reuse-db); CI always builds them anew.
[ -n "${CI:-}" ] && extra+=(--create-db)
"$BIN/python" -m pytest -n "${PYTEST_WORKERS:-2}" --dist loadfile "${extra[@]}" "$@"

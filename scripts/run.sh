#!/usr/bin/env bash
# `make run`: services, migrations, demo data, a Celery worker and beat, and the web server.
# Ctrl-C stops everything this script started (servers it found running are left running).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BIN="$ROOT/.venv/bin"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-levelup.settings.local}"
mkdir -p .run
started="$(mktemp "$ROOT/.run/started.XXXXXX")"
children=()

cleanup() {
	trap - EXIT INT TERM
	for pid in "${children[@]}"; do kill "$pid" 2>/dev/null || true; done
	wait 2>/dev/null || true
	# shellcheck disable=SC2046 # one word per server name
	scripts/services.sh down $(cat "$started") >/dev/null 2>&1 || true
	rm -f "$started" .run/web.pid .run/worker.pid .run/beat.pid
}
trap cleanup EXIT INT TERM

scripts/services.sh up "$started"
"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py load_demo

# One worker for every kind of queue (production runs one per kind: docker-compose.yml).
"$BIN/celery" -A levelup worker --loglevel=INFO --concurrency=2 \
	--queues=levelup,email,extraction,imports,rendering,exports &
children+=($!)
echo $! >.run/worker.pid
"$BIN/celery" -A levelup beat --loglevel=INFO --schedule "$ROOT/.run/celerybeat-schedule" &
children+=($!)
echo $! >.run/beat.pid

echo "levelup: serving http://127.0.0.1:8000 (Ctrl-C stops it all)"
"$BIN/python" manage.py runserver 127.0.0.1:8000 &
children+=($!)
echo $! >.run/web.pid
wait -n "${children[@]}" || true

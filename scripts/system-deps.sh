#!/usr/bin/env bash
# Installs the Debian packages a fresh machine lacks, when we may (root) and need to.
#   scripts/system-deps.sh base      python3-venv, npm, WeasyPrint's libraries (Pango) and fonts;
#                                    PostgreSQL when DATABASE_URL is unset
#   scripts/system-deps.sh browser   Debian's Chromium, for the browser tests
set -euo pipefail

want=()
case "${1:-base}" in
base)
	python3 -c 'import venv, ensurepip' 2>/dev/null || want+=(python3-venv)
	command -v npm >/dev/null 2>&1 || want+=(nodejs npm)
	# WeasyPrint (PDFs) lays text out with Pango and embeds the DejaVu fonts.
	for pkg in libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core; do
		dpkg -s "$pkg" >/dev/null 2>&1 || want+=("$pkg")
	done
	if [ -z "${DATABASE_URL:-}" ] && [ -z "$(ls /usr/lib/postgresql/*/bin/initdb 2>/dev/null)" ]; then
		want+=(postgresql postgresql-contrib)
	fi
	;;
browser)
	[ -x /usr/bin/chromium ] || want+=(chromium fonts-dejavu-core)
	;;
*)
	echo "usage: $0 base|browser" >&2
	exit 2
	;;
esac

[ ${#want[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "system-deps: please install: ${want[*]} (e.g. sudo apt-get install ${want[*]})" >&2
	exit 1
fi
echo "system-deps: installing ${want[*]}" >&2
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${want[@]}" >/dev/null

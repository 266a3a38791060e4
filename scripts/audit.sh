#!/usr/bin/env bash
# Known vulnerabilities in the pinned requirements, from PyPI's vulnerability data (the same
# advisories as OSV, served with each release), so no other service is needed.
#
# A known-vulnerable pin fails. A package the service could not be asked about (no network,
# or a registry mirror that does not serve per-release data) is listed and skipped; set
# LEVELUP_AUDIT_STRICT=1 (as a release pipeline with network should) to fail on those too.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
mkdir -p .run
report=".run/pip-audit.json"
rm -f "$report"
set +e
"$ROOT/.venv/bin/pip-audit" -r requirements/dev.lock --require-hashes --disable-pip \
	--vulnerability-service pypi --timeout 20 --progress-spinner off -f json -o "$report" 2>.run/pip-audit.log
status=$?
set -e
exec "$ROOT/.venv/bin/python" - "$report" "$status" "${LEVELUP_AUDIT_STRICT:-0}" <<'PY'
import json
import sys
from pathlib import Path

report, status, strict = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3] == "1"
if not report.exists():
    print(f"pip-audit could not run (exit {status}); see .run/pip-audit.log")
    sys.exit(1 if strict else 0)
dependencies = json.loads(report.read_text())["dependencies"]
vulnerable = [d for d in dependencies if d.get("vulns")]
skipped = [d for d in dependencies if "skip_reason" in d]
for dependency in vulnerable:
    for vuln in dependency["vulns"]:
        fixed = ", ".join(vuln.get("fix_versions") or []) or "no fixed release yet"
        print(f"VULNERABLE {dependency['name']} {dependency['version']}: {vuln['id']} (fixed in {fixed})")
audited = len(dependencies) - len(skipped)
print(f"pip-audit: {audited} pinned packages checked, {len(vulnerable)} vulnerable, {len(skipped)} not checked")
if skipped:
    print("  not checked (the vulnerability service did not answer for them):")
    print("  " + ", ".join(sorted(d["name"] for d in skipped)))
sys.exit(1 if vulnerable or (strict and skipped) else 0)
PY

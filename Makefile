# levelup: `make run` serves the app with demo data; `make test` runs every check.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
UV_VERSION := 0.13.9

.PHONY: run test install lint format lock stop clean demo migrate services bench

run: install
	scripts/run.sh

test: install
	scripts/system-deps.sh browser
	scripts/test.sh $(PYTEST_ARGS)

install: $(VENV)/.installed node_modules/.installed

$(VENV)/.installed: requirements/dev.lock
	scripts/system-deps.sh base
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "levelup needs Python 3.11 or newer")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements/dev.lock
	touch $@

node_modules/.installed: package.json package-lock.json
	scripts/system-deps.sh base
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

services: install
	scripts/services.sh up

migrate: services
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djlint templates --check --quiet
	$(BIN)/djlint templates --lint --quiet

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .
	$(BIN)/djlint templates --reformat --quiet || true

# Re-pin dependencies after editing pyproject.toml.
lock:
	$(BIN)/uv pip compile pyproject.toml --generate-hashes -o requirements/base.lock -q
	$(BIN)/uv pip compile pyproject.toml --extra dev --generate-hashes -o requirements/dev.lock -q
	$(BIN)/uv pip compile pyproject.toml --extra dev --extra bench --generate-hashes -o requirements/bench.lock -q

stop:
	-@for name in web worker beat; do \
		if [ -f .run/$$name.pid ]; then kill $$(cat .run/$$name.pid) 2>/dev/null; rm -f .run/$$name.pid; fi; \
	done
	scripts/services.sh down

clean: stop
	rm -rf $(VENV) node_modules .run staticfiles test-results media /tmp/levelup-*

# The pages and the write path under load, end to end (see docs/benchmarks.md); not part of
# `make test`. BENCH_ARGS="--submissions 700000 --write-seconds 600" for the full run.
bench: install
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements/bench.lock
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

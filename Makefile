# sscard: `make run` starts the whole development stack (tools/devstack): sscard's set-up, the
# bank simulator on SSCARD_SIM_PORT (default 8700), the delta simulator (the other Yangtze River
# Delta provinces' card nodes) on SSCARD_DELTA_SIM_PORT (default 8710) and the service on
# SSCARD_PORT (default 8000),
# until Ctrl-C; `make test` runs every test on SQLite and on PostgreSQL. Both set up the virtual
# environment first.

# Some machines set PYTHONDONTWRITEBYTECODE: every process (each test run, server, worker and
# command the end-to-end tests start) then compiled sscard's 500 modules again, and pytest
# rewrote every test module's asserts again.
unexport PYTHONDONTWRITEBYTECODE

PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/sscard_test
PG_BENCH_URL ?= postgresql://postgres@127.0.0.1:5432/sscard_bench
# Options of `python -m devstack`, e.g. make run RUN_ARGS="--transport nats"
RUN_ARGS ?=

.PHONY: run setup test test-sqlite test-postgres test-end-to-end lint bench clean browsers messages screenshots

$(STAMP):
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/sscard setup

run: $(STAMP)
	$(BIN)/python -m devstack $(RUN_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check src tools tests migrations benchmarks
	$(BIN)/ruff format --check src tools tests migrations benchmarks
	$(BIN)/mypy src/sscard tools/bank_simulator tools/delta_simulator tools/devstack
	$(BIN)/lint-imports

# The checks and three runs side by side, each one's output kept together, each run spread
# over two pytest-xdist workers that take the next test module as they finish one (a module
# stays whole on one worker: its module fixtures run once): the unit and integration tests on
# SQLite, the integration tests again on PostgreSQL (each worker its own database and ports;
# the modules marked any_database, which nothing about the database changes, run on SQLite
# only), and the end-to-end tests (the browser journeys and the black-box tests, which start
# whole processes and spend much of their time waiting on them).
XDIST := -n 2 --dist loadfile

test: $(STAMP)
	$(MAKE) -j4 --output-sync=target lint test-sqlite test-postgres test-end-to-end

# Debian's Chromium, a Chinese font and poppler for the browser and document tests (once per machine).
browsers:
	tools/browser/install.sh

test-sqlite: $(STAMP)
	$(BIN)/pytest -q $(XDIST) --durations=10 tests --ignore=tests/blackbox --ignore=tests/browser

test-end-to-end: $(STAMP) browsers
	SSCARD_DEVSTACK_TEST_URL=$(PG_TEST_URL)_devstack $(BIN)/pytest -q $(XDIST) --durations=15 tests/browser tests/blackbox

test-postgres: $(STAMP)
	SSCARD_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q $(XDIST) --durations=10 tests/integration -m "not any_database"

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --postgres-url $(PG_BENCH_URL)

# The README's pictures of each journey of the console, taken by the browser tests themselves.
screenshots: $(STAMP) browsers
	SSCARD_SCREENSHOTS=1 $(BIN)/pytest -q tests/browser

# The pages' message ids, to translate in src/sscard/web/locale/zh/<desk>.po
messages: $(STAMP)
	$(BIN)/pybabel extract -F src/sscard/web/babel.cfg -o var/messages.pot --no-location .

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# sscard: `make run` serves on http://127.0.0.1:8000 (SSCARD_PORT overrides) with the bank
# simulator beside it on :8700; `make test` runs
# every test on SQLite and on PostgreSQL. Both set up the virtual environment first.

PY ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cat requirements.lock pyproject.toml | cksum | cut -d' ' -f1)
PG_TEST_URL ?= postgresql://postgres@127.0.0.1:5432/sscard_test
PG_BENCH_URL ?= postgresql://postgres@127.0.0.1:5432/sscard_bench

.PHONY: run setup test test-sqlite test-postgres lint bench clean

$(STAMP):
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps -e .
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

setup: $(STAMP)
	$(BIN)/sscard setup

run: $(STAMP)
	$(BIN)/sscard up

lint: $(STAMP)
	$(BIN)/ruff check src tools tests migrations benchmarks
	$(BIN)/ruff format --check src tools tests migrations benchmarks
	$(BIN)/mypy src/sscard tools/bank_simulator

test: lint test-sqlite test-postgres

test-sqlite: $(STAMP)
	$(BIN)/pytest -q tests

test-postgres: $(STAMP)
	SSCARD_TEST_DATABASE_URL=$(PG_TEST_URL) $(BIN)/pytest -q tests/integration

bench: $(STAMP)
	$(BIN)/python -m benchmarks.run --postgres-url $(PG_BENCH_URL)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache

# OCOP Market. `make run` serves the demo on embedded defaults; `make test` runs the whole suite.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
UV_VERSION := 0.13.9
PYTEST_ARGS ?=

.PHONY: run test lint format bench fuzz migrate demo install install-dev clean help

help:
	@echo "make run    set up, migrate, load the demo catalogue and serve http://$(HOST):$(PORT)"
	@echo "make test   the whole test suite (PostgreSQL when DATABASE_URL is set, else SQLite)"
	@echo "make lint   ruff and mypy"
	@echo "make bench  benchmarks; writes a report under bench/results/"

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

# Installs from the lock files; a stamp per lock file makes a second run a no-op.
$(VENV)/.base.stamp: requirements/base.lock | $(BIN)/python
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements/base.lock
	@touch $@

$(VENV)/.dev.stamp: requirements/dev.lock | $(BIN)/python
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements/dev.lock
	@touch $@ $(VENV)/.base.stamp

install: $(VENV)/.base.stamp
install-dev: $(VENV)/.dev.stamp

migrate: install
	@mkdir -p var
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py load_demo_catalogue

run: demo
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

test: install-dev
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy backend search storefront

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# BENCH_PRODUCTS=100000 for the large catalogue; PostgreSQL when DATABASE_URL is set.
BENCH_PRODUCTS ?= 10000
bench: install-dev
	BENCH_PRODUCTS=$(BENCH_PRODUCTS) $(BIN)/python -m bench.run

# The schemathesis GraphQL fuzz run, longer than the one inside `make test`.
FUZZ_MAX_EXAMPLES ?= 25
fuzz: install-dev
	FUZZ_MAX_EXAMPLES=$(FUZZ_MAX_EXAMPLES) $(BIN)/python -m pytest tests/hardening/test_fuzz.py -q -p no:warnings

# Regenerates the lock files from pyproject.toml (needs uv).
lock: | $(BIN)/python
	$(BIN)/uv pip compile pyproject.toml -p 3.11 -q -o requirements/base.lock
	$(BIN)/uv pip compile pyproject.toml --extra dev -p 3.11 -q -o requirements/dev.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache

# cx-warehouse: `make run` builds the warehouse, `make test` checks everything.
# Needs only Python 3.11 on PATH (python3.11, or python3 if that is 3.11).

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.11 2>/dev/null || command -v python3 2>/dev/null)
VENV := .venv
BIN := $(VENV)/bin
# Reinstall only when the dependencies change.
STAMP := $(VENV)/.installed
# sqlfluff's dbt templater parses the project, which reads CXW_LANDING: point it at
# the small hand-made landing folder that ships with the tests. (It connects to the
# in-memory `lint` target of profiles.yml, never to the warehouse file.)
LINT_LANDING := $(CURDIR)/tests/fixtures/landing_min
# Extra arguments for `cxw run`, e.g. make run RUN_ARGS="--customers 1000 --days 90"
RUN_ARGS ?=
# The SQL sqlfluff lints: every model; the pull-request job passes only what changed
# (bin/changed-sql: every model again when a macro or the project's config changed).
LINT_SQL ?= models
# The connector models are disabled on the default landing shape, so the dbt templater
# skips them: lint them again with every connector chosen (.sqlfluff-connectors) when
# LINT_SQL reaches them.
LINT_CONNECTORS := $(if $(filter models models/ models/staging models/staging/ models/staging/connectors%,$(LINT_SQL)),models/staging/connectors)
# Compiling the GA4 models needs the export's folder named (CXW_GA4_EXPORT), not its
# files: any existing folder does.
LINT_GA4_EXPORT := $(CURDIR)/tests/fixtures/connectors
# `make gate` builds and validates a small generated warehouse here, apart from data/.
GATE_DIR := $(CURDIR)/target/gate
GATE_ARGS ?= --customers 1000 --days 60

# `make setup-spark` adds dbt-spark and PySpark (needs Java 17+) to .venv.
SPARK_STAMP := $(VENV)/.installed-spark
# System packages the tests need, installed with apt when missing (as root, or sudo).
APT_INSTALL = sudo=$$([ "$$(id -u)" = 0 ] || echo sudo); $$sudo apt-get update -qq \
	&& DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq

.PHONY: help setup setup-spark browser java run test test-spark lint gate pr-check pytest clean distclean

help:
	@echo "make run        set up if needed, generate data (if none), build the warehouse, write the CX report"
	@echo "make test       set up if needed, then lint, gate and pytest"
	@echo "make lint       ruff check, ruff format --check, sqlfluff lint models, actionlint"
	@echo "make gate       generate a small landing folder, dbt build it, validate it (cxw run --strict)"
	@echo "make pr-check BASE=main  the pull-request check: build what changed since BASE, defer the rest"
	@echo "make pytest     the Python tests (they build their own warehouses)"
	@echo "make test-spark build on DuckDB and on Spark: marts and connector staging equal, suites pass"
	@echo "make setup      create .venv and install the project with its pinned dependencies"
	@echo "make setup-spark  setup, plus dbt-spark and PySpark for the spark target (Java 17)"
	@echo "make clean      remove build outputs and caches (keeps .venv and data/)"
	@echo "make distclean  clean, and remove .venv and data/"

setup: $(STAMP)

$(BIN)/python:
	@test -n "$(PYTHON)" || { echo "make: no python3.11 or python3 on PATH" >&2; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))' \
		|| { echo "make: $(PYTHON) is not Python 3.11 (set PYTHON=/path/to/python3.11)" >&2; exit 1; }
	$(PYTHON) -m venv $(VENV)

$(STAMP): pyproject.toml requirements.lock | $(BIN)/python
	$(BIN)/python -m pip install --disable-pip-version-check --quiet \
		-c requirements.lock -e '.[dev]'
	@touch $@

setup-spark: $(SPARK_STAMP)

$(SPARK_STAMP): $(STAMP) | java
	$(BIN)/python -m pip install --disable-pip-version-check --quiet \
		-c requirements.lock -e '.[dev,spark]'
	@touch $@

# The CX report's test opens the report in Debian's chromium.
browser:
	@command -v chromium >/dev/null || { echo "make: installing chromium (apt), for the report's test"; \
		$(APT_INSTALL) chromium >/dev/null; }

# The spark target runs PySpark on Java 17.
java:
	@command -v java >/dev/null || { echo "make: installing Java 17 (apt), for the spark target"; \
		$(APT_INSTALL) openjdk-17-jre-headless >/dev/null; }

run: setup
	$(BIN)/cxw run --demo $(RUN_ARGS)

test: setup browser
	$(MAKE) lint
	$(MAKE) gate
	$(MAKE) pytest

# The same write-audit-publish path as `make run`: dbt build (models and tests, dbt's
# unit tests too), then every Great Expectations suite, on fresh data generated with
# every fault; --strict: an expectation that warns fails the gate too.
gate: setup
	rm -rf $(GATE_DIR)
	CXW_LANDING=$(GATE_DIR)/landing CXW_TRUTH=$(GATE_DIR)/truth \
		CXW_WAREHOUSE=$(GATE_DIR)/warehouse.duckdb \
		$(BIN)/cxw run --demo --strict --unit-tests $(GATE_ARGS)

# The pull-request job of CI (bin/pr-check, docs/dbt.md "Pull requests"): BASE's state
# (its manifest and a small warehouse built from it, cached per commit), then only the
# working tree's changes and their children, the rest deferred to that state.
BASE ?= main
pr-check: setup
	CXW_PYTHON=$(CURDIR)/$(BIN)/python bin/pr-check $(BASE)

pytest: setup browser
	$(BIN)/pytest

# The Spark tests (tests/python/test_spark_parity.py, test_spark_connectors.py and the
# Spark validation), kept out of `make test`.
test-spark: setup-spark
	$(BIN)/pytest -m spark

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	@if [ -n "$(strip $(LINT_SQL))" ]; then \
		echo "CXW_LANDING=$(LINT_LANDING) $(BIN)/sqlfluff lint $(strip $(LINT_SQL))"; \
		CXW_LANDING=$(LINT_LANDING) $(BIN)/sqlfluff lint $(LINT_SQL); \
	else echo "sqlfluff: no SQL changed"; fi
	@if [ -n "$(strip $(LINT_CONNECTORS))" ]; then \
		echo "CXW_LANDING=$(LINT_LANDING) CXW_GA4_EXPORT=$(LINT_GA4_EXPORT) $(BIN)/sqlfluff lint --config .sqlfluff-connectors $(LINT_CONNECTORS)"; \
		CXW_LANDING=$(LINT_LANDING) CXW_GA4_EXPORT=$(LINT_GA4_EXPORT) $(BIN)/sqlfluff lint --config .sqlfluff-connectors $(LINT_CONNECTORS); \
	fi
	$(BIN)/actionlint

clean:
	rm -rf target logs dbt_packages .pytest_cache .ruff_cache *.egg-info
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) data

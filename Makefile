# The two commands of the README: `make run` (the main job) and `make test` (the whole suite).
# Both set up everything they need on a fresh machine: a virtual environment with the package.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test lint setup

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,demo]'
	touch $(STAMP)

setup: $(STAMP)

# The main job: the web app on an embedded SQLite file, with the demo dataset loaded into an
# empty database, and a local OpenID Connect provider beside it that signs in the demo persons
# (never for real data).
run: $(STAMP)
	MANDAATWIJZER_DEMO=$${MANDAATWIJZER_DEMO:-1} $(BIN)/mandaatwijzer serve

lint: $(STAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy
	$(BIN)/mandaatwijzer flow check

# As root on Debian, first install what the browser and storage tests need (.ci/install-test-deps,
# as CI does); elsewhere those tests are skipped, and the last line says so and how to install.
test: lint
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then bash .ci/install-test-deps; fi
	$(BIN)/pytest --cov --cov-report=term

# yieldopt developer entry points. Every target creates .venv (Python >= 3.12,
# found by scripts/find-python) and installs the project into it when needed.
SHELL := /bin/bash
VENV  ?= .venv
BIN   := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
EXTRAS ?= test,postgres,distributed

.PHONY: install run test lint typecheck doctest bench clean

install: $(STAMP)

# Rebuild the venv when it is missing, too old, or pyproject.toml changed.
$(STAMP): pyproject.toml
	@if ! $(BIN)/python -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	  py=$$(scripts/find-python) || exit 1; \
	  echo "creating $(VENV) with $$py"; rm -rf $(VENV); "$$py" -m venv $(VENV) || exit 1; \
	fi
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[$(EXTRAS)]'
	@touch $@

# The main job on the bundled example.
run: $(STAMP)
	$(BIN)/yieldopt run scenarios/city-hotel.toml

# The guardrails (lint, formatting, types, doctests), then the whole test suite
# (benchmarks run once each as smoke tests). Any failure stops the run.
test: lint typecheck doctest
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# mypy is configured in pyproject.toml ([tool.mypy]); the package must have zero errors.
typecheck: $(STAMP)
	$(BIN)/mypy

# The examples in the package's docstrings.
doctest: $(STAMP)
	$(BIN)/python -m pytest -q --doctest-modules yieldopt

# Timed benchmarks; results saved under .benchmarks/.
bench: $(STAMP)
	$(BIN)/python -m pytest benchmarks --benchmark-enable --benchmark-only --benchmark-autosave

clean:
	rm -rf $(VENV) .pytest_cache .benchmarks .hypothesis build dist *.egg-info

# The two commands of the README: `make lab` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOK := autodiff_sin.ipynb

# PyTorch's CPU-only wheel index: without it pip on Linux takes the CUDA build (several GB).
# CI machines cannot reach it and set TORCH_INDEX= (empty) to skip a minute of retries.
TORCH_INDEX ?= --extra-index-url https://download.pytorch.org/whl/cpu

# JupyterLab refuses to start as root unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

# The Python that runs the checks: the venv's, or the active environment's with CHECK_PYTHON=python
# (the conda route). Only the venv's needs the venv built first.
CHECK_PYTHON ?= $(BIN)/python
CHECK_DEPS := $(if $(filter $(BIN)/python,$(CHECK_PYTHON)),$(VENV)/installed)

.PHONY: lab test lint notebook bench

# The stamp is newer than requirements.txt once the venv holds exactly those pins.
$(VENV)/installed: requirements.txt
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.10 is needed, this is " + sys.version.split()[0]) if sys.version_info < (3, 10) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(TORCH_INDEX) -r requirements.txt
	touch $@

lab: $(VENV)/installed
	$(BIN)/jupyter lab $(ROOT_FLAG) $(NOTEBOOK)

# Lint, then pytest: nbval re-runs the notebook in strict mode and tests/ checks the rest (pyproject.toml).
test: lint $(CHECK_DEPS)
	$(CHECK_PYTHON) -m pytest

# ruff checks and formats the notebook's code cells, the tests and the tools (settings: pyproject.toml).
lint: $(CHECK_DEPS)
	$(CHECK_PYTHON) -m ruff check .
	$(CHECK_PYTHON) -m ruff format --check .

# Re-execute the notebook top to bottom in a fresh kernel and store its outputs.
notebook: $(CHECK_DEPS)
	$(CHECK_PYTHON) -m tools.refresh_notebook $(NOTEBOOK_FLAGS)

# Time Run All, the test suite and a fresh install; measure the footprint. Prints a table.
bench: $(VENV)/installed
	TORCH_INDEX="$(TORCH_INDEX)" $(BIN)/python bench/bench.py

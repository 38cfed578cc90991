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

.PHONY: lab test notebook

# The stamp is newer than requirements.txt once the venv holds exactly those pins.
$(VENV)/installed: requirements.txt
	$(PYTHON) -c 'import sys; sys.exit("Python >= 3.10 is needed, this is " + sys.version.split()[0]) if sys.version_info < (3, 10) else None'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet $(TORCH_INDEX) -r requirements.txt
	touch $@

lab: $(VENV)/installed
	$(BIN)/jupyter lab $(ROOT_FLAG) $(NOTEBOOK)

# nbval re-runs the notebook in strict mode (every text output compared); tests/ checks the rest.
test: $(VENV)/installed
	$(BIN)/python -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/sanitize.cfg $(NOTEBOOK) tests

# Re-execute the notebook top to bottom in a fresh kernel and store its outputs.
notebook: $(VENV)/installed
	$(BIN)/python scripts/refresh_notebook.py

# The README's two commands, `make lab` and `make test`, and the maintainers' targets (CONTRIBUTING.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOK := autodiff_sin.ipynb

# The installer, bootstrapped into .venv by the venv's own pip, so learners need only Python and make.
# `make setup INSTALLER=pip` installs the same locked set with pip alone (slower; see TORCH_INDEX).
INSTALLER ?= uv
UV_VERSION := 0.13.9

# Where torch comes from on Linux, where PyPI's torch is the multi-GB CUDA build:
# - uv: TORCH_BACKEND=cpu (uv's --torch-backend, the default on Linux) takes torch alone from
#   PyTorch's CPU wheel index.
# - pip: TORCH_INDEX='--extra-index-url URL-of-PyTorch's-CPU-wheel-index' does the same.
# Where that index cannot be reached and pip's configuration names a CPU wheel (CI here), set
# TORCH_BACKEND= (empty). On macOS PyPI's torch is already the CPU (and MPS) build.
TORCH_BACKEND ?= $(if $(filter Linux,$(shell uname -s)),cpu)
TORCH_INDEX ?=

# The Python that runs the checks: the venv's, or the active environment's with CHECK_PYTHON=python
# (the conda route, where no .venv is built). Only the venv's needs the venv built first.
CHECK_PYTHON ?= $(BIN)/python
ifeq ($(CHECK_PYTHON),$(BIN)/python)
SETUP_DEPS := $(VENV)/installed
DEV_DEPS := $(VENV)/installed-dev
endif

# uv does not read pip's configuration: pass on the wheel folders and indexes it names (none when
# unset), with pip's rule that every index is searched for the best version. Read through the venv's
# pip, once per make run (the first use sets PIP_SOURCES to its value).
PIP_SOURCES = $(eval PIP_SOURCES := $(call with_strategy,$(PIP_FLAGS_NOW)))$(PIP_SOURCES)
with_strategy = $(1) $(if $(findstring --extra-index-url=,$(1)),--index-strategy=unsafe-best-match)
PIP_FLAGS_NOW = $(shell config=$$($(BIN)/python -m pip config list 2>/dev/null | sed 's/\\n/ /g'); \
	for key in find-links index-url extra-index-url; do printf '%s\n' "$$config" \
	| sed -n "s/^[^=]*\.$$key='\(.*\)'$$/\1/p" | tr ' ' '\n' | awk -v key=$$key 'NF && !seen[$$0]++ { print "--" key "=" $$0 }'; \
	done)
UV_PIP = $(BIN)/uv pip install --python $(BIN)/python $(PIP_SOURCES) \
	$(if $(TORCH_BACKEND),--torch-backend=$(TORCH_BACKEND))
UV_INSTALL = $(UV_PIP) --quiet
PIP_INSTALL = $(BIN)/python -m pip install --quiet $(TORCH_INDEX)
INSTALL = $(if $(filter pip,$(INSTALLER)),$(PIP_INSTALL),$(UV_INSTALL))

# uv writes no bytecode by default. Where Python may not write it either (PYTHONDONTWRITEBYTECODE=1)
# every kernel would then start seconds slower, so the learner's install writes the bytecode of what
# a kernel and JupyterLab load, by importing it (two processes, one per core). Compiling all of
# site-packages (uv's --compile-bytecode; pip always does) takes longer than the rest of the install
# and 150 MB more; `make test` does it, for the suite's many kernels.
WARM_KERNEL := import torch, matplotlib.pyplot, matplotlib_inline.backend_inline, ipykernel.kernelapp
WARM_SERVER := import jupyterlab.labapp
WARM_BYTECODE = PYTHONDONTWRITEBYTECODE= $(BIN)/python -c '$(WARM_SERVER)' & server=$$!; \
	PYTHONDONTWRITEBYTECODE= $(BIN)/python -c '$(WARM_KERNEL)' && wait $$server

# JupyterLab refuses to start as root unless told it may.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: setup lab test tools lint notebook-file notebook bench lock

# The venv and, unless INSTALLER=pip, uv inside it (pinned; bootstrapped by the venv's own pip).
$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is needed (the pinned matplotlib and ipykernel need it), this is " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)

$(BIN)/uv: | $(BIN)/python
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

# The learner's .venv: requirements.txt, every dependency held to requirements.lock.txt.
# The stamp is newer than the files once the venv holds exactly those pins. Before installing with uv,
# its plan is checked: a CUDA build of torch (nvidia-* packages, several GB) is refused, not downloaded.
$(VENV)/installed: requirements.txt requirements.lock.txt | $(BIN)/python $(if $(filter pip,$(INSTALLER)),,$(BIN)/uv)
ifeq ($(INSTALLER),pip)
	@if [ "$$(uname -s)" = Linux ] && [ -n "$(TORCH_BACKEND)" ] && [ -z "$(TORCH_INDEX)" ]; then \
	  echo "INSTALLER=pip on Linux would download the CUDA build of torch (several GB): pass" \
	       "TORCH_INDEX='--extra-index-url URL' with PyTorch's CPU wheel index, or TORCH_BACKEND= if" \
	       "pip's configuration already names a CPU torch wheel." >&2; exit 1; fi
else
	@$(UV_PIP) --dry-run -r requirements.txt -c requirements.lock.txt >$(VENV)/plan.txt 2>&1 || { cat $(VENV)/plan.txt; exit 1; }
	@if grep -i ' nvidia-' $(VENV)/plan.txt >/dev/null; then echo "refused: this would install the CUDA build of" \
	  "torch; on Linux keep TORCH_BACKEND=cpu, or name a CPU torch wheel in pip's configuration" >&2; exit 1; fi
endif
	$(INSTALL) -r requirements.txt -c requirements.lock.txt
	$(if $(filter pip,$(INSTALLER)),,$(WARM_BYTECODE))
	touch $@

# What the tests, lint and benchmark add, held to requirements-dev.lock.txt (which holds the learner's
# packages at the same versions).
# All of site-packages is compiled to bytecode (pip did its part already): the suite starts many kernels
# and each loads the parts of PyTorch that Run All loads on first use (sympy, torch._dynamo).
$(VENV)/installed-dev: $(VENV)/installed requirements-dev.txt requirements-dev.lock.txt
	$(INSTALL) -r requirements-dev.txt -c requirements-dev.lock.txt
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib >/dev/null || true
	touch $@

setup: $(SETUP_DEPS)

# Opens the notebook itself (not the file browser); JupyterLab prints the same URL to open by hand.
lab: setup
	$(CHECK_PYTHON) -m jupyter lab $(ROOT_FLAG) --LabApp.default_url=/lab/tree/$(NOTEBOOK)

# Lint, then pytest: nbval strict on the notebook and tests/ (every option is in pyproject.toml).
test: lint $(DEV_DEPS)
	$(CHECK_PYTHON) -m pytest

# The conda route's tools (CHECK_PYTHON=python, in the activated environment): requirements-dev.txt's
# own pins through pip, with every package conda installed held at its version, so pip neither
# replaces conda's torch nor mixes in other builds of its packages (a conflict fails loudly).
tools:
	$(CHECK_PYTHON) -m pip list --format=freeze > .conda-freeze.txt
	grep -v '^-r' requirements-dev.txt > .dev-tools.txt
	$(CHECK_PYTHON) -m pip install --quiet -r .dev-tools.txt -c .conda-freeze.txt
	rm -f .conda-freeze.txt .dev-tools.txt

# ruff checks and formats the notebook's code cells, the tests and the tools (settings: pyproject.toml).
lint: $(DEV_DEPS)
	$(CHECK_PYTHON) -m ruff check .
	$(CHECK_PYTHON) -m ruff format --check .

# The committed notebook's own checks, without running it (the pre-commit hook).
notebook-file: $(DEV_DEPS)
	$(CHECK_PYTHON) -m pytest -q -p no:cacheprovider tests/test_notebook_file.py

# Re-execute the notebook top to bottom in a fresh kernel and store its outputs (x86-64 Linux only:
# elsewhere it says why not; NOTEBOOK_FLAGS=--anyway runs it to look).
notebook: $(DEV_DEPS)
	$(CHECK_PYTHON) -m tools.refresh_notebook $(NOTEBOOK_FLAGS)

# Setup time, size and import time of the uv and pip routes side by side, Run All and the test suite.
# Prints a table and writes it to bench/results.md.
bench: $(DEV_DEPS)
	TORCH_BACKEND="$(TORCH_BACKEND)" TORCH_INDEX="$(TORCH_INDEX)" $(CHECK_PYTHON) -m bench.bench

# Resolve every transitive package of both sets for every platform and Python >= 3.11 (uv's universal
# mode: platform-only packages carry their markers), the dev lock within the learner's. Pins that
# still fit are kept; `make lock LOCK_UPGRADE=--upgrade` moves everything to the newest. torch itself
# is left out: requirements.txt pins its version and TORCH_BACKEND picks its build; its CUDA runtime,
# which the CPU build does not use, is kept out by lock-overrides.txt.
LOCK = UV_PYTHON_DOWNLOADS=never $(BIN)/uv pip compile --quiet --universal --python-version 3.11 \
	$(PIP_SOURCES) --override lock-overrides.txt --no-emit-package torch --custom-compile-command 'make lock'
lock: $(BIN)/uv
	$(LOCK) $(LOCK_UPGRADE) requirements.txt -o requirements.lock.txt
	$(LOCK) $(LOCK_UPGRADE) requirements-dev.txt -c requirements.lock.txt -o requirements-dev.lock.txt

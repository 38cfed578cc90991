# The README's two commands, `make lab` and `make test`, and the maintainers' targets (CONTRIBUTING.md).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
NOTEBOOK ?= autodiff_sin.ipynb
UV_VERSION := 0.13.9

# On Linux, PyPI's torch is the multi-GB CUDA build: uv takes torch alone from PyTorch's CPU index.
# TORCH_BACKEND= (empty) leaves torch to uv's other sources (UV_INDEX, UV_FIND_LINKS), as on CI here.
TORCH_BACKEND ?= $(if $(filter Linux,$(shell uname -s)),cpu)
UV_INSTALL = $(BIN)/uv pip install --python $(BIN)/python $(if $(TORCH_BACKEND),--torch-backend=$(TORCH_BACKEND))
UNREACHABLE = make: uv found no way to install the packages (its reason is above). If it could not reach \
	an index (offline, behind a proxy, or with only a mirror): README.md, Troubleshooting, says what to set.

# The Python that runs everything: the venv's, or the active conda environment's with CHECK_PYTHON=python.
CHECK_PYTHON ?= $(BIN)/python
ifeq ($(CHECK_PYTHON),$(BIN)/python)
SETUP_DEPS := $(VENV)/installed
DEV_DEPS := $(VENV)/installed-dev
endif
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)  # JupyterLab refuses root unless told it may

.PHONY: setup lab test notebook bench lock tools

$(BIN)/uv:
	@$(PYTHON) -c 'import sys; sys.exit("Python >= 3.11 is needed, this is " + sys.version.split()[0]) if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet uv==$(UV_VERSION)

# The learner's .venv: requirements.txt, every package it pulls in held to requirements.lock.txt.
# uv's plan is looked at first: a CUDA build of torch (nvidia-* packages, several GB) is refused.
$(VENV)/installed: requirements.txt requirements.lock.txt | $(BIN)/uv
	@$(UV_INSTALL) --dry-run -r requirements.txt -c requirements.lock.txt >$(VENV)/plan.txt 2>&1 \
		|| { cat $(VENV)/plan.txt; echo "$(UNREACHABLE)"; exit 1; }
	@! grep ' nvidia-' $(VENV)/plan.txt >/dev/null || { echo "make: refused, this would install the CUDA" \
		"build of torch (several GB): keep TORCH_BACKEND=cpu, or give uv a CPU torch wheel."; exit 1; }
	$(UV_INSTALL) --quiet -r requirements.txt -c requirements.lock.txt
	touch $@

# What the tests, lint and benchmark add, held to requirements-dev.lock.txt.
$(VENV)/installed-dev: $(VENV)/installed requirements-dev.txt requirements-dev.lock.txt
	$(UV_INSTALL) --quiet -r requirements-dev.txt -c requirements-dev.lock.txt
	touch $@

setup: $(SETUP_DEPS)

# Opens the notebook itself (NOTEBOOK=... another one); JupyterLab prints its URL too.
lab: setup
	$(CHECK_PYTHON) -m jupyter lab --LabApp.default_url=/lab/tree/$(NOTEBOOK) $(ROOT_FLAG) $(LAB_FLAGS)

# Lint (ruff, settings in pyproject.toml), then pytest: nbval strict on the notebook, and tests/.
test: $(DEV_DEPS)
	$(CHECK_PYTHON) -m ruff check .
	$(CHECK_PYTHON) -m ruff format --check .
	$(CHECK_PYTHON) -m pytest $(PYTEST_ARGS)

# Re-execute the notebook in a fresh kernel and store its outputs (x86-64 Linux only).
notebook: $(DEV_DEPS)
	$(CHECK_PYTHON) -m tools.refresh_notebook $(NOTEBOOK_FLAGS)

# The goals' figures, each against its baseline in one run; writes bench/results.md.
bench: $(DEV_DEPS)
	TORCH_BACKEND=$(TORCH_BACKEND) $(CHECK_PYTHON) -m bench.bench

# Resolve both sets for every platform and Python >= 3.11, the dev lock within the learner's; pins that
# still fit are kept (LOCK_UPGRADE=--upgrade moves all). torch is pinned in requirements.txt alone, and
# lock-overrides.txt keeps out the CUDA runtime that PyPI's Linux torch asks for.
LOCK = UV_PYTHON_DOWNLOADS=never $(BIN)/uv pip compile --quiet --universal --python-version 3.11 \
	--override lock-overrides.txt --no-emit-package torch --custom-compile-command 'make lock' $(LOCK_UPGRADE)
lock: | $(BIN)/uv
	$(LOCK) requirements.txt -o requirements.lock.txt
	$(LOCK) requirements-dev.txt -c requirements.lock.txt -o requirements-dev.lock.txt

# The conda route (CHECK_PYTHON=python): requirements-dev.txt's pins by pip, holding conda's packages (torch).
tools:
	$(CHECK_PYTHON) -m pip list --format=freeze > .conda-freeze.txt
	grep -v '^-r' requirements-dev.txt > .dev-tools.txt
	$(CHECK_PYTHON) -m pip install --quiet -r .dev-tools.txt -c .conda-freeze.txt
	rm -f .conda-freeze.txt .dev-tools.txt

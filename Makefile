# The Builders' Guide companion. Two commands matter:
#   make lab    set everything up, then open JupyterLab on the overview notebook
#   make test   set everything up, then run the whole test suite
# `make help` lists the rest.

PYTHON_FOR_VENV ?= python3
VENV := .venv
ifeq ($(OS),Windows_NT)
  BIN := $(VENV)/Scripts
else
  BIN := $(VENV)/bin
endif
PY := $(BIN)/python
STAMP := $(VENV)/.installed
# SETUP=none runs the suite with an interpreter that already holds torch and the test tools
# (for example a GPU machine without internet): `make test-gpu PY=python3 SETUP=none`.
SETUP ?= venv
ifeq ($(SETUP),none)
  NEEDS_SETUP :=
  RUN_ENV := PYTHONPATH=$(CURDIR)/helpers$(if $(PYTHONPATH),:$(PYTHONPATH))
else
  NEEDS_SETUP := $(STAMP)
  RUN_ENV :=
endif
WORKERS ?= 2
KERNEL := builders-guide
# JupyterLab refuses to run as root (containers, some CI machines) unless told it may.
LAB_FLAGS := $(shell [ "$$(id -u 2>/dev/null)" = "0" ] && echo --allow-root)
# Same options for `make test` and `make test-gpu`: strict nbval (outputs compared), in parallel.
PYTEST := $(PY) -m pytest -rs -n $(WORKERS) --dist loadscope \
	--nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg \
	--nbval-cell-timeout 300

.PHONY: help setup lab test test-gpu test-gpu-run regen lint format bench links sync-id lock clean

help:
	@echo "make lab       set up .venv (once) and open JupyterLab on the overview notebook"
	@echo "make test      set up .venv (once) and run unit tests and every notebook (strict nbval)"
	@echo "make test-gpu  the same suite on a CUDA machine, plus the GPU-only unit tests"
	@echo "               (PY=python3 SETUP=none: use an interpreter that already has torch and nbval)"
	@echo "make regen     re-execute every notebook in place to refresh its stored outputs"
	@echo "make sync-id   carry code, tags and outputs from notebooks/en to notebooks/id"
	@echo "make links     rewrite badges and setup cells from links.toml"
	@echo "make lint      ruff over the helpers, tests, tools and notebooks"
	@echo "make bench     time each notebook, the helpers' import, and the test suite"
	@echo "make clean     remove .venv and caches"

setup: $(STAMP)

$(STAMP): requirements.lock helpers/pyproject.toml
	@echo "==> [1/4] Creating the virtual environment $(VENV) (if it is missing)"
	@test -x $(PY) || $(PYTHON_FOR_VENV) -m venv $(VENV)
	@echo "==> [2/4] Installing the locked versions from requirements.lock (torch, jupyterlab, nbval, ...)"
	@echo "          The first time this downloads a few hundred MB; pip shows its progress."
	$(PY) -m pip install --disable-pip-version-check --progress-bar on -r requirements.lock
	@echo "==> [3/4] Installing the helper package from ./helpers in editable mode"
	$(PY) -m pip install --disable-pip-version-check --quiet --no-deps -e ./helpers
	@echo "==> [4/4] Registering the Jupyter kernel '$(KERNEL)' and warming matplotlib's font cache"
	$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python (builders-guide)"
	$(PY) -c "import matplotlib.pyplot"
	@touch $(STAMP)
	@echo "==> Environment ready."

lab: $(STAMP)
	@echo "==> Opening JupyterLab on the overview notebook (Ctrl-C to stop)"
	$(PY) -m jupyter lab $(LAB_FLAGS) notebooks/en/00-builders-guide.ipynb

test: $(STAMP)
	@echo "==> Running the unit tests and every notebook under strict nbval ($(WORKERS) workers)"
	$(PYTEST) tests notebooks

test-gpu:
	@echo "==> Checking for a CUDA device"
	@$(if $(wildcard $(PY)),$(PY),$(if $(filter none,$(SETUP)),$(PY),$(PYTHON_FOR_VENV))) tools/require_cuda.py
	@$(MAKE) --no-print-directory test-gpu-run

test-gpu-run: $(NEEDS_SETUP)
	@echo "==> Running the same strict suite on CUDA, GPU-only unit tests included"
	$(RUN_ENV) $(PYTEST) --require-gpu tests notebooks

regen: $(STAMP)
	@echo "==> Re-executing the notebooks in place"
	$(PY) tools/regen.py

sync-id: $(STAMP)
	@echo "==> Carrying code cells, tags and outputs from notebooks/en to notebooks/id"
	$(PY) tools/sync_id.py

links: $(STAMP)
	@echo "==> Rewriting badges and setup cells from links.toml"
	$(PY) tools/links.py

lint: $(STAMP)
	@echo "==> ruff check and ruff format --check"
	$(PY) -m ruff check .
	$(PY) -m ruff format --check helpers tests tools benchmarks

format: $(STAMP)
	$(PY) -m ruff check --fix .
	$(PY) -m ruff format helpers tests tools benchmarks

bench: $(STAMP)
	@echo "==> Benchmarks: notebook times, import cost, test suite (takes a few minutes)"
	$(PY) benchmarks/run.py

lock: $(STAMP)
	@echo "==> Rewriting requirements.lock from the current environment"
	$(PY) tools/lock.py

clean:
	@echo "==> Removing $(VENV) and caches"
	rm -rf $(VENV) .pytest_cache .ruff_cache helpers/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -exec rm -rf {} +

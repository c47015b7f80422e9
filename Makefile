# The Builders' Guide companion. Two commands matter:
#   make lab    set everything up, then open JupyterLab on the overview notebook
#               (make lab-id opens the Bahasa Indonesia edition)
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
# The book website (make site) has its own small environment, from book/requirements.lock,
# so that requirements.lock and .venv stay exactly as the notebooks need them.
BOOK_VENV := .venv-book
ifeq ($(OS),Windows_NT)
  BOOK_PY := $(BOOK_VENV)/Scripts/python
else
  BOOK_PY := $(BOOK_VENV)/bin/python
endif
BOOK_STAMP := $(BOOK_VENV)/.installed
SITE_PORT ?= 8000
# This project's JupyterLab never asks about (or fetches) Jupyter news and update checks.
LAB_OVERRIDES := $(VENV)/share/jupyter/lab/settings/overrides.json
# SETUP=none runs the suite with an interpreter that already holds torch and the test tools
# (for example a GPU machine without internet): `make test-gpu PY=python3 SETUP=none`.
SETUP ?= venv
ifeq ($(SETUP),none)
  NEEDS_SETUP :=
  RUN_ENV := PYTHONPATH=$(CURDIR)/helpers$(if $(PYTHONPATH),:$(PYTHONPATH))
  # no environment is built here, so neither is the book: its tests are left out
  GPU_EXTRA := --ignore=tests/test_site.py
else
  NEEDS_SETUP := $(STAMP) $(BOOK_STAMP)
  RUN_ENV :=
endif
# Three workers on two cores: notebooks spend some of their time waiting on their kernels.
# Measured warm on 2 cores, browser tests in `make test-browser`: 138 s with 3, 139 s with 2
# (which uses less CPU: one pytest process fewer to start and collect).
WORKERS ?= 3
KERNEL := builders-guide
# JupyterLab refuses to run as root (containers, some CI machines) unless told it may.
LAB_FLAGS := $(shell [ "$$(id -u 2>/dev/null)" = "0" ] && echo --allow-root)
# Same options for `make test` and `make test-gpu`: strict nbval (outputs compared), in parallel.
PYTEST := $(PY) -m pytest -rs -n $(WORKERS) --dist loadscope \
	--nbval --nbval-current-env --nbval-sanitize-with tests/nbval-sanitize.cfg \
	--nbval-cell-timeout 300

.PHONY: help setup lab lab-id site site-serve test test-browser test-gpu test-faults test-gpu-run test-compat regen lint format bench links sync-id lock clean

help:
	@echo "make lab       set up .venv (once) and open JupyterLab on the overview notebook"
	@echo "make lab-id    the same, opening the Bahasa Indonesia overview notebook"
	@echo "make test      set up .venv (once) and run unit tests and every notebook (strict nbval)"
	@echo "make test-gpu  the same suite on a CUDA machine, plus the GPU-only unit tests"
	@echo "make test-browser the book's pages and JupyterLab in headless Chromium (CI runs it too)"
	@echo "make test-faults  the long checkpoint fault loops: hundreds of kills and bit flips"
	@echo "               (PY=python3 SETUP=none: use an interpreter that already has torch and nbval)"
	@echo "make regen     re-execute every notebook in place to refresh its stored outputs"
	@echo "make sync-id   carry code, tags and outputs from notebooks/en to notebooks/id"
	@echo "make links     rewrite badges and setup cells from links.toml"
	@echo "make lint      ruff over the helpers, tests, tools and notebooks"
	@echo "make site      build the book website of both editions into _build/site (no notebook is run)"
	@echo "make site-serve  build it, then serve it at http://127.0.0.1:$(SITE_PORT)/ (SITE_PORT=...)"
	@echo "make bench     time each notebook, the helpers' import, and the test suite"
	@echo "make test-compat  notebooks + unit tests in cached venvs: newest torch, torch 2.11, the floors"
	@echo "make clean     remove .venv and caches"

setup: $(STAMP) $(LAB_OVERRIDES)

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

# JupyterLab serves notebooks/ (both editions) and opens one overview notebook.
LAB := $(PY) -m jupyter lab $(LAB_FLAGS) --ServerApp.root_dir=notebooks

$(LAB_OVERRIDES): tools/jupyterlab-overrides.json $(STAMP)
	@mkdir -p $(dir $@)
	@cp tools/jupyterlab-overrides.json $@

lab: $(STAMP) $(LAB_OVERRIDES)
	@echo "==> Opening JupyterLab on the English overview notebook (Ctrl-C to stop)"
	$(LAB) notebooks/en/00-builders-guide.ipynb

lab-id: $(STAMP) $(LAB_OVERRIDES)
	@echo "==> Membuka JupyterLab pada notebook pembuka edisi Bahasa Indonesia (Ctrl-C untuk berhenti)"
	$(LAB) notebooks/id/00-builders-guide.ipynb

$(BOOK_STAMP): book/requirements.lock
	@echo "==> Creating the book's environment $(BOOK_VENV) from book/requirements.lock (once)"
	@test -x $(BOOK_PY) || $(PYTHON_FOR_VENV) -m venv $(BOOK_VENV)
	$(BOOK_PY) -m pip install --disable-pip-version-check --quiet -r book/requirements.lock
	@touch $(BOOK_STAMP)

site: $(BOOK_STAMP)
	@echo "==> Building the book (both editions, warnings are errors) into _build/site"
	$(BOOK_PY) tools/bookbuild.py build --out _build/site

site-serve: site
	$(BOOK_PY) tools/bookbuild.py serve --out _build/site --port $(SITE_PORT)

test: $(STAMP) $(BOOK_STAMP)
	@echo "==> Running the unit tests and every notebook under strict nbval ($(WORKERS) workers)"
	$(PYTEST) tests notebooks

test-gpu:
	@echo "==> Checking for a CUDA device"
	@$(if $(wildcard $(PY)),$(PY),$(if $(filter none,$(SETUP)),$(PY),$(PYTHON_FOR_VENV))) tools/require_cuda.py
	@$(MAKE) --no-print-directory test-gpu-run

test-gpu-run: $(NEEDS_SETUP)
	@echo "==> Running the same strict suite on CUDA, GPU-only unit tests included"
	$(RUN_ENV) $(PYTEST) --require-gpu $(GPU_EXTRA) tests notebooks

# The browser tests (the book's pages and JupyterLab, in headless Chromium) take about a
# sixth of the suite's CPU time; `make test` leaves them out to stay inside its budget,
# and `.ci/run` runs them right after it.
test-browser: $(STAMP) $(BOOK_STAMP)
	@echo "==> Browser tests: the book's pages and JupyterLab in headless Chromium"
	$(PY) -m pytest -rs -n 2 --dist loadscope --browser -m browser tests/test_site.py tests/test_browser.py

test-faults: $(STAMP)
	@echo "==> Checkpoint fault injection: killed saves and bit flips (a few minutes)"
	$(PY) -m pytest -rs -n 0 --faults -m faults tests/test_checkpoint_faults.py

# Not part of `make test`: each environment with a non-lock torch is a multi-GB download.
test-compat: $(STAMP)
	@echo "==> Compatibility run: newest torch (Python 3.13), torch 2.11 (3.12), declared floors"
	$(PY) tools/compat.py $(COMPAT_ARGS)

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
	@echo "==> Removing $(VENV), $(BOOK_VENV), the built book and caches"
	rm -rf $(VENV) $(BOOK_VENV) _build .pytest_cache .ruff_cache helpers/*.egg-info
	find . -name __pycache__ -type d -prune -exec rm -rf {} +
	find . -name .ipynb_checkpoints -type d -prune -exec rm -rf {} +

# Two commands do everything on a fresh machine with Python >= 3.10 and make:
#   make lab    set up .venv, then open JupyterLab on the course
#   make test   set up .venv (with the test tools), then run every test
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PY      = $(BIN)/python
PYTEST  = $(PY) -m pytest
NBVAL   = --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-current-env --nbval-cell-timeout=300

.PHONY: lab test setup setup-dev execute-notebooks release html clean

$(PY):
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 10), "adam-teach needs Python >= 3.10, this is " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.learner: $(PY) requirements.txt pyproject.toml
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.dev: $(VENV)/.learner requirements-dev.txt
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

setup: $(VENV)/.learner
setup-dev: $(VENV)/.dev

# The whole course (notebooks/, exercises/) is in JupyterLab's file browser; the first
# notebook opens. Jupyter refuses to run as root unless told to (containers and CI often run as root).
ALLOW_ROOT = $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

LAB_ARGS ?=

lab: setup
	$(BIN)/jupyter lab $(ALLOW_ROOT) --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb $(LAB_ARGS)

test: setup-dev
	$(PYTEST) tests
	$(PYTEST) $(NBVAL) notebooks solutions

# Re-execute every notebook and store its outputs (for maintainers after a change).
execute-notebooks: setup-dev
	$(BIN)/adam-teach execute notebooks/*.ipynb solutions/*.ipynb

# Regenerate exercises/ from solutions/ (nbgrader's preprocessors); commit both.
release: setup-dev
	$(BIN)/adam-teach release

# A static copy of the course in site/: every notebook's stored outputs and figures, no kernel.
html: setup
	$(PY) -m adam_teach.site site

clean:
	rm -rf $(VENV) build site .pytest_cache

# Two commands do everything on a fresh machine with Python 3.10-3.13 and make:
#   make lab    set up .venv with the locked versions, then open JupyterLab on the course
#   make test   set up .venv (with the test tools), then run every test stage
PYTHON ?= python3
VENV   ?= .venv
BIN     = $(VENV)/bin
PY      = $(BIN)/python
PIP     = $(PY) -m pip install --quiet --disable-pip-version-check $(PIP_FLAGS)
PYTEST  = $(PY) -m pytest
NBVAL   = --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg --nbval-current-env --nbval-cell-timeout=300

# The exact versions every learner gets (made by `make lock` from the ranges in
# requirements.txt and requirements-dev.txt). `make test-latest` swaps in the ranges.
LEARNER_REQUIREMENTS ?= requirements.lock
DEV_REQUIREMENTS     ?= requirements-dev.lock

.PHONY: lab test test-unit test-nbval test-nbval-perturbed test-latest lock setup setup-dev \
        execute-notebooks release html clean

$(PY):
	@$(PYTHON) -c 'import sys; assert (3, 10) <= sys.version_info[:2] <= (3, 13), "adam-teach needs Python 3.10 to 3.13, this is " + sys.version.split()[0]'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.learner: $(PY) $(LEARNER_REQUIREMENTS) pyproject.toml
	$(PIP) -r $(LEARNER_REQUIREMENTS)
	$(PIP) --no-deps -e .
	touch $@

$(VENV)/.dev: $(VENV)/.learner $(DEV_REQUIREMENTS)
	$(PIP) -r $(DEV_REQUIREMENTS)
	touch $@

setup: $(VENV)/.learner
setup-dev: $(VENV)/.dev

# The whole course (notebooks/, exercises/) is in JupyterLab's file browser; the first
# notebook opens. Jupyter refuses to run as root unless told to (containers and CI often run as root).
ALLOW_ROOT = $(if $(filter 0,$(shell id -u 2>/dev/null)),--allow-root)

LAB_ARGS ?=

lab: setup
	$(BIN)/jupyter lab $(ALLOW_ROOT) --ServerApp.root_dir=. --LabApp.default_url=/lab/tree/notebooks/00_start_here.ipynb $(LAB_ARGS)

# Every stage runs, even after one fails; the summary names each failed stage.
TEST_STAGES = test-unit test-nbval test-nbval-perturbed

test: setup-dev
	@failed=""; \
	for stage in $(TEST_STAGES); do \
	    echo "=== make $$stage"; \
	    $(MAKE) --no-print-directory $$stage || failed="$$failed $$stage"; \
	done; \
	if [ -n "$$failed" ]; then echo "=== make test: FAILED:$$failed"; exit 1; fi; \
	echo "=== make test: every stage passed ($(TEST_STAGES))"

# Every figure a notebook shows is checked for legibility (adam_teach/figure_audit.py).
AUDIT = ADAM_TEACH_AUDIT_FIGURES=1

test-unit: setup-dev
	$(AUDIT) $(PYTEST) tests

test-nbval: setup-dev
	$(AUDIT) $(PYTEST) $(NBVAL) notebooks solutions

# The stored outputs must also hold when every gradient, initial weight and noise sample is
# nudged by a relative 1e-12 (adam_teach/perturbation.py): no printed digit may hang on the
# last bits of a floating-point computation, which differ between CPUs and BLAS builds.
test-nbval-perturbed: setup-dev
	$(AUDIT) ADAM_TEACH_PERTURB=1e-12 $(PYTEST) $(NBVAL) -p no:cacheprovider notebooks solutions

# The newest versions the ranges allow, in their own environment: finds drift on purpose.
test-latest:
	$(MAKE) --no-print-directory test VENV=.venv-latest PIP_FLAGS=--upgrade \
	    LEARNER_REQUIREMENTS=requirements.txt DEV_REQUIREMENTS=requirements-dev.txt

# Regenerate the lock files from the ranges (one set of versions for Python 3.10-3.13 on
# Linux, macOS and Windows); commit them with outputs re-made by `make execute-notebooks`.
UV_COMPILE = $(BIN)/uv pip compile --quiet --universal --fork-strategy fewest --python-version 3.10 \
             --upgrade --no-emit-package adam-teach

lock: setup-dev
	$(UV_COMPILE) requirements-dev.txt -o requirements-dev.lock
	$(UV_COMPILE) requirements.txt -c requirements-dev.lock -o requirements.lock

# Re-execute every notebook and store its outputs (for maintainers after a change).
execute-notebooks: setup-dev
	$(AUDIT) $(BIN)/adam-teach execute notebooks/*.ipynb solutions/*.ipynb

# Regenerate exercises/ from solutions/ (nbgrader's preprocessors); commit both.
release: setup-dev
	$(BIN)/adam-teach release

# A static copy of the course in site/: every notebook's stored outputs and figures, no kernel.
html: setup
	$(PY) -m adam_teach.site site

clean:
	rm -rf $(VENV) .venv-latest build site .pytest_cache

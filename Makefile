# Beyond Algorithms — two commands for readers: `make book` and `make test`.
# Both set themselves up (a .venv with the pinned requirements) on first use.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
JB     := $(VENV)/bin/jupyter-book
# jupyter-book build with Sphinx parallel jobs, one per core (BOOK_JOBS=1 for one): mlskills/build_book.py
JB_BUILD := $(PY) -m mlskills.build_book
STAMP  := $(VENV)/.installed
BUILD_FLAGS := -W -n --keep-going
JOBS   ?= 2
NB     ?=

.PHONY: help setup environments web functions-env orchestration-env mutation book book-clean test test-unit test-notebooks test-portability test-notebooks-here test-exercises test-site lint exercises execute nbgrader-course lab data-manifest data-verify scaffold bench bench-site lock serve clean

help:
	@echo "make book      build the site into _build/html (sets up .venv first; only changed pages after the first time)"
	@echo "make book-clean   build the whole site from scratch (make book FULL=1)"
	@echo "make test      run every test: lint, data, exercises, checks, notebooks, site"
	@echo "make environments   install the three pinned environments and web/ side by side (make test does it first)"
	@echo "make test-notebooks NB=chapters/13-optimization.ipynb   verify stored outputs as another machine would"
	@echo "make serve     serve _build/html on http://127.0.0.1:8000"
	@echo "make execute NB=chapters/02-data.ipynb   re-execute notebooks in place (all if NB is empty)"
	@echo "make exercises regenerate exercises/ from solutions/"
	@echo "make lint      check the chapter anatomy of every notebook"
	@echo "make lab       open the notebooks in JupyterLab, from the book's environment"
	@echo "make nbgrader-course DEST=../course   an nbgrader course (source/ for every chapter) for instructors"
	@echo "make scaffold N=7 TITLE='Advanced machine learning'   start a chapter"
	@echo "make bench     time every notebook and the book build against the budgets; page weights and Lighthouse scores"
	@echo "make data-manifest   rewrite data/MANIFEST.sha256 after adding a data file"
	@echo "make mutation  mutation-test the book's tooling and print the score per module (about 30 min)"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11+ is needed; run: make PYTHON=python3.11 ...")'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $(STAMP)

setup: $(STAMP)

# Chapter 10's page serves onnxruntime-web from the site itself: the npm package, pinned with
# its lockfile in web/, installed with `npm ci` (the build copies its wasm runtime to _static/ch10/ort/).
WEB_STAMP := web/node_modules/.installed
$(WEB_STAMP): web/package.json web/package-lock.json
	cd web && npm ci --ignore-scripts --no-audit --no-fund
	touch $(WEB_STAMP)

web: $(WEB_STAMP)

# Chapter 12's serverless functions have their own pinned environment (like a deployment
# package): botocore caps python-dateutil below the main environment's pin.
FUNCTIONS_VENV  ?= .venv-functions
FUNCTIONS_STAMP := $(FUNCTIONS_VENV)/.installed
$(FUNCTIONS_STAMP): requirements-functions.txt
	$(PYTHON) -m venv $(FUNCTIONS_VENV)
	$(FUNCTIONS_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-functions.txt
	touch $(FUNCTIONS_STAMP)

functions-env: $(FUNCTIONS_STAMP)

# Chapter 11's orchestrators (Apache Airflow, Kubeflow Pipelines' kfp SDK, MLflow) have their own pinned
# environment: kfp caps protobuf below 7 and mlflow-skinny caps importlib_metadata below 10, under the main pins.
ORCHESTRATION_VENV  ?= .venv-orchestration
ORCHESTRATION_STAMP := $(ORCHESTRATION_VENV)/.installed
$(ORCHESTRATION_STAMP): requirements-orchestration.txt
	$(PYTHON) -m venv $(ORCHESTRATION_VENV)
	$(ORCHESTRATION_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements-orchestration.txt
	touch $(ORCHESTRATION_STAMP)

orchestration-env: $(ORCHESTRATION_STAMP)

# Mutation testing of the book's tooling (checks protocol, data, exercises, lint, measure): mutmut
# changes the code one small step at a time and the unit tests must notice. Not part of `make test`
# (it takes about half an hour on 2 cores); CI runs it weekly (.github/workflows/mutation.yml).
# mutmut works in a copy under _build/mutation; its configuration, the equivalent mutants left out
# of the score and the score script are in tests/mutation/. MUTATION_JOBS=1 on a shared machine.
# The tests run against a copy of the book (MLSKILLS_DATA points there): a mutant that writes
# where it should not (exercises/, data/MANIFEST.sha256) writes into the copy, not the book.
MUTATION_DIR  ?= _build/mutation
MUTATION_JOBS ?= $(JOBS)
mutation: setup
	rm -rf $(MUTATION_DIR) && mkdir -p $(MUTATION_DIR)
	cp -r mlskills tests pyproject.toml _config.yml data templates chapters solutions exercises $(MUTATION_DIR)/
	cp tests/mutation/mutmut.cfg $(MUTATION_DIR)/setup.cfg
	cd $(MUTATION_DIR) && MLSKILLS_DATA=$(abspath $(MUTATION_DIR))/data $(CURDIR)/$(VENV)/bin/mutmut run --max-children $(MUTATION_JOBS) > mutmut.log 2>&1 \
		|| { tr '\r' '\n' < mutmut.log | tail -40; exit 1; }
	MLSKILLS_DATA=$(abspath $(MUTATION_DIR))/data $(PY) tests/mutation/score.py $(MUTATION_DIR)

# SOLUTIONS=0 builds the site without the worked solutions (for course forks).
# `make book` rebuilds only the pages changed since the last build (Sphinx keeps its state in
# _build/.doctrees); FULL=1 (or `make book-clean`) builds everything from scratch, as CI does.
SOLUTIONS ?= 1
FULL ?= 0
book: setup web
ifeq ($(SOLUTIONS),0)
	rm -rf _build/html _build/.doctrees
	$(PY) -m mlskills.site toc-without-solutions _build/toc-without-solutions.yml
	BOOK_SOLUTIONS=0 $(JB_BUILD) . $(BUILD_FLAGS) --toc _build/toc-without-solutions.yml
	touch _build/html/.without-solutions
else
	@if [ "$(FULL)" != 0 ] || [ -e _build/html/.without-solutions ]; then echo "full build"; rm -rf _build/html _build/.doctrees; fi
	$(JB_BUILD) . $(BUILD_FLAGS)
endif
	@echo "Built. Open _build/html/index.html, or run 'make serve'."

book-clean:
	$(MAKE) book FULL=1

serve:
	$(PY) -m http.server 8000 --bind 127.0.0.1 --directory _build/html

# Every environment the tests use, installed side by side. On a fresh clone (2 cores, wheels
# cached) one after the other took 472 s (.venv 291, functions 40, orchestration 120) and side
# by side 312-365 s, npm included: pip spends much of its time waiting on the disk and the network.
environments:
	$(MAKE) -j4 --output-sync=target setup functions-env orchestration-env web

# The whole suite. Each step stops the run on failure.
test: environments test-unit test-notebooks test-exercises test-site

test-unit: setup functions-env orchestration-env
	$(PY) -m pytest tests -n $(JOBS) --dist loadfile -m "not site"

# Stored outputs are verified as another reader's machine would see them: nbval from a
# copy in a longer path, PyTorch's portable kernels, BLAS limited to AVX2, one thread
# (mlskills/portability.py). NB="chapters/03-apis.ipynb solutions/03-apis.ipynb" for a few.
test-notebooks: setup functions-env orchestration-env
	JOBS=$(JOBS) $(PY) -m mlskills.portability $(NB)

# Another name for the same run.
test-portability: test-notebooks

# The same nbval run in this tree, with this machine's kernels (quicker to debug).
test-notebooks-here: setup functions-env orchestration-env
	$(PY) -m pytest --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg \
		-n $(JOBS) --dist loadfile $(or $(NB),chapters solutions)

test-exercises: setup
	$(PY) -m pytest --nbval-lax --nbval-current-env -n $(JOBS) --dist loadfile exercises

test-site: setup web
	$(PY) -m pytest tests -m site

lint: setup
	$(PY) -m mlskills.lint

exercises: setup
	$(PY) -m mlskills.exercises

execute: setup functions-env orchestration-env
	$(PY) -m mlskills.notebooks $(NB)
	$(PY) -m mlskills.exercises

# JupyterLab from the book's environment (pinned in requirements.txt), at the repository root.
lab: setup
	$(PY) -m jupyter lab

# An nbgrader course generated from solutions/ (mlskills/nbgrader_course.py); CHAPTERS="02 13" for a few.
DEST ?=
CHAPTERS ?=
nbgrader-course: setup
	@test -n "$(DEST)" || { echo "say where: make nbgrader-course DEST=../my-course"; exit 2; }
	$(PY) -m mlskills.nbgrader_course $(DEST) $(CHAPTERS)

data-manifest: setup
	$(PY) -m mlskills.data manifest

data-verify: setup
	$(PY) -m mlskills.data verify

scaffold: setup
	$(PY) -m mlskills.scaffold $(N) "$(TITLE)"

# Lighthouse for the bench only (not for make test): pinned with its lockfile in bench/lighthouse/.
LIGHTHOUSE_STAMP := bench/lighthouse/node_modules/.installed
$(LIGHTHOUSE_STAMP): bench/lighthouse/package.json bench/lighthouse/package-lock.json
	cd bench/lighthouse && npm ci --no-audit --no-fund
	touch $(LIGHTHOUSE_STAMP)

# Every notebook's time, then the site: full and incremental build, page weights, Lighthouse.
bench: setup functions-env orchestration-env web $(LIGHTHOUSE_STAMP)
	$(PY) -m mlskills.bench

# The site's part of the bench alone (the notebooks' times stay as last measured).
bench-site: setup web $(LIGHTHOUSE_STAMP)
	$(PY) -m mlskills.bench --site

# Re-resolve requirements.in in a clean venv and pin the result (maintainers only).
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet -r requirements.in
	{ echo "# Full pinned environment of the book, generated from requirements.in by \`make lock\`."; \
	  echo "# Install with \`make setup\` (Makefile), which also installs the book's own package editable."; \
	  .lock-venv/bin/pip freeze --exclude-editable | sed 's/+cpu//'; echo "-e ."; } > requirements.txt
	rm -rf .lock-venv

clean:
	rm -rf _build

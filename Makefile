# ML Engineering Lab. On a fresh clone:
#   make book   set up .venv and build the site into _build/html
#   make test   set up .venv and run every check
# Both also set up .venv-feast (make feast-env), Feast's own venv for the feature-store chapter.
# Other targets: downloads, budgets, format, nbval, lab, references, feast-env, clean, help.

SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Feast requires pandas < 3 and the book runs pandas 3: Feast gets its own venv, which the
# feature-store chapter drives through a subprocess (labutils/_feast_bridge.py).
FEAST_VENV  := .venv-feast
FEAST_STAMP := $(FEAST_VENV)/.installed
# Chapters are the MyST notebooks in chapters/ (pages without a kernelspec are plain Markdown).
CHAPTERS := $(shell grep -l '^kernelspec:' chapters/*.md)
JB_FLAGS := -W -n --keep-going
NBVAL    := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p labutils.regression \
            -p no:cacheprovider

export PYDEVD_DISABLE_FILE_VALIDATION := 1
# One thread per pool in every kernel and test (labutils.setup() sets the same inside a chapter).
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: help install feast-env book downloads test unit sync-check nbval book-check site budgets format references lab browser clean

help:
	@sed -n '1,5p' Makefile

$(STAMP): requirements.txt pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the pinned set into $(VENV) (about a minute on a fresh machine)..."
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	@touch $@

install: $(STAMP)

$(FEAST_STAMP): .ci/requirements-feast.txt
	@test -x $(FEAST_VENV)/bin/python || $(PYTHON) -m venv $(FEAST_VENV)
	@echo "Installing Feast's pinned set into $(FEAST_VENV) (about 590 MB, under a minute)..."
	$(FEAST_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r .ci/requirements-feast.txt
	$(FEAST_VENV)/bin/python -m pip check
	@touch $@

feast-env: $(FEAST_STAMP)

# Strict build: a failing cell, any warning, stderr output or broken reference fails it.
# jupyter-cache is cleared by labutils.sphinxext whenever labutils/, data/ or requirements.txt change.
# .ci/execute.py first executes the outdated chapters two at a time into the build's cache.
book: $(STAMP) $(FEAST_STAMP) browser
	$(BIN)/python .ci/execute.py $(CHAPTERS)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@$(MAKE) --no-print-directory downloads
	@echo "Site built: open _build/html/index.html in a browser (no server needed)."

# The downloads linked from the landing page, written into _build/html: every chapter as a
# notebook (a zip) and the whole book as one PDF (printed by headless Chromium, offline).
downloads: $(STAMP)
	@if $(BIN)/python -c "import shutil, sys; sys.exit(not any(map(shutil.which, sys.argv[1:])))" \
	     chromium chromium-browser google-chrome; then \
	  $(BIN)/python .ci/downloads.py; \
	else echo "note: chromium not found, so no PDF (make browser installs it); the notebooks zip only."; \
	  $(BIN)/python .ci/downloads.py --only zip; fi

# Each chapter is executed once: by the build, whose executed notebooks book-check then
# compares with the references (labutils.regression: numbers within a stated tolerance).
test: $(STAMP) $(FEAST_STAMP) browser
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory unit sync-check book book-check site && \
	echo "make test: all checks passed in $$(( $$(date +%s) - start )) s"

unit: $(STAMP) $(FEAST_STAMP)
	$(BIN)/pytest -n 2 tests/code tests/data tests/model labutils

# Every reference notebook's inputs must match its .md source.
sync-check: $(STAMP)
	@tmp=$$(mktemp -d); status=0; \
	for md in $(CHAPTERS); do \
	  nb=$${md%.md}.ipynb; \
	  if [ ! -f "$$nb" ]; then echo "missing reference notebook $$nb: run make references"; status=1; continue; fi; \
	  cp "$$nb" "$$tmp/ref.ipynb"; \
	  $(BIN)/jupytext --quiet --to ipynb --update --output "$$tmp/ref.ipynb" "$$md" >/dev/null; \
	  if ! cmp -s "$$nb" "$$tmp/ref.ipynb"; then \
	    echo "$$nb is out of sync with $$md: run make references"; \
	    diff <($(BIN)/python -m json.tool "$$nb") <($(BIN)/python -m json.tool "$$tmp/ref.ipynb") | head -20; status=1; \
	  fi; \
	done; rm -rf "$$tmp"; \
	[ $$status -eq 0 ] && echo "sync-check: $(words $(CHAPTERS)) reference notebook(s) in sync"; exit $$status

# Re-execute every chapter with nbval, comparing as book-check does (not part of make test).
nbval: $(STAMP) $(FEAST_STAMP)
	$(BIN)/pytest $(NBVAL) $(CHAPTERS:.md=.ipynb)

# The built site's content, and each executed chapter against its reference notebook.
book-check: $(STAMP)
	$(BIN)/pytest tests/book

# Each chapter alone, on an idle machine: fails if one is over 45 s CPU or 1.5 GiB (a benchmark run).
budgets: $(STAMP) $(FEAST_STAMP)
	$(BIN)/python .ci/budgets.py $(or $(CHAPTER),$(CHAPTERS))

# Every built page in headless Chromium (Debian's, driven by Playwright): console errors,
# images, rendered math, offline, links. Screenshots land in _build/site-test/.
site: $(STAMP) browser
	$(BIN)/pytest tests/site

# Reformat the chapters' code statements that are over 88 columns (ruff); then run make references.
format: $(STAMP)
	$(BIN)/python .ci/format_chapters.py $(or $(CHAPTER),$(CHAPTERS))

# Re-execute chapters (two at a time) and store their outputs as the reference (all, or
# CHAPTER=chapters/x.md).
references: $(STAMP) $(FEAST_STAMP)
	@printf '%s\n' $(or $(CHAPTER),$(CHAPTERS)) | xargs -P 2 -I {} sh -c \
	  'echo "executing {}"; $(BIN)/jupytext --quiet --to ipynb --execute {} || { echo "FAILED: {}"; exit 1; }'

# JupyterLab on chapters/, where the .md chapters open as notebooks (default viewer from
# binder/labconfig, as on Binder; user settings stay in .venv). The server's root is the repository
# so that jupytext reads pyproject.toml when saving a chapter. Root needs --allow-root.
lab: $(STAMP)
	JUPYTER_CONFIG_PATH=$(abspath binder) JUPYTERLAB_SETTINGS_DIR=$(abspath $(VENV))/lab-settings \
	  $(BIN)/jupyter lab --ServerApp.root_dir=$(CURDIR) --LabApp.default_url=/lab/tree/chapters \
	  $$([ "$$(id -u)" = 0 ] && echo --allow-root)

# The site test needs a headless browser; install Debian's Chromium when we can.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the site tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: chromium not found; the site tests will be skipped (they are required in CI)."; fi; }

clean:
	rm -rf _build .pytest_cache

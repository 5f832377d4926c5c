# ML Engineering Lab. On a fresh clone:
#   make book   set up .venv and build the site into _build/html
#   make test   set up .venv and run every check
# Other targets: lab, references, clean, help.

SHELL  := /bin/bash
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Chapters are the MyST notebooks in chapters/ (pages without a kernelspec are plain Markdown).
CHAPTERS := $(shell grep -l '^kernelspec:' chapters/*.md)
JB_FLAGS := -W -n --keep-going
NBVAL    := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg -p no:cacheprovider

export PYDEVD_DISABLE_FILE_VALIDATION := 1

.PHONY: help install book test unit sync-check nbval book-check site references lab browser clean

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

# Strict build: a failing cell, any warning, stderr output or broken reference fails it.
# jupyter-cache is cleared by labutils.sphinxext whenever labutils/, data/ or requirements.txt change.
book: $(STAMP)
	$(BIN)/jupyter-book build . $(JB_FLAGS)
	@echo "Site built: open _build/html/index.html in a browser (no server needed)."

test: $(STAMP) browser
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory unit sync-check nbval book book-check site && \
	echo "make test: all checks passed in $$(( $$(date +%s) - start )) s"

unit: $(STAMP)
	$(BIN)/pytest tests/code tests/data tests/model labutils

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

nbval: $(STAMP)
	$(BIN)/pytest $(NBVAL) $(CHAPTERS:.md=.ipynb)

book-check: $(STAMP)
	$(BIN)/pytest tests/book

# Every built page in headless Chromium (Debian's, driven by Playwright): console errors,
# images, rendered math, offline, links. Screenshots land in _build/site-test/.
site: $(STAMP) browser
	$(BIN)/pytest tests/site

# Re-execute chapters and store their outputs as the reference (all, or CHAPTER=chapters/x.md).
references: $(STAMP)
	@for md in $(or $(CHAPTER),$(CHAPTERS)); do \
	  echo "executing $$md"; \
	  $(BIN)/jupytext --quiet --to ipynb --execute "$$md" || exit 1; \
	done

# JupyterLab opens the .md chapters as notebooks (settings kept inside .venv).
lab: $(STAMP)
	JUPYTERLAB_SETTINGS_DIR=$(abspath $(VENV))/lab-settings $(BIN)/jupytext-config \
	  --settings-file $(abspath $(VENV))/lab-settings/@jupyterlab/docmanager-extension/plugin.jupyterlab-settings \
	  set-default-viewer markdown
	JUPYTERLAB_SETTINGS_DIR=$(abspath $(VENV))/lab-settings $(BIN)/jupyter lab chapters/

# The site test needs a headless browser; install Debian's Chromium when we can.
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "Installing Chromium for the site tests..."; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "note: chromium not found; the site tests will be skipped (they are required in CI)."; fi; }

clean:
	rm -rf _build .pytest_cache

# Two commands do all set-up on a fresh machine (Python 3.11, Debian, root):
#   make demo   the package with its demo extra + Graphviz, then `autograd demo` (train, draw)
#   make test   virtual environment + package with test extras + Graphviz + Chromium + ruff + mypy + pytest
# and `make dist` builds the sdist and the wheel into dist/ and checks them.
# Each install is done once: a stamp file in the venv records it, remade when pyproject.toml changes.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint dist bench notebooks docs graphviz chromium clean

$(BIN)/python:
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test,torch]'
	touch $@

# Graphviz's `dot` binary (for rendering graphs). Installed with apt-get when missing and
# we are root on Debian; otherwise a warning says how to install it.
graphviz:
	@command -v dot >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null) \
	      || echo "warning: apt-get could not install graphviz"; \
	  else echo "warning: Graphviz's dot is missing: install the graphviz package"; fi; }

# Debian's Chromium (for the step-through page's browser tests, driven by Playwright's Python
# package from the test extra, which cannot download a browser of its own here). Installed
# with apt-get when missing and we are root on Debian; otherwise a warning (those tests skip).
chromium:
	@command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ] || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	      || echo "warning: apt-get could not install chromium"; \
	  else echo "warning: Chromium is missing: install the chromium package (the browser tests skip)"; fi; }

# The package with one extra (make demo: .installed-demo, make dist, make bench), skipped when
# make test's install (whose extras hold all three) is newer than pyproject.toml. Quiet:
# PYTHONWARNINGS silences setuptools' notice about editable installs, which is for its authors.
$(VENV)/.installed-%: pyproject.toml | $(BIN)/python
	@[ $(VENV)/.installed -nt pyproject.toml ] \
	  || PYTHONWARNINGS=ignore $(BIN)/python -m pip install --quiet -e '.[$*]'
	@touch $@

demo: $(VENV)/.installed-demo graphviz
	@$(BIN)/autograd demo

lint: $(VENV)/.installed
	$(BIN)/python -m ruff check autograd tests bench examples notebooks conftest.py
	$(BIN)/python -m mypy

test: $(VENV)/.installed graphviz chromium lint
	$(BIN)/python -m pytest

# Run every notebook in notebooks/ in a fresh Jupyter kernel and save it with its outputs
# (the same execution as the tests'; see tests/test_notebooks.py).
notebooks: $(VENV)/.installed graphviz
	$(BIN)/python tests/test_notebooks.py

# The documentation site (mkdocs.yml, docs/) into site/; open site/index.html.
docs: $(VENV)/.installed
	NO_MKDOCS_2_WARNING=1 $(BIN)/mkdocs build --strict

bench: $(VENV)/.installed-bench
	$(BIN)/python bench/bench_engine.py

# The sdist and the wheel, built in an isolated environment (setuptools from PyPI) into dist/,
# then checked: twine (the metadata PyPI reads) and check-wheel-contents (the wheel's files).
dist: $(VENV)/.installed-dist
	rm -rf dist
	$(BIN)/python -m build --outdir dist
	$(BIN)/python -m twine check --strict dist/*
	$(BIN)/check-wheel-contents dist/*.whl

clean:
	rm -rf $(VENV) build dist site *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis

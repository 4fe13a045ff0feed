# Two commands do all set-up on a fresh machine (Python 3.11, root):
#   make demo   build an expression, run backward, print values and gradients
#   make test   virtual environment + package with test extras + ruff + mypy + pytest
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python examples/demo.py

lint: $(VENV)/.installed
	$(BIN)/python -m ruff check autograd tests bench examples
	$(BIN)/python -m mypy

test: $(VENV)/.installed lint
	$(BIN)/python -m pytest

bench: | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[bench]'
	$(BIN)/python bench/bench_engine.py

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache .mypy_cache .ruff_cache .hypothesis

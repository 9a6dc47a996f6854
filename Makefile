# The two commands a new user runs: `make demo` and `make test`.
# Each creates or reuses .venv (python3 -m venv) and installs what it needs from pyproject.toml.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
# One BLAS thread: reproducible timings and no oversubscription on small machines.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
export MKL_NUM_THREADS ?= 1

.PHONY: demo demo-landscape test lint bench clean

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.core: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.core
	$(PY) -m pip install --quiet -e '.[test]'
	touch $@

$(VENV)/.demo: pyproject.toml $(VENV)/.core
	$(PY) -m pip install --quiet -e '.[demo]'
	touch $@

$(VENV)/.bench: pyproject.toml $(VENV)/.test
	$(PY) -m pip install --quiet -e '.[bench]'
	touch $@

demo: $(VENV)/.demo
	$(VENV)/bin/chainrule demo iris

demo-landscape: $(VENV)/.demo
	$(VENV)/bin/chainrule demo landscape

lint: $(VENV)/.test
	$(PY) -m ruff check src tests benchmarks examples docs

test: $(VENV)/.test
	$(PY) -m ruff check src tests benchmarks examples docs
	$(PY) -m pytest

bench: $(VENV)/.bench
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache build dist

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

# PyTorch for the CPU. The bench extra pins torch==2.13.0, but PyPI's Linux wheels of torch
# are CUDA builds (several GB), and an extra cannot name another index. PyTorch publishes
# CPU-only wheels on its own index; give it here and torch comes from there first (its
# 2.13.0+cpu satisfies the pin, so the extra then installs no other build):
#   make bench TORCH_INDEX=https://download.pytorch.org/whl/cpu
TORCH_INDEX ?=

$(VENV)/.bench: pyproject.toml $(VENV)/.test
	$(if $(TORCH_INDEX),$(PY) -m pip install --quiet 'torch==2.13.0' --index-url $(TORCH_INDEX))
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

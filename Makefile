# The two commands a newcomer needs: `make demo` (train and evaluate a CNN on Fashion-MNIST,
# writing plots) and `make test`. Both create the virtual environment on first use.
VENV ?= .venv
PY := $(VENV)/bin/python
OUT ?= out/demo

.PHONY: demo test reference bench lint clean

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e ".[test,plots]"
	touch $@

demo: $(VENV)/.installed
	$(VENV)/bin/deepbricks demo --output $(OUT)

# Two pytest workers on two cores: each keeps BLAS to one thread, or they would oversubscribe.
test: $(VENV)/.installed
	$(VENV)/bin/ruff check deepbricks tests bench
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 $(PY) -m pytest -n 2 -q

# Optional references for parity tests and the benchmark: Keras 3 and the CPU build of PyTorch.
reference: $(VENV)/.installed
	$(PY) -m pip install -q torch==2.13.0 keras

bench: reference
	$(PY) -m bench

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check deepbricks tests bench

clean:
	rm -rf $(VENV) out .pytest_cache

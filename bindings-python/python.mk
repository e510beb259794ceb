# Python binding: set-up, build, tests, demo. Included by the top Makefile;
# paths are relative to the repository root.
PY_VENV ?= .venv
PY := $(PY_VENV)/bin/python
PYTHON3 ?= python3

BINDING_TESTS += test-python
.PHONY: python-venv python-build test-python demo-python

# The venv is rebuilt when the pinned requirements change.
$(PY_VENV)/.ferroscore-deps: bindings-python/requirements-dev.txt
	@command -v $(PYTHON3) >/dev/null || { echo "python3 not found: install Python 3.9+"; exit 1; }
	$(PYTHON3) -m venv $(PY_VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -r bindings-python/requirements-dev.txt
	touch $@

python-venv: $(PY_VENV)/.ferroscore-deps

# An editable release build of the extension into the venv.
python-build: python-venv check-tools
	cd bindings-python && VIRTUAL_ENV=$(abspath $(PY_VENV)) $(abspath $(PY_VENV))/bin/maturin develop --release -q

test-python: python-build
	cd bindings-python && $(abspath $(PY)) -m pytest -q tests --doctest-modules python/ferroscore
	cd bindings-python && $(abspath $(PY_VENV))/bin/mypy python/ferroscore tests/typing_usage.py
	$(PY) examples/python/quickstart.py 200000 >/dev/null

demo-python: python-build
	$(PY) examples/python/quickstart.py

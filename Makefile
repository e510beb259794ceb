# ferroscore: the two commands a newcomer needs.
#   make demo   sets up .venv, builds the Python extension, runs the quickstart
#   make test   runs every test of every language present
SHELL := /bin/bash
CARGO ?= cargo

.PHONY: demo demo-rust test test-rust lint bench bench-core bench-python bench-r bench-c-overhead vectors check-tools

# Each binding keeps its own set-up and test rules in bindings-*/<lang>.mk and
# appends its test target to BINDING_TESTS (and, where `lint` needs a
# toolchain, adds its set-up as a prerequisite of `lint`).
BINDING_TESTS :=
include $(sort $(wildcard bindings-*/*.mk))

check-tools:
	@command -v $(CARGO) >/dev/null || { echo "cargo not found: install Rust (rustup) first"; exit 1; }

demo: demo-python

# The same seed workload from Rust.
demo-rust: check-tools
	$(CARGO) run --release -q -p ferroscore-benches --example quickstart

test: check-tools lint test-rust $(BINDING_TESTS)

lint:
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets --all-features -- -D warnings
	RUSTDOCFLAGS="-D warnings" $(CARGO) doc -p ferroscore --all-features --no-deps -q

test-rust:
	$(CARGO) test -p ferroscore
	$(CARGO) test --workspace --all-features

# Criterion throughput of the core (n = 1e6 and 1e7); see benches/README.md.
bench-core: check-tools
	$(CARGO) bench -p ferroscore-benches -- --noplot

# Every peer side by side (Python, R, C), then BENCHMARKS.md and the chart.
# Not part of `make test`: it takes ~40 minutes (the Python peers run in three
# interleaved rounds) and wants a quiet machine.
bench: bench-core python-build bench-python bench-r bench-c-overhead
	$(PY) benches/report.py

# R peers from Debian: bench, RcppRoll, slider (data.table comes with setup-r).
bench-r: install-r
	@dpkg -s r-cran-bench r-cran-rcpproll r-cran-slider >/dev/null 2>&1 || { \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q \
	    --no-install-recommends r-cran-bench r-cran-rcpproll r-cran-slider; }
	R_LIBS=$(R_LIB) RUST_BACKTRACE= Rscript benches/r/compare.R benches/results/r.json

# The C ABI's per-call cost and the seed workload from C (single thread).
bench-c-overhead: build-c
	@mkdir -p target/c benches/results
	gcc -O2 -Ibindings-c/include benches/c/overhead.c -Ltarget/release -lferroscore \
	  -Wl,-rpath,$(CURDIR)/target/release -o target/c/bench_overhead
	RAYON_NUM_THREADS=1 target/c/bench_overhead benches/results/c.json

bench-python: python-build
	$(PY) -m pip install -q -r benches/python/requirements.txt
	$(PY) benches/python/compare.py

# Regenerate tests/vectors/ from pandas/numpy/bottleneck (needs network for pip).
vectors:
	python3 -m venv .venv-vectors
	.venv-vectors/bin/pip install -q -r scripts/requirements-vectors.txt
	.venv-vectors/bin/python scripts/make_vectors.py

# R binding (bindings-r/): set-up, tests and demo. Included by the top-level
# Makefile, so paths are relative to the repository root.
#
#   make setup-r   R and its packages from Debian (r-base-dev, testthat,
#                  data.table), installed only when missing
#   make test-r    R CMD INSTALL into target/r-lib, testthat (incl. the shared
#                  vectors), then R CMD build + R CMD check --no-manual on a
#                  staged copy with the core vendored (must end "Status: OK")
#   make demo-r    examples/r/quickstart.R (the seed workload, 1e7 values)
BINDING_TESTS += test-r
R_PKGS := r-base-dev r-cran-testthat r-cran-data.table
R_LIB := $(CURDIR)/target/r-lib
R_STAGE := $(CURDIR)/target/r-check
# One cargo target dir for every R build (install and check): incremental.
R_ENV := FERROSCORE_R_CARGO_TARGET_DIR=$(CURDIR)/target/r RUST_BACKTRACE= \
         R_LIBS=$(R_LIB) FERROSCORE_VECTORS=$(CURDIR)/tests/vectors
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: setup-r install-r test-r check-r demo-r

# clippy --workspace compiles the R crate, and extendr needs R to compile.
lint: setup-r

setup-r:
	@if ! dpkg -s $(R_PKGS) >/dev/null 2>&1; then \
	  echo "setup-r: installing $(R_PKGS)"; \
	  $(SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q \
	    --no-install-recommends -o DPkg::Lock::Timeout=600 $(R_PKGS); \
	fi

install-r: setup-r check-tools
	mkdir -p $(R_LIB)
	$(R_ENV) R CMD INSTALL --no-multiarch -l $(R_LIB) bindings-r

test-r: install-r
	cd bindings-r/tests && $(R_ENV) Rscript ../tools/run_tests.R
	$(MAKE) --no-print-directory check-r

check-r: setup-r check-tools
	rm -rf $(R_STAGE) && mkdir -p $(R_STAGE)
	bash bindings-r/tools/stage.sh $(CURDIR) $(R_STAGE)
	cd $(R_STAGE) && $(R_ENV) R CMD build --no-build-vignettes ferroscore
	cd $(R_STAGE) && $(R_ENV) _R_CHECK_FUTURE_FILE_TIMESTAMPS_=false \
	  R CMD check --no-manual ferroscore_*.tar.gz; \
	  status=$$?; \
	  grep -E "^Status:" ferroscore.Rcheck/00check.log; \
	  if [ $$status -ne 0 ] || ! grep -qx "Status: OK" ferroscore.Rcheck/00check.log; then \
	    echo "check-r: R CMD check did not end with Status: OK (see $(R_STAGE)/ferroscore.Rcheck)"; exit 1; fi

demo-r: install-r
	$(R_ENV) Rscript examples/r/quickstart.R

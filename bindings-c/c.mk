# C ABI, Fortran and Julia bindings (bindings-c/): set-up, tests, install and
# demo. Included by the top-level Makefile, so paths are relative to the
# repository root; everything built goes to target/c.
#
#   make setup-c    gcc, g++, gfortran, valgrind, pkg-config, python3 from
#                   Debian, installed only when missing
#   make build-c    libferroscore.so / .a (release) and the header
#   make test-c     header drift + header as C99 and C++; C tests (shared
#                   vectors, every status, handles) under ASan/UBSan and
#                   valgrind, also linked statically; the Fortran test; the
#                   Julia ccall signatures checked through Python ctypes;
#                   the C and Fortran quickstarts on 1e5 values
#   make install PREFIX=/usr/local   (or install-c) lib, header, Fortran
#                   sources, ferroscore.pc
#   make demo-c     the C and Fortran quickstarts on 1e7 values
BINDING_TESTS += test-c

C_OUT := target/c
C_LIB := target/release
C_INC := bindings-c/include
C_TOOLS := gcc:gcc g++:g++ gfortran:gfortran valgrind:valgrind pkg-config:pkg-config python3:python3
C_RPATH := -Wl,-rpath,$(CURDIR)/$(C_LIB)
C_WARN := -Wall -Wextra -Werror
C_SAN := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
C_SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
# The tests provoke a panic on purpose; keep its report to one line.
C_ENV := RUST_BACKTRACE=0
PREFIX ?= /usr/local

.PHONY: setup-c build-c test-c header-check-c test-c-unit test-c-valgrind test-c-static \
        test-fortran test-julia-ccall quickstart-c install install-c demo-c

setup-c:
	@missing=""; for t in $(C_TOOLS); do \
	  command -v $${t%%:*} >/dev/null 2>&1 || missing="$$missing $${t##*:}"; done; \
	if [ -n "$$missing" ]; then \
	  echo "setup-c: installing$$missing"; \
	  $(C_SUDO) apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $(C_SUDO) apt-get install -y -q \
	    --no-install-recommends -o DPkg::Lock::Timeout=600 $$missing libc6-dev; \
	fi

build-c: check-tools
	$(CARGO) build --release -p ferroscore-c
	@mkdir -p $(C_OUT)

# build.rs rewrites the header from the sources: a difference from the
# committed one means someone changed the ABI without committing the header.
# The Fortran interfaces and Julia ccalls are generated from the header by
# tools/gen_wrappers.py and must be current too.
header-check-c: build-c setup-c
	@if git rev-parse --git-dir >/dev/null 2>&1; then \
	  git ls-files --error-unmatch $(C_INC)/ferroscore.h >/dev/null && \
	  git diff --exit-code --stat -- $(C_INC)/ferroscore.h || \
	  { echo "header-check-c: $(C_INC)/ferroscore.h differs from the committed header: commit it"; exit 1; }; \
	fi
	printf '#include <ferroscore.h>\nint main(void) { return ferroscore_version() == 0; }\n' > $(C_OUT)/hdr.c
	python3 bindings-c/tools/gen_wrappers.py --check
	gcc -std=c99 -pedantic $(C_WARN) -I$(C_INC) $(C_OUT)/hdr.c -L$(C_LIB) -lferroscore $(C_RPATH) -o $(C_OUT)/hdr_c
	g++ -x c++ -std=c++11 -pedantic $(C_WARN) -I$(C_INC) $(C_OUT)/hdr.c -L$(C_LIB) -lferroscore $(C_RPATH) -o $(C_OUT)/hdr_cpp
	$(C_OUT)/hdr_c && $(C_OUT)/hdr_cpp
	@echo "header-check-c: header current; compiles, links and runs as C99 and C++11 with $(C_WARN) -pedantic"

test-c-unit: build-c setup-c
	gcc -std=c99 -O1 -g $(C_WARN) $(C_SAN) -I$(C_INC) bindings-c/tests/test_vectors.c \
	  -L$(C_LIB) -lferroscore -lm $(C_RPATH) -o $(C_OUT)/test_vectors_asan
	gcc -std=c99 -O1 -g $(C_WARN) $(C_SAN) -I$(C_INC) bindings-c/tests/test_api.c -pthread \
	  -L$(C_LIB) -lferroscore -lm $(C_RPATH) -o $(C_OUT)/test_api_asan
	$(C_ENV) $(C_OUT)/test_vectors_asan tests/vectors
	$(C_ENV) $(C_OUT)/test_api_asan

# Under valgrind the shipped (x86-64-v3) library is checked for memory
# errors and leaks, and the tests assert every value there too. (valgrind
# 3.19 emulates the AVX compare vcmpneq_oqpd wrongly for NaN; the core's
# rolling moments write their finiteness test so that it is not emitted:
# README.md, "Tests".)
test-c-valgrind: build-c setup-c
	gcc -std=c99 -O1 -g $(C_WARN) -I$(C_INC) bindings-c/tests/test_vectors.c \
	  -L$(C_LIB) -lferroscore -lm $(C_RPATH) -o $(C_OUT)/test_vectors
	gcc -std=c99 -O1 -g $(C_WARN) -I$(C_INC) bindings-c/tests/test_api.c -pthread \
	  -L$(C_LIB) -lferroscore -lm $(C_RPATH) -o $(C_OUT)/test_api
	$(C_ENV) valgrind -q --error-exitcode=1 --leak-check=full \
	  --show-leak-kinds=definite,possible --errors-for-leak-kinds=definite,possible \
	  --suppressions=bindings-c/tests/valgrind.supp $(C_OUT)/test_vectors tests/vectors
	$(C_ENV) valgrind -q --error-exitcode=1 --leak-check=full \
	  --show-leak-kinds=definite,possible --errors-for-leak-kinds=definite,possible \
	  --suppressions=bindings-c/tests/valgrind.supp $(C_OUT)/test_api

# The static library needs the system libraries Rust's std links.
test-c-static: build-c setup-c
	gcc -std=c99 -O1 $(C_WARN) -I$(C_INC) bindings-c/tests/test_api.c -pthread \
	  $(C_LIB)/libferroscore.a -lpthread -ldl -lm -o $(C_OUT)/test_api_static
	$(C_ENV) $(C_OUT)/test_api_static

C_FMOD := $(C_OUT)/mod
C_FSRC := bindings-c/fortran/ferroscore_capi.f90 bindings-c/fortran/ferroscore.f90

test-fortran: build-c setup-c
	@mkdir -p $(C_FMOD)
	gfortran -std=f2018 -Wall -Wno-maybe-uninitialized -fcheck=all,no-array-temps -g -J $(C_FMOD) \
	  $(C_FSRC) -Ibindings-c/tests bindings-c/tests/test_vectors.f90 \
	  -L$(C_LIB) -lferroscore $(C_RPATH) -o $(C_OUT)/test_vectors_f90
	$(C_ENV) $(C_OUT)/test_vectors_f90 tests/vectors

# No Julia binary can be installed here: check every ccall of the Julia
# module against the header and call each through ctypes with the same types.
test-julia-ccall: build-c setup-c
	python3 bindings-c/tests/check_julia_ccalls.py --lib $(C_LIB)/libferroscore.so \
	  --header $(C_INC)/ferroscore.h --julia bindings-c/julia/FerroScore --vectors tests/vectors

quickstart-c: build-c setup-c
	@mkdir -p $(C_FMOD)
	gcc -std=c99 -O2 $(C_WARN) -I$(C_INC) examples/c/quickstart.c \
	  -L$(C_LIB) -lferroscore -lm $(C_RPATH) -o $(C_OUT)/quickstart_c
	gfortran -O2 -Wall -J $(C_FMOD) $(C_FSRC) examples/fortran/quickstart.f90 \
	  -L$(C_LIB) -lferroscore $(C_RPATH) -o $(C_OUT)/quickstart_f90

test-c: header-check-c test-c-unit test-c-valgrind test-c-static test-fortran test-julia-ccall quickstart-c
	$(C_OUT)/quickstart_c 100000
	$(C_OUT)/quickstart_f90 100000
	@echo "test-c: all C, Fortran and Julia-signature tests passed"

demo-c: quickstart-c
	$(C_OUT)/quickstart_c
	$(C_OUT)/quickstart_f90

install: install-c

install-c: build-c
	install -d $(DESTDIR)$(PREFIX)/lib $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/share/ferroscore/fortran \
	  $(DESTDIR)$(PREFIX)/share/ferroscore/julia
	install -m 755 $(C_LIB)/libferroscore.so $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(C_LIB)/libferroscore.a $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(C_INC)/ferroscore.h $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(C_FSRC) $(DESTDIR)$(PREFIX)/share/ferroscore/fortran/
	cp -r bindings-c/julia/FerroScore $(DESTDIR)$(PREFIX)/share/ferroscore/julia/
	sed -e 's|@PREFIX@|$(PREFIX)|' -e "s|@VERSION@|$$(sed -n 's/^#define FERROSCORE_HEADER_VERSION \"\(.*\)\"/\1/p' $(C_INC)/ferroscore.h)|" \
	  bindings-c/ferroscore.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/ferroscore.pc
	@echo "install-c: installed into $(DESTDIR)$(PREFIX)"

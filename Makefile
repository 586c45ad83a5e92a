# alkahest: bootstrap, build, test. `make help` lists the targets.
#
# Every target bootstraps what it needs (Debian packages when run as root, else it prints the
# apt-get line; a .venv with requirements-dev.txt), then builds incrementally. No prompts.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build
.DELETE_ON_ERROR:

# Debian packages the build needs. Changing this list re-runs the check (the stamp name hashes it).
# LLVM: the newest llvm-<N>-dev (17 to 21) that apt offers; llvm-19-dev when apt-cache cannot tell.
LLVM_DEV := $(or $(shell apt-cache search --names-only '^llvm-[0-9]+-dev$$' 2>/dev/null | cut -d' ' -f1 \
              | grep -E '^llvm-(1[7-9]|2[01])-dev$$' | sort -V | tail -1),llvm-19-dev)
LLVM_MAJOR := $(patsubst llvm-%-dev,%,$(LLVM_DEV))
# clang and its runtime (libFuzzer, sanitizers) of the same LLVM version, for `make fuzz`.
# FLINT (+ Arb, Calcium) for the polynomial layer and certified numerics, MPFR for correctly rounded
# constants. Debian 12 ships Arb and Calcium as their own packages; Debian 13's FLINT 3 has them inside.
FLINT_EXTRA := $(shell apt-cache show libflint-arb-dev >/dev/null 2>&1 && echo libflint-arb-dev libcalcium-dev)
DEBIAN_PACKAGES := ccache cmake gcc g++ make ninja-build libgmp-dev libmpfr-dev libflint-dev $(FLINT_EXTRA) \
                   libboost-dev libgtest-dev libsleef-dev $(LLVM_DEV) \
                   clang-$(LLVM_MAJOR) libclang-rt-$(LLVM_MAJOR)-dev

PYTHON ?= python3
JOBS ?= 2
# Extra cmake -D options for both build trees (applied when a tree is first configured),
# e.g. make test CMAKE_ARGS=-DALKAHEST_WERROR=ON
CMAKE_ARGS ?=
VENV := .venv
VPY := $(CURDIR)/$(VENV)/bin/python
BUILD_DIR := build/release
ASAN_DIR := build/asan
ASAN_PY_DIR := build/asan-python
TSAN_DIR := build/tsan
FUZZ_DIR := build/fuzz
# `make fuzz` runs each fuzzer this long; CI runs a short slice (.ci/run).
FUZZ_SECONDS ?= 600
STAMP_DIR := build/.stamps
APT_STAMP := $(STAMP_DIR)/apt-$(shell printf '%s' '$(DEBIAN_PACKAGES)' | md5sum | cut -c1-12)
VENV_STAMP := $(VENV)/.stamp-requirements
PYENV := PYTHONPATH=$(CURDIR)/python

# Ninja when present, else Makefiles; decided at configure time (after deps may have added it).
CMAKE_GENERATOR_CMD := if command -v ninja >/dev/null 2>&1; then echo Ninja; else echo "Unix Makefiles"; fi

.PHONY: help deps deps-apt deps-venv configure build dev-install test test-cpp test-python demo bench asan asan-python tsan fuzz \
        cpp-example typecheck docs poly-data simplify-suite wheel test-wheel \
        oracle poly-oracle test-install clean distclean integrate-suite

help:
	@echo "make deps          bootstrap: Debian packages (as root) and .venv from requirements-dev.txt"
	@echo "make build         configure + build $(BUILD_DIR) (library, tests, Python extension)"
	@echo "make test          build, then ctest and pytest"
	@echo "make dev-install   point .venv at this checkout (make build does it): import alkahest, the alkahest command"
	@echo "make demo          build, then run examples/tour.py"
	@echo "make bench         build, then run bench/bench_kernel.py, bench_eval.py (+ report.py), bench_jax.py, bench_poly.py, bench_cuda.py (GPU only)"
	@echo "make asan          C++ tests under ASan+UBSan in $(ASAN_DIR)"
	@echo "make asan-python   the Python suite against an ASan+UBSan extension ($(ASAN_PY_DIR)), runtime preloaded"
	@echo "make tsan          C++ tests under ThreadSanitizer in $(TSAN_DIR)"
	@echo "make fuzz          libFuzzer (clang, ASan+UBSan) on the parser for FUZZ_SECONDS (default 600) each"
	@echo "make oracle        ORACLE_EXAMPLES (default 10000) random expressions: SymPy oracle + every backend"
	@echo "make poly-oracle   ORACLE_EXAMPLES random polynomial problems against SymPy, live (part of oracle)"
	@echo "make integrate-suite  the 1,164 textbook integrals through alkahest.integrate, checked by differentiation;"
	@echo "                   SymPy's and the PyPI alkahest's scores from bench/integrate_suite_results.json"
	@echo "make test-install  pip install . into a fresh temporary venv and smoke-test it"
	@echo "make wheel         the portable manylinux wheel and the sdist in build/wheelhouse"
	@echo "make test-wheel    that wheel in a fresh venv with the system libraries hidden (root)"
	@echo "make cpp-example   cmake --install the C++ library, build examples/cpp against it, run it"
	@echo "make typecheck     mypy on the Python package and the extension's stubs (_core.pyi)"
	@echo "make docs          the documentation site (mkdocs) into build/site; warnings are errors"
	@echo "make simplify-suite simplify vs SymPy's simplify on tests/corpus/simplify (size, equality, time)"
	@echo "make poly-data     recompute SymPy's answers for the polynomial oracle tests (tests/data/poly_oracle.json)"
	@echo "make clean         remove build/ and the developer extension module (keeps .venv)"
	@echo "make distclean     clean, and remove .venv"

# ---------------------------------------------------------------------------------------------
# Bootstrap
# ---------------------------------------------------------------------------------------------
deps: deps-apt deps-venv

deps-apt: $(APT_STAMP)

deps-venv: $(VENV_STAMP)

$(APT_STAMP):
	@missing=""; \
	for p in $(DEBIAN_PACKAGES); do \
	  [ "$$(dpkg-query -W -f='$${Status}' "$$p" 2>/dev/null)" = "install ok installed" ] \
	    || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing Debian packages:$$missing"; \
	    apt-get update -q; \
	    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $$missing; \
	  else \
	    echo "deps: missing Debian packages:$$missing" >&2; \
	    echo "deps: install them with:" >&2; \
	    echo "  sudo apt-get install -y --no-install-recommends$$missing" >&2; \
	    exit 1; \
	  fi; \
	fi
	@mkdir -p $(STAMP_DIR) && rm -f $(STAMP_DIR)/apt-* && touch $@

$(VENV_STAMP): requirements-dev.txt
	@if [ ! -x $(VPY) ]; then \
	  echo "deps: creating $(VENV) with $$(command -v $(PYTHON))"; \
	  $(PYTHON) -m venv $(VENV); \
	fi
	@# pip >= 25.1 shows a PEP 639 licence (pip show alkahest-cas: License-Expression: MIT)
	$(VPY) -m pip install -q --progress-bar off "pip>=25.1"
	$(VPY) -m pip install -q --progress-bar off -r requirements-dev.txt
	@touch $@

# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------
$(BUILD_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD_DIR) -G "$$($(CMAKE_GENERATOR_CMD))" \
	  -DCMAKE_BUILD_TYPE=Release -DPython_EXECUTABLE=$(VPY) -DALKAHEST_LLVM=ON $(CMAKE_ARGS)

configure: $(BUILD_DIR)/CMakeCache.txt

build: deps $(BUILD_DIR)/CMakeCache.txt
	cmake --build $(BUILD_DIR) -j$(JOBS)
	@$(MAKE) --no-print-directory dev-install

# The development install: the .venv finds this checkout's python/ (where `make build` puts the
# extension) through a .pth file, and .venv/bin/alkahest runs the CLI, so that after `make demo` or
# `make test`, `source .venv/bin/activate; python -c "import alkahest"` works from any directory and
# picks up every rebuild. A .venv that is a symlink (another checkout's, e.g. a git worktree) is left
# alone: it belongs to the checkout that made it.
DEV_PTH = $(shell $(VPY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])' 2>/dev/null)/alkahest-dev.pth
dev-install:
	@if [ -L $(VENV) ]; then echo "dev-install: $(VENV) is a symlink; left alone"; exit 0; fi; \
	printf '%s\n' "$(CURDIR)/python" > "$(DEV_PTH)"; \
	printf '%s\n' '#!$(VPY)' 'import sys' 'from alkahest.cli import main' 'sys.exit(main())' > $(VENV)/bin/alkahest; \
	chmod +x $(VENV)/bin/alkahest; \
	$(VPY) packaging/dev_metadata.py "$(DEV_PTH)" $(VENV)/bin/alkahest

test: test-cpp test-python

test-cpp: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j$(JOBS)

# pytest exits 5 when it collects nothing; that is not a failure while tests/python is empty.
test-python: build
	@if [ -d tests/python ]; then \
	  rc=0; \
	  echo "$(PYENV) $(VENV)/bin/python -m pytest -q tests/python"; \
	  $(PYENV) $(VPY) -m pytest -q tests/python || rc=$$?; \
	  if [ $$rc -eq 5 ]; then echo "pytest: no Python tests collected"; rc=0; fi; \
	  exit $$rc; \
	else \
	  echo "pytest: tests/python does not exist yet"; \
	fi

demo: build
	$(PYENV) $(VPY) examples/tour.py

# The long differential run: values and derivatives against SymPy/mpmath (test_oracle.py) and every
# backend against the others (test_differential.py: interpreter, LLVM JIT, emitted C, StableHLO/XLA,
# to_jax). make test runs a slice of each (600 and 40 examples).
ORACLE_EXAMPLES ?= 10000
oracle: build
	ALKAHEST_ORACLE_EXAMPLES=$(ORACLE_EXAMPLES) ALKAHEST_DIFFERENTIAL_EXAMPLES=$(ORACLE_EXAMPLES) \
	  $(PYENV) $(VPY) -m pytest -q -s -p no:cacheprovider tests/python/test_oracle.py tests/python/test_differential.py
	@$(MAKE) --no-print-directory poly-oracle

# The polynomial layer against SymPy, live (tests/python/test_poly_live_oracle.py): ORACLE_EXAMPLES
# random problems (expand, factor, gcd, cancel/together, apart, resultant, roots, Poly, groebner);
# `make test` runs the same file with 36 and the 680 precomputed cases of `make poly-data`.
poly-oracle: build
	ALKAHEST_POLY_ORACLE_CASES=$(ORACLE_EXAMPLES) \
	  $(PYENV) $(VPY) -m pytest -q -s -p no:cacheprovider tests/python/test_poly_live_oracle.py

# The integration suite (bench/integrate_suite.py): every problem of the textbook corpus in a worker
# process with a per-problem timeout, each answer checked by differentiation; results merged into
# bench/integrate_suite_results.json, whose SymPy and PyPI-alkahest entries are shown side by side.
# INTEGRATE_SUITE_ARGS passes options, e.g. "--systems alkahest,sympy --sample 200 --timeout 20".
INTEGRATE_SUITE_ARGS ?=
integrate-suite: build
	$(PYENV) $(VPY) bench/integrate_suite.py --report build/integrate_suite.md $(INTEGRATE_SUITE_ARGS)

# bench: the PyPI "alkahest" peer runs from its own venv (created on demand; no network: noted, skipped).
# BENCH_EVAL_ARGS passes options to bench_eval.py, e.g. make bench BENCH_EVAL_ARGS=--quick
BENCH_PYPI_VENV := build/bench-pypi-venv
BENCH_EVAL_ARGS ?=

bench: build
	$(PYENV) $(VPY) bench/bench_kernel.py --json build/bench_kernel.json
	$(PYENV) $(VPY) bench/bench_eval.py --json build/bench_eval.json --pypi-venv $(BENCH_PYPI_VENV) $(BENCH_EVAL_ARGS)
	$(VPY) bench/report.py build/bench_eval.json docs/bench_eval.png --kernel build/bench_kernel.json \
	  | tee build/bench_report.md
	$(PYENV) $(VPY) bench/bench_jax.py --json build/bench_jax.json
	$(PYENV) $(VPY) bench/bench_poly.py --json build/bench_poly.json
	$(PYENV) $(VPY) bench/bench_cuda.py --json build/bench_cuda.json

# ---------------------------------------------------------------------------------------------
# Sanitizers: the C++ tests under ASan + UBSan (-O1 keeps them quick, asserts stay on).
# ---------------------------------------------------------------------------------------------
$(ASAN_DIR)/CMakeCache.txt: | deps-apt
	cmake -S . -B $(ASAN_DIR) -G "$$($(CMAKE_GENERATOR_CMD))" \
	  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
	  -DALKAHEST_SANITIZE=ON -DALKAHEST_BUILD_PYTHON=OFF -DALKAHEST_BUILD_TESTS=ON -DALKAHEST_LLVM=ON $(CMAKE_ARGS)

# The Python suite under ASan + UBSan: the extension (and the library in it) built with the
# sanitizers into its own package directory, the pure-Python files copied next to it, and Python
# run with the sanitizer runtimes preloaded. Leak checking is off here: CPython, JAX and PyTorch
# keep allocations until exit by design (make asan checks the C++ library for leaks).
# test_memory.py is left out: ASan holds freed memory in its quarantine, so resident-memory
# measurements say nothing there (make asan's LeakSanitizer covers leaks).
# ASAN_PYTEST_ARGS narrows the run, e.g. make asan-python ASAN_PYTEST_ARGS=tests/python/test_compile.py
ASAN_PYTEST_ARGS ?= tests/python --ignore=tests/python/test_memory.py
$(ASAN_PY_DIR)/CMakeCache.txt: | deps
	cmake -S . -B $(ASAN_PY_DIR) -G "$$($(CMAKE_GENERATOR_CMD))" \
	  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" -DPython_EXECUTABLE=$(VPY) \
	  -DALKAHEST_SANITIZE=ON -DALKAHEST_BUILD_PYTHON=ON -DALKAHEST_BUILD_TESTS=OFF -DALKAHEST_LLVM=ON \
	  -DALKAHEST_PYTHON_OUTPUT_DIR=$(CURDIR)/$(ASAN_PY_DIR)/pkg/alkahest $(CMAKE_ARGS)

asan-python: deps $(ASAN_PY_DIR)/CMakeCache.txt
	mkdir -p $(ASAN_PY_DIR)/pkg/alkahest
	cp python/alkahest/*.py python/alkahest/*.pyi python/alkahest/py.typed $(ASAN_PY_DIR)/pkg/alkahest/
	cmake --build $(ASAN_PY_DIR) -j$(JOBS)
	PYTHONPATH=$(CURDIR)/$(ASAN_PY_DIR)/pkg \
	  LD_PRELOAD="$$(gcc -print-file-name=libasan.so) $$(gcc -print-file-name=libubsan.so)" \
	  ASAN_OPTIONS=detect_leaks=0:halt_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  $(VPY) -m pytest -q -p no:cacheprovider $(ASAN_PYTEST_ARGS)

asan: deps-apt $(ASAN_DIR)/CMakeCache.txt
	cmake --build $(ASAN_DIR) -j$(JOBS)
	cd $(ASAN_DIR) && ASAN_OPTIONS=detect_leaks=1:strict_string_checks=1 \
	  UBSAN_OPTIONS=print_stacktrace=1 ctest --output-on-failure -j$(JOBS)

# The C++ tests under ThreadSanitizer (the Concurrency.* cases, tests/cpp/test_concurrency.cpp and
# test_kernel.cpp, share pools, programs, the JIT cache and the worker pool between threads).
# TSan cannot be combined with ASan: its own tree.
# The JIT tier is in (its cache and kernel slots are ours, instrumented); libLLVM and the kernels it
# emits are not instrumented. Should TSan report inside LLVM, make tsan CMAKE_ARGS=-DALKAHEST_LLVM=OFF
# in a fresh tree builds without it. halt_on_error: the first race fails that test (each gtest case
# is its own ctest process).
$(TSAN_DIR)/CMakeCache.txt: | deps-apt
	cmake -S . -B $(TSAN_DIR) -G "$$($(CMAKE_GENERATOR_CMD))" \
	  -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_FLAGS_DEBUG="-g -O1" \
	  -DALKAHEST_TSAN=ON -DALKAHEST_BUILD_PYTHON=OFF -DALKAHEST_BUILD_TESTS=ON -DALKAHEST_LLVM=ON $(CMAKE_ARGS)

tsan: deps-apt $(TSAN_DIR)/CMakeCache.txt
	cmake --build $(TSAN_DIR) -j$(JOBS)
	cd $(TSAN_DIR) && TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:history_size=4 \
	  ctest --output-on-failure -j$(JOBS)

# ---------------------------------------------------------------------------------------------
# Packaging: `pip install .` into a throwaway venv, then import it from outside the source tree.
# ---------------------------------------------------------------------------------------------
# ---------------------------------------------------------------------------------------------
# Fuzzing: clang + libFuzzer + ASan/UBSan. New corpus entries go to $(FUZZ_DIR)/corpus-<name>; the
# seeds in fuzz/corpus/<name> are read, never written. A crash leaves its input in $(FUZZ_DIR)/
# (crash-<sha1>): turn it into a regression test.
# ---------------------------------------------------------------------------------------------
$(FUZZ_DIR)/CMakeCache.txt: | deps-apt
	CXX=clang++-$(LLVM_MAJOR) cmake -S . -B $(FUZZ_DIR) -G "$$($(CMAKE_GENERATOR_CMD))" \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DALKAHEST_SANITIZE=ON -DALKAHEST_FUZZ=ON \
	  -DALKAHEST_BUILD_PYTHON=OFF -DALKAHEST_BUILD_TESTS=OFF -DALKAHEST_LLVM=OFF

fuzz: deps-apt $(FUZZ_DIR)/CMakeCache.txt
	cmake --build $(FUZZ_DIR) -j$(JOBS)
	@for f in $(FUZZ_DIR)/*_fuzzer; do \
	  name=$$(basename $$f _fuzzer); mkdir -p $(FUZZ_DIR)/corpus-$$name; \
	  echo "fuzz: $$name for $(FUZZ_SECONDS) s"; \
	  $$f -max_total_time=$(FUZZ_SECONDS) $(if $(FUZZ_SEED),-seed=$(FUZZ_SEED)) -timeout=10 -rss_limit_mb=4096 -print_final_stats=1 \
	    -artifact_prefix=$(FUZZ_DIR)/ $(FUZZ_DIR)/corpus-$$name fuzz/corpus/$$name || exit 1; \
	done

# The documentation site (mkdocs + Material; API reference from docstrings and stubs) into
# build/site; strict: a warning (broken link, unknown reference) fails the build.
docs: deps-venv
	NO_MKDOCS_2_WARNING=1 $(PYENV) $(VPY) -m mkdocs build --strict

# mypy over the package, the extension's stubs included (test_kernel_api checks the stubs name
# exactly what the extension has).
typecheck: deps-venv
	$(VPY) -m mypy --ignore-missing-imports python/alkahest

# SymPy's answers to random polynomial problems, committed as tests/data/poly_oracle.json so that
# make test checks the polynomial layer against SymPy without running it (test_poly_oracle.py).
poly-data: deps-venv
	$(VPY) tests/python/make_poly_data.py --out tests/data/poly_oracle.json

# simplify against SymPy's simplify on tests/corpus/simplify (size, equality, time; docs/simplify.md);
# rewrites the SymPy answers that tests/python/test_simplify_corpus.py reads.
simplify-suite: build
	$(PYENV) $(VPY) tests/corpus/simplify/suite.py

# The C++ library as a user gets it: installed (cmake --install), then found by find_package from
# a separate project (examples/cpp), built and run.
cpp-example: build
	rm -rf build/install build/example
	cmake --install $(BUILD_DIR) --prefix $(CURDIR)/build/install
	cmake -S examples/cpp -B build/example -G "$$($(CMAKE_GENERATOR_CMD))" -DCMAKE_PREFIX_PATH=$(CURDIR)/build/install
	cmake --build build/example -j$(JOBS)
	build/example/alkahest_example

# The portable wheel: static LLVM components and libstdc++, the other shared libraries bundled by
# auditwheel with their licence texts, a manylinux tag no newer than 2_36, <= 40 MB; and the sdist.
wheel: deps
	$(VPY) packaging/build_wheel.py

# Installs that wheel into a fresh venv and runs the tour with the system's LLVM, SLEEF, GMP, FLINT
# (and the -dev headers) hidden in a private mount namespace (root only).
test-wheel: deps
	PYTHON=$(PYTHON) packaging/test_wheel.sh

test-install: deps-apt
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	echo "test-install: fresh venv in $$tmp"; \
	$(PYTHON) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/python" -m pip install -q --progress-bar off .; \
	cd "$$tmp" && env -u PYTHONPATH "$$tmp/venv/bin/python" -c \
	  "import alkahest; p=alkahest.ExprPool(); x=p.symbol('x'); print(alkahest.sin(x)**2); \
	   f=alkahest.compile_expr(alkahest.sin(x)**2, [x], backend='llvm'); print(f, alkahest.numpy_eval(f, [0.0, 1.0]))" && \
	cd "$$tmp" && PATH="$$tmp/venv/bin:$$PATH" && \
	  test "$$(env -u PYTHONPATH alkahest eval 'x*y+1' --vars x,y --at 1,2)" = "3.0" && \
	  env -u PYTHONPATH alkahest diff 'sin(x)**2' x && \
	  env -u PYTHONPATH alkahest emit-c 'sin(x)*exp(-x)' --vars x --name damped_sin > "$$tmp/k.c" && \
	  cc -std=c99 -Wall -Werror -c "$$tmp/k.c" -o "$$tmp/k.o" && echo "test-install: the alkahest command works"

# ---------------------------------------------------------------------------------------------
clean:
	rm -rf build python/alkahest/_core*.so

distclean: clean
	rm -rf $(VENV)

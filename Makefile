# Every target works on a fresh machine with Python 3.10+: it makes .venv and installs into it.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# A plain path entry, not setuptools' import hook: the hook costs every Python start ~13 ms.
EDITABLE := --config-settings editable_mode=compat -e
RUN_STAMP := $(VENV)/.installed-run
TEST_STAMP := $(VENV)/.installed-test
PYTEST_ARGS ?=
LATEST_VENV := .venv-zig-latest
LATEST_ZIG := 0.17.1
LATEST_STAMP := $(LATEST_VENV)/.installed-zig-$(LATEST_ZIG)
# Every minor release on the package index from 0.11 on, each in its own environment (inside
# .venv, so git ignores them and make clean removes them).
RELEASES_DIR := $(VENV)/zig
ZIG_RELEASES := 0.11.0 0.12.1 0.13.0 0.14.1 0.15.2 0.16.0 0.17.1
RELEASE_STAMPS := $(foreach v,$(ZIG_RELEASES),$(RELEASES_DIR)/$(v)/.installed)
# make test proves --zig on the releases whose rules differ from 0.11.0's; prove-all on all.
TEST_RELEASES := 0.14.1 0.17.1
TEST_RELEASE_STAMPS := $(foreach v,$(TEST_RELEASES),$(RELEASES_DIR)/$(v)/.installed)

.DEFAULT_GOAL := help
.PHONY: help run test lint unit prove-all fuzz fuzz-zig golden zig-latest zig-releases bench clean
N ?= 500
RUNS ?= 9
SEED ?= 1

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-11s %s\n", $$1, $$2}'

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet 'pip>=22.1'

# The install also compiles aoc23/zigstd/_fill.c and aoc23/_bitboard.c (optional: without a C
# compiler the fill and the rules run in Python), so a change to either reinstalls too.
NATIVE := aoc23/zigstd/_fill.c aoc23/_bitboard.c

$(RUN_STAMP): pyproject.toml $(NATIVE) | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(EDITABLE) .
	touch $@

$(TEST_STAMP): pyproject.toml $(NATIVE) | $(BIN)/python
	$(BIN)/python -m pip install --quiet $(EDITABLE) '.[test]'
	touch $@ $(RUN_STAMP)

run: $(RUN_STAMP) ## Run the blog's program on the bundled input: its memuse lines, round by round
	$(BIN)/aoc23 solve inputs/blog-70x70.txt --strategy naive --rounds 10

test: lint unit ## Lint, type-check and run every test (real-Zig comparisons included)

lint: $(TEST_STAMP) ## ruff and mypy --strict on the package; warnings of the C code are errors
	$(BIN)/ruff check aoc23 tests bench
	$(BIN)/ruff format --check aoc23 tests bench
	$(BIN)/mypy aoc23
	@if command -v cc >/dev/null; then \
		echo "cc -fsyntax-only -Wall -Wextra -Wpedantic -Werror $(NATIVE)"; \
		cc -fsyntax-only -std=c11 -Wall -Wextra -Wpedantic -Werror \
			-I"$$($(BIN)/python -c 'import sysconfig; print(sysconfig.get_path("include"))')" $(NATIVE); \
	fi

unit: $(TEST_STAMP) $(TEST_RELEASE_STAMPS) ## The pytest suite (--zig proven on 0.14.1 and 0.17.1 too)
	AOC23_ZIG_RELEASES="$(TEST_RELEASES)" $(BIN)/pytest $(PYTEST_ARGS)

prove-all: $(TEST_STAMP) $(RELEASE_STAMPS) ## The real-Zig suite of --zig on every release 0.11.0-0.17.1
	AOC23_ZIG_RELEASES="$(ZIG_RELEASES)" $(BIN)/pytest -q tests/test_releases.py

fuzz: $(TEST_STAMP) ## The hypothesis suites with 3000 examples each instead of 100
	HYPOTHESIS_PROFILE=fuzz $(BIN)/pytest -q tests/test_models.py tests/test_inputs.py tests/test_fill.py --hypothesis-show-statistics

fuzz-zig: $(TEST_STAMP) ## N random cases (N=500) against real Zig; prints the mismatch count
	$(BIN)/python bench/fuzz_zig.py $(N) $(SEED)

bench: $(TEST_STAMP) ## Time part 2 against real Zig, plain Python and a C floor; rewrite the README's performance section
	$(BIN)/python bench/bench.py --runs $(RUNS) --readme

golden: $(TEST_STAMP) ## Rewrite tests/golden/ (the trace views, the figure, the report's screenshot)
	$(BIN)/python tests/regenerate_golden.py
	@if command -v chromium >/dev/null; then \
		AOC23_SCREENSHOTS=tests/golden $(BIN)/pytest -q tests/test_report.py -k part_2; \
	else echo "no chromium: tests/golden/report-part-2.png not retaken"; fi

$(LATEST_STAMP):
	$(PYTHON) -m venv $(LATEST_VENV)
	$(LATEST_VENV)/bin/python -m pip install --quiet 'ziglang==$(LATEST_ZIG)'
	touch $@

zig-latest: $(TEST_STAMP) $(LATEST_STAMP) ## The reference on Zig 0.11.0 and on the newest ziglang (0.17.1): which figures change
	$(BIN)/python bench/zig_latest.py --latest-python $(LATEST_VENV)/bin/python

$(RELEASES_DIR)/%/.installed:
	$(PYTHON) -m venv $(RELEASES_DIR)/$*
	$(RELEASES_DIR)/$*/bin/python -m pip install --quiet 'ziglang==$*'
	touch $@

zig-releases: $(TEST_STAMP) $(RELEASE_STAMPS) ## Every Zig release 0.11.0-0.17.1 against 0.11.0, measured; rewrites bench/releases.json
	$(BIN)/python bench/zig_releases.py --venvs $(RELEASES_DIR) --epochs --json bench/releases.json

clean: ## Remove the virtual environment, the caches and the compiled fill and rules
	rm -rf $(VENV) $(LATEST_VENV) .pytest_cache .mypy_cache .ruff_cache .hypothesis zig/.cache zig/out
	rm -rf build aoc23/zigstd/_fill.*.so aoc23/_bitboard.*.so

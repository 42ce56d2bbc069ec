# Orderflow: `make run` starts the local stack; `make test` runs lint, the unit tests, then
# the real-stack suite, so a broken rule fails in the first minute.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
# The Dapr runtime line (docs/runtimes.md): 1.14 (the default) or 1.18. Each line has its own
# runtime lock and venv; devstack reads ORDERFLOW_DAPR to pick its binaries. `make test`
# without DAPR= tests every line in turn (what CI runs); with DAPR= only that one.
ifeq ($(origin DAPR),undefined)
TEST_LINES := 1.14 1.18
else
TEST_LINES := $(DAPR)
endif
DAPR ?= 1.14
ifeq ($(DAPR),1.14)
VENV := .venv
LOCK := requirements.lock
else
VENV := .venv-$(DAPR)
LOCK := requirements-$(DAPR).lock
endif
ifeq ($(wildcard $(LOCK)),)
$(error DAPR=$(DAPR): no $(LOCK); the runtime lines are 1.14 and 1.18)
endif
export ORDERFLOW_DAPR := $(DAPR)
PY := $(VENV)/bin/python
PROFILE ?= local
REPLICAS ?= 1
PYTEST_ARGS ?=
MODE ?= quick

.PHONY: help venv bench-venv runtime image browser run token lint format test test-line test-unit test-integration bench bench-full clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

$(VENV)/.installed: $(LOCK) requirements-dev.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else "Python 3.11 is required (found %d.%d); set PYTHON=/path/to/python3.11" % sys.version_info[:2])'
	@echo "==> creating $(VENV) for Dapr $(DAPR) and installing pinned packages ($(LOCK), requirements-dev.lock)"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@$(PY) -m pip install --quiet --disable-pip-version-check -r $(LOCK) -r requirements-dev.lock
	@# The project itself, editable and without dependencies: puts `orderflow` in $(VENV)/bin.
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $@

venv: $(VENV)/.installed ## create the virtual environment with the pinned packages

# Bench-only packages (charts, progress bars, profiler): `make test` and CI never need them.
$(VENV)/.bench-installed: $(VENV)/.installed requirements-bench.lock
	@echo "==> installing the benchmark packages (requirements-bench.lock)"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-bench.lock
	@touch $@

bench-venv: $(VENV)/.bench-installed

runtime: venv ## build daprd, placement, scheduler, sentry of DAPR's line (cached; ~10 min cold)
	@$(PY) -m devstack.build

# BASE= builds on another base image (e.g. docker.io/library/python:3.11-slim-bookworm);
# by default the base is made here by debootstrap, as no container registry is reachable.
image: venv ## build the orderflow and payment-service images with podman (cached)
	@$(PY) -m devstack.image $(if $(BASE),--base $(BASE))

browser: venv ## install Debian's chromium for the dashboard's browser tests (as root; a no-op when there)
	@$(PY) -m devstack.browser

run: venv ## start the stack on PROFILE (default local), REPLICAS apps behind HAProxy (full); Ctrl-C stops all
	@$(PY) -m devstack run --profile $(PROFILE) --replicas $(REPLICAS)

token: venv ## print a token for the running stack's /api/v1 (SCOPES="orders:read ..."; default every scope)
	@$(PY) -m devstack token --profile $(PROFILE) $(foreach scope,$(SCOPES),--scope $(scope))

lint: venv ## ruff (lint and format check) and mypy --strict
	@echo "==> ruff"
	@$(VENV)/bin/ruff check .
	@$(VENV)/bin/ruff format --check .
	@echo "==> mypy"
	@$(VENV)/bin/mypy

format: venv ## apply ruff's fixes and formatting
	@$(VENV)/bin/ruff check --fix .
	@$(VENV)/bin/ruff format .

test: ## on Dapr 1.14, then 1.18 (DAPR= for one line): lint, unit tests, then the real-stack suite
	@for line in $(TEST_LINES); do \
		echo "==> Dapr $$line: lint, unit tests, real-stack suite"; \
		$(MAKE) --no-print-directory test-line DAPR=$$line || exit 1; \
	done

# Three steps, each stopping the run when it fails (pytest's exit 5, no tests collected,
# fails too). PYTEST_ARGS goes to the real-stack step; the unit step always runs whole.
test-line: venv
	@echo "==> [1/3] lint"
	@$(MAKE) --no-print-directory lint
	@echo "==> [2/3] unit tests: tests/unit, no sidecar"
	@$(MAKE) --no-print-directory test-unit PYTEST_ARGS=
	@$(MAKE) --no-print-directory runtime
	@$(MAKE) --no-print-directory browser
	@echo "==> [3/3] real-stack tests: everything outside tests/unit"
	@$(PY) -m pytest --ignore=tests/unit $(PYTEST_ARGS)

test-unit: venv ## unit tests only (no sidecar; under 30 s)
	@$(PY) -m pytest tests/unit $(PYTEST_ARGS)

test-integration: venv runtime browser ## the real-stack tests only (everything outside tests/unit)
	@$(PY) -m pytest --ignore=tests/unit $(PYTEST_ARGS)

# Another line's run goes to bench/results/dapr-<line>/; bench.runtimes then puts both lines
# side by side in BENCHMARKS.md (when both have been measured).
BENCH_OUT := $(if $(filter 1.14,$(DAPR)),,--results bench/results/dapr-$(DAPR) --markdown bench/results/dapr-$(DAPR)/BENCHMARKS.md --charts bench/results/dapr-$(DAPR)/charts)

bench: bench-venv runtime ## benchmarks against bare-SDK baselines (MODE=quick, about 4 min; MODE=full)
	@$(PY) -m bench --mode $(MODE) $(BENCH_OUT) $(BENCH_ARGS)
	@$(PY) -m bench.runtimes

bench-full: ## the full benchmark run (about 10 min)
	@$(MAKE) --no-print-directory bench MODE=full

clean: ## remove the stack's data and logs (not the Dapr binary cache)
	rm -rf .data .pytest_cache .mypy_cache .ruff_cache .hypothesis

# Encore: `make run` starts the product, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
ROOT := $(abspath $(dir $(firstword $(MAKEFILE_LIST))))
PYTHON ?= python3
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
BACKEND_PORT ?= 8000
FRONTEND_PORT ?= 3000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
APT_INSTALL = $(SUDO) apt-get update -qq && $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends
PYTEST_WORKERS ?= 2
export BACKEND_PORT FRONTEND_PORT

.PHONY: run backend test test-backend deps system-deps test-system-deps python-deps openapi clean-data help

help:
	@echo "make run      install what is missing, start API + frontend"
	@echo "make backend  install what is missing, start only the API"
	@echo "make test     install what is missing, run every test"
	@echo "make bench    run the benchmarks and write docs/benchmarks.md"
	@echo "make fuzz     fuzz the URL check and ffprobe readers with atheris (FUZZ_SECONDS each)"

-include $(ROOT)/mk/*.mk

system-deps:
	@command -v ffmpeg >/dev/null && command -v ffprobe >/dev/null || { echo "Installing ffmpeg..."; $(APT_INSTALL) ffmpeg; }

test-system-deps: system-deps
	@missing=""; \
	command -v chromium >/dev/null || missing="$$missing chromium"; \
	command -v sox >/dev/null || missing="$$missing sox"; \
	command -v espeak-ng >/dev/null || missing="$$missing espeak-ng"; \
	command -v fluidsynth >/dev/null || missing="$$missing fluidsynth"; \
	[ -f /usr/share/sounds/sf2/FluidR3_GM.sf2 ] || missing="$$missing fluid-soundfont-gm"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then echo "Installing$$missing..."; $(APT_INSTALL) $$missing; fi

$(VENV)/.installed: backend/requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install -q --disable-pip-version-check --require-hashes -r backend/requirements.lock
	@touch $@

python-deps: $(VENV)/.installed

deps: system-deps python-deps

backend: deps
	@echo "Encore API: http://127.0.0.1:$(BACKEND_PORT)/docs"
	cd backend && $(PY) -m mv

run: deps frontend-deps
	@echo ""; echo "  Encore is starting: open http://127.0.0.1:$(FRONTEND_PORT)/create"; echo ""
	@trap 'kill 0' INT TERM EXIT; \
	(cd backend && $(PY) -m mv) & \
	$(MAKE) --no-print-directory frontend-dev & \
	wait

test-backend: deps test-system-deps
	cd $(ROOT) && $(PY) -m pytest -q -n $(PYTEST_WORKERS) tests/backend

test: deps test-system-deps frontend-deps
	cd $(ROOT) && $(PY) -m pytest -q -n $(PYTEST_WORKERS) tests/backend
	$(MAKE) --no-print-directory frontend-test-unit
	$(MAKE) --no-print-directory frontend-test-e2e

openapi: python-deps
	cd backend && $(PY) -m mv.openapi > $(ROOT)/frontend/openapi.json

clean-data:
	rm -rf backend/mv/data backend/mv/outputs/*/

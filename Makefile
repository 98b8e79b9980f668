# Encore: `make run` starts the product, `make test` runs every test. Both install what is missing.
SHELL := /bin/bash
ROOT := $(abspath $(dir $(firstword $(MAKEFILE_LIST))))
PYTHON ?= python3
VENV := $(ROOT)/.venv
PY := $(VENV)/bin/python
# Ports: the environment first, then .env (as the API reads it), then the defaults; what is printed is what runs.
dotenv = $(shell sed -n 's/^[[:space:]]*$(1)[[:space:]]*=[[:space:]]*["'"'"']\{0,1\}\([0-9]*\).*/\1/p' $(ROOT)/.env 2>/dev/null | tail -n 1)
BACKEND_PORT ?= $(or $(call dotenv,BACKEND_PORT),8000)
FRONTEND_PORT ?= $(or $(call dotenv,FRONTEND_PORT),3000)
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
# Wait for another apt or dpkg run (unattended upgrades, a second make) instead of failing on its lock.
APT_GET = $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600
APT_INSTALL = $(APT_GET) update -qq && $(APT_GET) install -y -qq --no-install-recommends
PYTEST_WORKERS ?= 2
export BACKEND_PORT FRONTEND_PORT

.PHONY: run dev backend worker test test-backend deps test-deps system-deps test-system-deps python-deps python-test-deps \
        screenshots openapi clean-data help

help:
	@echo "make run      install what is missing, start the API and the web app (production build)"
	@echo "make dev      the same with the web app's dev server (hot reload)"
	@echo "make backend  install what is missing, start only the API"
	@echo "make worker   run queued jobs (needs MV_DATABASE_URL=postgresql://...; start one or more beside the API)"
	@echo "make test     install what is missing, run every test"
	@echo "make screenshots  refresh docs/screenshots/*.png from the browser tests"
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
	ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$$missing postgresql"; \
	[ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] || missing="$$missing fonts-dejavu-core"; \
	if [ -n "$$missing" ]; then echo "Installing$$missing..."; $(APT_INSTALL) $$missing; fi

PIP_INSTALL = $(VENV)/bin/pip install -q --disable-pip-version-check --require-hashes

# Runtime packages only (what `make run` and the API's image need).
$(VENV)/.installed: backend/requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PIP_INSTALL) -r backend/requirements.lock
	@touch $@

# Test tools, pinned against the runtime lock; both files install together.
$(VENV)/.test-installed: backend/requirements.lock backend/requirements-test.lock $(VENV)/.installed
	$(PIP_INSTALL) -r backend/requirements.lock -r backend/requirements-test.lock
	@touch $@

# The `encore` command (and `mv`) installed into the venv in place, so `.venv/bin/encore` runs this checkout.
$(VENV)/.cli-installed: backend/pyproject.toml $(VENV)/.installed
	$(VENV)/bin/pip install -q --disable-pip-version-check --no-deps -e $(ROOT)/backend
	@touch $@

python-deps: $(VENV)/.installed $(VENV)/.cli-installed
python-test-deps: $(VENV)/.test-installed

deps: system-deps python-deps
test-deps: deps python-test-deps test-system-deps

backend: deps
	@echo "Encore API: http://127.0.0.1:$(BACKEND_PORT) (docs at http://127.0.0.1:$(BACKEND_PORT)/docs)"
	@cd backend && exec $(PY) -m mv

worker: deps
	@cd backend && exec $(PY) -m mv worker

# Start the API and the web app side by side. On Ctrl-C the API stops by itself and the web app is sent
# TERM (a background job ignores INT); one held open by a browser's event stream is stopped after a grace
# period, the web app first, so the API sees its streams close and shuts down cleanly. TERM is passed on;
# when either ends, the other is stopped.
# Both share MV_PROXY_TOKEN (a fresh one per run unless set), which the API needs to trust the web app's proxy.
define serve_with_api
	@echo ""; echo "  Encore is starting: open http://127.0.0.1:$(FRONTEND_PORT)/create"; \
	echo "  API: http://127.0.0.1:$(BACKEND_PORT) (docs at http://127.0.0.1:$(BACKEND_PORT)/docs)"; echo ""
	@export MV_PROXY_TOKEN=$${MV_PROXY_TOKEN:-$$($(PY) -c 'import secrets; print(secrets.token_hex(16))')}; \
	settle() { for _ in $$(seq $$(( $$2 * 10 ))); do kill -0 $$1 2>/dev/null || return 0; sleep 0.1; done; kill -KILL $$1 2>/dev/null; }; \
	finish() { settle $$web 3; settle $$api 15; wait; } 2>/dev/null; \
	trap 'kill -TERM $$web 2>/dev/null; finish; exit 0' INT; \
	trap 'kill -TERM $$web $$api 2>/dev/null; finish; exit 0' TERM; \
	(cd backend && exec $(PY) -m mv) & api=$$!; \
	(cd $(FRONTEND_DIR) && exec $(1)) & web=$$!; \
	wait -n $$api $$web; status=$$?; \
	kill -TERM $$web $$api 2>/dev/null; finish; \
	case $$status in 0|130|143) exit 0;; *) exit $$status;; esac
endef

run: deps frontend-build
	$(call serve_with_api,$(FRONTEND_START))

dev: deps frontend-deps
	$(call serve_with_api,$(FRONTEND_DEV))

test-backend: test-deps
	cd $(ROOT) && $(PY) -m pytest -q -n $(PYTEST_WORKERS) tests/backend

test: test-deps frontend-deps
	cd $(ROOT) && $(PY) -m pytest -q -n $(PYTEST_WORKERS) tests/backend
	$(MAKE) --no-print-directory frontend-test-unit
	$(MAKE) --no-print-directory frontend-test-e2e

# The README's screenshots: the browser tests write them to docs/screenshots instead of their ignored folder.
screenshots: test-deps frontend-deps
	$(MAKE) --no-print-directory frontend-test-e2e E2E_SCREENSHOTS_DIR=$(ROOT)/docs/screenshots

openapi: python-deps
	cd backend && $(PY) -m mv.openapi > $(ROOT)/frontend/openapi.json

clean-data:
	rm -rf backend/mv/data backend/mv/outputs/*/

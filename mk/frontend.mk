# Frontend targets (Next.js app in frontend/). The top-level Makefile defines ROOT, VENV,
# BACKEND_PORT and FRONTEND_PORT and includes this file.

FRONTEND_DIR  := $(ROOT)/frontend
FRONTEND_HOST ?= 127.0.0.1
NPM           ?= npm
FRONTEND_LOCK := $(FRONTEND_DIR)/node_modules/.package-lock.json
FRONTEND_BUILD_ID := $(FRONTEND_DIR)/.next/BUILD_ID
# Everything the production build is made from: a newer file than the last build means build again.
FRONTEND_BUILD_INPUTS := src public package-lock.json next.config.ts postcss.config.mjs tsconfig.json
FRONTEND_ENV := env NEXT_TELEMETRY_DISABLED=1 BACKEND_URL=$${BACKEND_URL:-http://127.0.0.1:$(BACKEND_PORT)}
# The two ways to serve the web app, run from FRONTEND_DIR (`make run` and `make dev` start them beside the
# API): server.mjs is Next.js behind a layer that forwards only the real client address.
FRONTEND_START = $(FRONTEND_ENV) node server.mjs -p $(FRONTEND_PORT) -H $(FRONTEND_HOST)
FRONTEND_DEV = $(FRONTEND_ENV) node server.mjs --dev -p $(FRONTEND_PORT) -H $(FRONTEND_HOST)
# A server stopped by Ctrl-C (130) or TERM (143) ends its target quietly; any other exit is an error.
STOPPED_QUIETLY := || { code=$$?; [ $$code -eq 130 ] || [ $$code -eq 143 ] || exit $$code; }

.PHONY: frontend-deps frontend-dev frontend-build frontend-rebuild frontend-start frontend-gen-api frontend-typecheck \
        frontend-test-unit frontend-test-e2e frontend-test

# npm ci only when node_modules is missing or older than the lockfile.
$(FRONTEND_LOCK): $(FRONTEND_DIR)/package-lock.json
	cd $(FRONTEND_DIR) && $(NPM) ci --no-audit --no-fund
	@touch $@

frontend-deps: $(FRONTEND_LOCK)

# Development server with hot reload (make dev).
frontend-dev: frontend-deps
	@cd $(FRONTEND_DIR) && $(FRONTEND_DEV) $(STOPPED_QUIETLY)

# Production build, only when a source is newer than the last build (or there is none).
frontend-build: frontend-deps
	@cd $(FRONTEND_DIR) && if [ ! -f $(FRONTEND_BUILD_ID) ] || \
		[ -n "$$(find $(FRONTEND_BUILD_INPUTS) -newer $(FRONTEND_BUILD_ID) -print -quit 2>/dev/null)" ]; then \
		echo "Building the web app (its sources changed)..."; \
		NEXT_TELEMETRY_DISABLED=1 ./node_modules/.bin/next build; \
	fi

frontend-rebuild: frontend-deps
	cd $(FRONTEND_DIR) && NEXT_TELEMETRY_DISABLED=1 ./node_modules/.bin/next build

# Production server (make run): no dev overlay, no per-request log lines.
frontend-start: frontend-build
	@cd $(FRONTEND_DIR) && $(FRONTEND_START) $(STOPPED_QUIETLY)

# Regenerate src/lib/api/schema.d.ts from frontend/openapi.json (written by the backend).
frontend-gen-api: frontend-deps
	cd $(FRONTEND_DIR) && $(NPM) run --silent gen:api

frontend-typecheck: frontend-deps
	cd $(FRONTEND_DIR) && ./node_modules/.bin/tsc --noEmit

frontend-test-unit: frontend-deps
	cd $(FRONTEND_DIR) && ./node_modules/.bin/vitest run

# Browser tests: starts the real backend (offline provider) and the built app on free loopback ports.
frontend-test-e2e: frontend-deps
	@command -v chromium >/dev/null 2>&1 || test -x "$${CHROMIUM_PATH:-/usr/bin/chromium}" || \
		{ echo "frontend-test-e2e needs Chromium (apt-get install chromium)"; exit 1; }
	cd $(FRONTEND_DIR) && E2E_PYTHON=$(VENV)/bin/python NEXT_TELEMETRY_DISABLED=1 \
		$(if $(E2E_SCREENSHOTS_DIR),E2E_SCREENSHOTS_DIR=$(E2E_SCREENSHOTS_DIR)) $(NPM) run --silent test:e2e

frontend-test: frontend-typecheck frontend-test-unit frontend-test-e2e

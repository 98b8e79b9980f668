# Frontend targets (Next.js app in frontend/). The top-level Makefile defines ROOT, VENV,
# BACKEND_PORT and FRONTEND_PORT and includes this file.

FRONTEND_DIR  := $(ROOT)/frontend
FRONTEND_HOST ?= 127.0.0.1
NPM           ?= npm
FRONTEND_LOCK := $(FRONTEND_DIR)/node_modules/.package-lock.json

.PHONY: frontend-deps frontend-dev frontend-build frontend-start frontend-gen-api frontend-typecheck \
        frontend-test-unit frontend-test-e2e frontend-test

# npm ci only when node_modules is missing or older than the lockfile.
$(FRONTEND_LOCK): $(FRONTEND_DIR)/package-lock.json
	cd $(FRONTEND_DIR) && $(NPM) ci --no-audit --no-fund
	@touch $@

frontend-deps: $(FRONTEND_LOCK)

# The app is served by server.mjs (Next.js behind a layer that forwards only the real client address).
frontend-dev: frontend-deps
	cd $(FRONTEND_DIR) && NEXT_TELEMETRY_DISABLED=1 \
		BACKEND_URL=$${BACKEND_URL:-http://127.0.0.1:$(BACKEND_PORT)} \
		node server.mjs --dev -p $(FRONTEND_PORT) -H $(FRONTEND_HOST)

frontend-build: frontend-deps
	cd $(FRONTEND_DIR) && NEXT_TELEMETRY_DISABLED=1 ./node_modules/.bin/next build

frontend-start: frontend-build
	cd $(FRONTEND_DIR) && NEXT_TELEMETRY_DISABLED=1 \
		BACKEND_URL=$${BACKEND_URL:-http://127.0.0.1:$(BACKEND_PORT)} \
		node server.mjs -p $(FRONTEND_PORT) -H $(FRONTEND_HOST)

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
	cd $(FRONTEND_DIR) && E2E_PYTHON=$(VENV)/bin/python NEXT_TELEMETRY_DISABLED=1 $(NPM) run --silent test:e2e

frontend-test: frontend-typecheck frontend-test-unit frontend-test-e2e

# Fuzzing: `make fuzz` runs atheris over each target for FUZZ_SECONDS (make test runs them for 10 s each).
FUZZ_SECONDS ?= 300

.PHONY: fuzz
fuzz: test-deps
	cd $(ROOT) && ENCORE_FUZZ_SECONDS=$(FUZZ_SECONDS) $(PY) -m pytest -q -p no:xdist tests/backend/core/test_fuzz_atheris.py

# Benchmarks: `make bench` measures Encore side by side with its baselines and writes docs/benchmarks.md.
BENCH_STAMP := $(VENV)/.bench-installed

$(BENCH_STAMP): $(ROOT)/bench/requirements.txt $(VENV)/.installed
	$(VENV)/bin/pip install -q --disable-pip-version-check -r $(ROOT)/bench/requirements.txt
	@touch $@

.PHONY: bench
bench: test-deps $(BENCH_STAMP)
	cd $(ROOT) && $(PY) bench/run.py

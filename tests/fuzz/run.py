"""Coverage-guided fuzzing of one target with atheris (libFuzzer).

Usage: .venv/bin/python tests/fuzz/run.py url|probe CORPUS_DIR [libFuzzer flags, e.g. -max_total_time=60]
A crash is written as crash-<sha1> under -artifact_prefix; add it to tests/fuzz/regressions/<target>/.
"""

from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports(include=["mv", "fuzz_targets"]):
    import fuzz_targets


def main() -> None:
    """Fuzz the named target until libFuzzer's limits stop it."""
    name = sys.argv.pop(1)
    atheris.Setup(sys.argv, fuzz_targets.TARGETS[name])
    atheris.Fuzz()


if __name__ == "__main__":
    main()

"""Coverage-guided fuzzing (atheris) of the URL check and the ffprobe-JSON readers, and every crash it ever found."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
FUZZ = ROOT / "tests" / "fuzz"
sys.path.insert(0, str(FUZZ))

import fuzz_targets  # noqa: E402

SECONDS = int(os.environ.get("ENCORE_FUZZ_SECONDS", "10"))
SAVED = sorted(p for p in (FUZZ / "regressions").glob("*/*") if p.is_file())


@pytest.mark.parametrize("crash", SAVED, ids=[f"{p.parent.name}/{p.name}" for p in SAVED])
def test_saved_fuzz_crashes_stay_fixed(crash: Path) -> None:
    fuzz_targets.TARGETS[crash.parent.name](crash.read_bytes())


def _seeds(target: str, corpus: Path, media) -> None:
    if target == "url":
        for i, seed in enumerate(["https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ",
                                  "http://127.0.0.1:8080/song.mp3", "https://songs.example/a.mp3?x=1"]):
            (corpus / f"seed{i}").write_text(seed)
        return
    for name, path in (("clip", media.video(1.0, size="320x240", audio=True)), ("song", media.tone(1.0))):
        out = subprocess.run(["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams", str(path)],
                             capture_output=True, check=True).stdout
        (corpus / f"{name}.json").write_bytes(out)


@pytest.mark.parametrize("target", sorted(fuzz_targets.TARGETS))
def test_atheris_finds_no_crash(target: str, tmp_path: Path, media) -> None:
    corpus, artifacts = tmp_path / "corpus", tmp_path / "artifacts"
    corpus.mkdir()
    artifacts.mkdir()
    _seeds(target, corpus, media)
    run = subprocess.run(
        [sys.executable, str(FUZZ / "run.py"), target, str(corpus), f"-max_total_time={SECONDS}", "-timeout=10",
         f"-artifact_prefix={artifacts}/", "-print_final_stats=1"],
        capture_output=True, text=True, cwd=ROOT, timeout=SECONDS + 120,
    )
    crashes = sorted(artifacts.iterdir())
    assert run.returncode == 0 and not crashes, (
        f"atheris found a crash in {target}; save it under tests/fuzz/regressions/{target}/:\n"
        + "\n".join(f"{c.name}: {c.read_bytes()[:300]!r}" for c in crashes) + "\n" + run.stderr[-3000:]
    )
    assert "stat::number_of_executed_units" in run.stderr

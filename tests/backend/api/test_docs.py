"""The guarantees in docs/security.md and docs/reliability.md name tests that exist."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
TESTS = ROOT / "tests" / "backend"


@pytest.mark.parametrize("doc", ["security.md", "reliability.md"])
def test_every_named_test_exists(doc: str) -> None:
    text = (ROOT / "docs" / doc).read_text()
    named = re.findall(r"`([a-z_/]+\.py)(?:::([a-z0-9_]+))?`", text)
    assert named
    for path, name in named:
        source = TESTS / path
        assert source.is_file(), f"{doc} names {path}, which does not exist"
        if name:
            assert re.search(rf"def {name}\(", source.read_text()), f"{doc} names {path}::{name}, which does not exist"

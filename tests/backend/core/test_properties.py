"""Property tests: id parsing and media key building never let a path through."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mv.core.ids import parse_id
from mv.core.storage import s3_key_for, validate_key


@given(st.text(max_size=80))
def test_parse_id_accepts_only_uuids(text: str) -> None:
    try:
        parsed = parse_id(text)
    except ValueError:
        return
    assert uuid.UUID(parsed) and "/" not in parsed and ".." not in parsed and len(parsed) == 36


@given(st.uuids())
def test_parse_id_roundtrips_canonical_text(value: uuid.UUID) -> None:
    assert parse_id(str(value).upper()) == str(value)


@settings(max_examples=300)
@given(st.text(max_size=120))
def test_media_keys_never_escape(text: str) -> None:
    try:
        key = validate_key(text)
    except ValueError:
        return
    assert ".." not in key and not key.startswith("/") and "\\x00" not in key
    assert s3_key_for(key).startswith("mv/")


@given(st.sampled_from(["audio", "character_reference"]), st.uuids(), st.sampled_from(["mp3", "png", "wav"]))
def test_server_built_keys_are_accepted(folder: str, value: uuid.UUID, ext: str) -> None:
    key = f"{folder}/{value}.{ext}"
    assert validate_key(key) == key
    assert s3_key_for(key) == f"mv/outputs/{key}"


@pytest.mark.parametrize("bad", ["../../etc/passwd", "%2e%2e", "00000000-0000-0000-0000-00000000000g", ""])
def test_known_bad_ids(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_id(bad)

"""The committed OpenAPI schema (the frontend client's source) matches the live app."""

from __future__ import annotations

from pathlib import Path

from mv.openapi import schema_text

ROOT = Path(__file__).resolve().parents[3]


def test_frontend_schema_is_current() -> None:
    committed = (ROOT / "frontend" / "openapi.json").read_text()
    assert committed == schema_text(), "frontend/openapi.json is stale: run `make openapi` then `npm run gen:api` in frontend/"


def test_every_operation_has_a_summary_and_stable_id() -> None:
    import json

    schema = json.loads(schema_text())
    ids = []
    for path, methods in schema["paths"].items():
        for method, op in methods.items():
            assert op.get("summary"), f"{method.upper()} {path} has no summary"
            ids.append(op["operationId"])
    assert len(ids) == len(set(ids))

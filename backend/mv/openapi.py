"""`python -m mv.openapi`: print the OpenAPI schema the frontend client is generated from."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

from mv.app import create_app
from mv.core.settings import load_settings


def schema_text() -> str:
    """The schema as stable, indented JSON, from an app whose data lives in a throwaway folder."""
    with tempfile.TemporaryDirectory(prefix="encore-openapi-") as tmp:
        app = create_app(load_settings(mv_data_dir=Path(tmp) / "data", mv_media_root=Path(tmp) / "media"))
        return json.dumps(app.openapi(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(schema_text())

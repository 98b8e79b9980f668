"""`python -m mv.openapi`: print the OpenAPI schema the frontend client is generated from."""

from __future__ import annotations

import json
import sys

from mv.app import create_app


def schema_text() -> str:
    """The schema as stable, indented JSON."""
    return json.dumps(create_app().openapi(), indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    sys.stdout.write(schema_text())

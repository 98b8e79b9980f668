"""Reading what models answer: scene plans, LLM text, output file URLs; and what provenance records of inputs."""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any

from mv.core.errors import UpstreamError
from mv.providers.base import Scene

_FENCE = re.compile(r"^\s*```[a-zA-Z0-9]*\s*\n?(.*?)\n?```\s*$", re.S)


def parse_time(value: str | None) -> float | None:
    """An ISO timestamp from the API as epoch seconds (None when absent or malformed)."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


def public_inputs(value: Any) -> Any:
    """Inputs as recorded in provenance: file URLs (presigned, expiring) are replaced by a marker."""
    if isinstance(value, dict):
        return {k: public_inputs(v) for k, v in value.items()}
    if isinstance(value, list):
        return [public_inputs(v) for v in value]
    if isinstance(value, str) and value.startswith(("http://", "https://", "data:")):
        return "<file>"
    return value


def first_url(output: Any) -> str:
    """The first file URL in a model's output (a URL, a list of them, or an object naming one)."""
    if isinstance(output, list) and output:
        output = output[0]
    if isinstance(output, dict):
        output = output.get("url") or output.get("video") or output.get("image")
    if not isinstance(output, str) or not output.startswith(("https://", "http://")):
        raise UpstreamError("The model answered without a file to download.")
    return output


def output_text(output: Any) -> str:
    """An LLM's output: iterator models return a list of string chunks."""
    if isinstance(output, list):
        return "".join(str(chunk) for chunk in output)
    if isinstance(output, str):
        return output
    if isinstance(output, dict):
        return json.dumps(output)
    raise UpstreamError("The language model returned no text.")


def parse_scenes(text: str, expected: int, fallback_negative: str) -> list[Scene]:
    """Strictly parse `{"scenes": [...]}` (or a bare list); raises ValueError naming the problem."""
    body = text.strip()
    match = _FENCE.match(body)
    if match:
        body = match.group(1).strip()
    try:
        data = json.loads(body)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the answer is not valid JSON ({exc.msg} at position {exc.pos})") from None
    items = data.get("scenes") if isinstance(data, dict) else data
    if not isinstance(items, list):
        raise ValueError('the answer has no "scenes" list')
    if len(items) != expected:
        raise ValueError(f"it has {len(items)} scenes, exactly {expected} are needed")
    scenes = []
    for index, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"scene {index} is not an object")
        description = item.get("description")
        negative = item.get("negative_description", "")
        if not isinstance(description, str) or not description.strip():
            raise ValueError(f"scene {index} has an empty description")
        if not isinstance(negative, str):
            raise ValueError(f"scene {index} has a negative_description that is not text")
        scenes.append(Scene(description=description.strip(), negative_description=negative.strip() or fallback_negative))
    return scenes

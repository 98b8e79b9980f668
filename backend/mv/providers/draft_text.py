"""Fill user text into the offline planner's shot templates so every draft reads as sentences."""

from __future__ import annotations

import re
import string
from typing import Any

_TRAILING_PUNCTUATION = re.compile(r"[\s.,;:!?…]+(?=[\"'”’)\]]*$)")
_LEADING_PUNCTUATION = re.compile(r"^[\s.,;:!?…]+")
_LEADING_ARTICLE = re.compile(r"^(A|An|The)(?=\s)")
_SENTENCE_END = re.compile(r"(^|[.!?][\"'”’)\]]?)\s*$")
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,.;:!?])")
_DANGLING_SEPARATOR = re.compile(r"[,;:]\s*(?=[,.;:!?])")
_DOUBLE_STOP = re.compile(r"([.!?])[\"'”’)\]]?\s*\.(?!\.)")
_DOT_RUN = re.compile(r"\.{2,}")
_SPACES = re.compile(r"\s{2,}")
# What a shot says when the user's text was nothing but punctuation or spaces.
_STAND_INS = {"character_description": "the main character"}


def clause(text: str) -> str:
    """One line of user text without leading or trailing punctuation, ready to sit inside a sentence."""
    flat = " ".join(str(text).split())
    return _TRAILING_PUNCTUATION.sub("", _LEADING_PUNCTUATION.sub("", flat)).strip()


def _mid_sentence(value: str) -> str:
    if value.isupper():
        return value
    return _LEADING_ARTICLE.sub(lambda match: match.group(1).lower(), value)


def _sentence_start(value: str) -> str:
    return value[:1].upper() + value[1:]


def tidy(text: str) -> str:
    """Collapse what empty or punctuated values leave behind: double stops, dangling commas, runs of spaces."""
    text = _SPACES.sub(" ", text).strip()
    text = _DOT_RUN.sub(lambda match: "…" if len(match.group(0)) > 2 else ".", text)
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", text)
    text = _DANGLING_SEPARATOR.sub("", text)
    text = _DOUBLE_STOP.sub(lambda match: match.group(0)[:-1].rstrip(), text)
    text = _SPACES.sub(" ", text).strip()
    return text


def fill(template: str, values: dict[str, Any]) -> str:
    """Format a shot template: text at a sentence start is capitalised, text mid-sentence starts with a lower-case article."""
    parts: list[str] = []
    for literal, field, spec, _conversion in string.Formatter().parse(template):
        parts.append(literal)
        if field is None:
            continue
        value = clause(string.Formatter().format_field(values[field], spec or "")) or _STAND_INS.get(field, "")
        at_start = _SENTENCE_END.search("".join(parts)) is not None
        parts.append(_sentence_start(value) if at_start else _mid_sentence(value))
    return tidy("".join(parts))

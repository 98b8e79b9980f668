"""Offline scene drafts read as sentences whatever the user typed."""

from __future__ import annotations

import re

import httpx
import pytest

from mv.providers.draft_text import clause, fill

FLAVORS = ("default", "mv1", "example", "beats")

# (idea, character description): punctuation, capitals, line breaks and quotes a person might type.
HOSTILE = [
    ("A band plays a stadium show at dusk.", "A lead singer in a silver jacket with short red hair."),
    ("a band plays its last show...", "An elderly drummer with a grey beard;"),
    ("Rain on the city!!!  ", "The singer, tall and pale,\nwearing a long red coat.\n"),
    ('She whispers "goodbye."', "THE TWINS IN MATCHING SUITS"),
    ("Neon streets... then a sunrise?", "a dancer in white"),
    ("Lights go out.", "..."),
]

_MID_SENTENCE_ARTICLE = re.compile(r"[a-z,:;] (A|An|The) ")
_SENTENCE_STARTS_LOWER = re.compile(r"[.!?] +[a-z]")
_BROKEN_PUNCTUATION = re.compile(r"\.\.|\s[.,;:!?]|[,;:][.,;:!?]|\.\s*\.")


def _problems(description: str, character: str) -> list[str]:
    found = []
    if _MID_SENTENCE_ARTICLE.search(description):
        found.append("capital article mid-sentence")
    if _SENTENCE_STARTS_LOWER.search(description) or not description[0].isupper():
        found.append("sentence starting in lower case")
    if _BROKEN_PUNCTUATION.search(description):
        found.append("doubled or stray punctuation")
    if not re.search(r"[.!?…][\"'”’)]?$", description):
        found.append("no full stop at the end")
    if clause(character) and f"{clause(character).lower()}'s" in description.lower():
        found.append("possessive on the description")
    if "\n" in description or "  " in description:
        found.append("line break or double space")
    return found


@pytest.mark.parametrize("flavor", FLAVORS)
async def test_draft_scenes_read_as_sentences_for_odd_input(client: httpx.AsyncClient, flavor: str) -> None:
    for idea, character in HOSTILE:
        response = await client.post(
            "/api/mv/create_scenes?wait=10",
            json={"idea": idea, "character_description": character, "config_flavor": flavor, "number_of_scenes": 6},
        )
        assert response.status_code == 200, response.text
        for scene in response.json()["scenes"]:
            description = scene["description"]
            assert _problems(description, character) == [], f"{flavor}: {description!r}"
            assert clause(idea)[1:].replace("...", "…").lower() in description.lower(), description


async def test_the_seed_example_reads_as_a_sentence(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/api/mv/create_scenes?wait=10",
        json={"idea": "A band plays a stadium show at dusk", "character_description": "A lead singer in a silver jacket"},
    )
    text = " ".join(scene["description"] for scene in response.json()["scenes"])
    assert "Close-up of the face of a lead singer in a silver jacket, emotional and focused" in text
    assert "'s face" not in text and ".." not in text
    assert "A band plays a stadium show at dusk." in text


def test_fill_capitalises_sentence_starts_and_lowers_articles_mid_sentence() -> None:
    template = "Shot of {character_description}, moving. {idea}. Style: {video_characteristics}."
    values = {"character_description": "The drummer.", "idea": "rain falls...", "video_characteristics": "An old film, warm!"}
    assert fill(template, values) == "Shot of the drummer, moving. Rain falls. Style: an old film, warm."
    assert fill("Close-up of {character_description}. {idea}.", {"character_description": " ?! ", "idea": 'he says "go!"'}) == (
        'Close-up of the main character. He says "go".'
    )
    assert fill("{idea}. Then {character_description}.", {"idea": "A crowd", "character_description": "AN ICON"}) == "A crowd. Then AN ICON."
    assert fill("Look: {idea}", {"idea": "the {character_description} stays literal"}) == "Look: the {character_description} stays literal"

"""Corridor presets from briefing links: canonical values only, anything else dropped."""

from __future__ import annotations

import pytest

from channels.corridor import corridor_metadata, parse_start


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "START NP QA construction ne",
            {"origin": "NP", "destination": "QA", "sector": "construction", "language": "ne"},
        ),
        ("start bd sa", {"origin": "BD", "destination": "SA"}),
        (
            "  START PH HK domestic_work  ",
            {"origin": "PH", "destination": "HK", "sector": "domestic_work"},
        ),
        ("START NP QA ar", {"origin": "NP", "destination": "QA", "language": "ar"}),
    ],
)
def test_start_texts(text, expected):
    assert parse_start(text) == expected


@pytest.mark.parametrize(
    "text",
    ["start over", "START", "START ZZ QQ", "I want to START NP QA", "START NP QA x y z", None],
)
def test_not_start_texts(text):
    assert parse_start(text) is None


def test_metadata_drops_what_is_not_canonical():
    assert corridor_metadata(
        {"origin": "np", "destination": "XX", "sector": "pirate", "name": "Ram"}
    ) == {"origin": "NP"}
    assert corridor_metadata("NP-QA") is None

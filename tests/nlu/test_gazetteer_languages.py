"""The gazetteer on each language's own cases (tests/nlu/gazetteer_cases/<lang>.py).

Each case must give the same (entity, value, role) set whether the message language is declared
or unknown (a channel often declares none; with no language every language's cue words apply).
Filipino is also checked under `tl`, the code Babel lacks and people send.
"""

from __future__ import annotations

import importlib

import pytest

from nlu.gazetteer import Gazetteer

LANGUAGES = ["am", "ar", "bn", "es", "fil", "fr", "hi", "id", "ne", "sw", "ur"]
ALSO = {"fil": ("tl",)}


def _cases():
    for lang in LANGUAGES:
        module = importlib.import_module(f"tests.nlu.gazetteer_cases.{lang}")
        for text, expected in module.CASES:
            yield pytest.param(lang, text, expected, id=f"{lang}-{text[:40]}")


def found(gaz: Gazetteer, text: str, lang: str | None) -> set[tuple[str, str, str | None]]:
    return {(m.entity, m.value, m.role) for m in gaz.extract(text, lang)}


@pytest.mark.parametrize(("lang", "text", "expected"), list(_cases()))
def test_language_cases(gaz_all: Gazetteer, lang: str, text: str, expected: set) -> None:
    for declared in (lang, None, *ALSO.get(lang, ())):
        assert found(gaz_all, text, declared) == expected, f"declared language: {declared}"

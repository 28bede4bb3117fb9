"""Tokenisation and normalisation: the index and the message must meet on the same strings."""

from __future__ import annotations

import pytest

from nlu.textnorm import norm_key, normalize, tokenize


def test_offsets_point_into_the_original_text() -> None:
    text = "I'm from  Côte d’Ivoire, working in U.A.E."
    for token in tokenize(text):
        assert text[token.start : token.end] == token.text


def test_devanagari_words_stay_whole() -> None:
    # Vowel signs are combining marks: `re`'s \w would cut "नेपाल" into pieces.
    assert [t.text for t in tokenize("म नेपालबाट हुँ")] == ["म", "नेपालबाट", "हुँ"]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("Népal", "nepal"),
        ("Côte d’Ivoire", "cote d'ivoire"),
        ("Guinea-Bissau", "guinea bissau"),
        ("  U.A.E. ", "u a e"),
        ("السعودية", "السعوديه"),  # taa marbuta written as haa
        ("ي", "ی"),  # Arabic and Urdu yeh
        ("क़तर", "कतर"),  # nukta
    ],
)
def test_spellings_meet(left: str, right: str) -> None:
    assert norm_key(left) == norm_key(right)


def test_accents_are_only_stripped_on_latin_letters() -> None:
    # Devanagari vowel signs are combining marks too; they must survive.
    assert normalize("नेपाली") != normalize("नपल")
    assert normalize("ÉMIRATS") == "emirats"

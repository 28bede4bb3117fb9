"""The gibberish test of nlu.novelty, on a small vocabulary and on the shipped training data."""

from __future__ import annotations

import pytest

from nlu.novelty import Vocabulary, letter_grams

TEXTS = [
    "hello, I need information about my pension",
    "good afternoon sir, what are my rights in Qatar?",
    "مرحبا، أريد أن أعرف حقوقي",
    "नमस्ते, मलाई मेरो अधिकार जान्न मन छ",
    "ሰላም፣ መብቴን ማወቅ እፈልጋለሁ",
    "habari, nataka kujua haki zangu",
]


@pytest.fixture(scope="module")
def vocabulary() -> Vocabulary:
    return Vocabulary.from_texts(TEXTS)


@pytest.mark.parametrize(
    "text", ["?", "...", " !? ", "؟", "।", "qzxv jkjkjk", "zxcvbnm qwpq", "ثقخحضص غظذ", "ঙঞঢ়ৎ ঋৠ"]
)
def test_random_letters_are_gibberish(vocabulary: Vocabulary, text: str) -> None:
    assert vocabulary.is_gibberish(text)


@pytest.mark.parametrize(
    "text",
    [
        "helo i need informaton",  # misspelt known words
        "pensionnn",  # elongated
        "hellooo sir",
        "SIR!!",  # case and punctuation do not matter
        "12345 678",  # digits say something
        "👍",  # so do emoji
        "สวัสดีครับ",  # Thai: a script we do not ship is never judged
        "Привет",  # Cyrillic
        "",
    ],
)
def test_known_or_unjudged_text_is_not_gibberish(vocabulary: Vocabulary, text: str) -> None:
    assert not vocabulary.is_gibberish(text)


def test_one_resembling_word_is_enough(vocabulary: Vocabulary) -> None:
    assert vocabulary.is_gibberish("qzxv wuggle")
    assert not vocabulary.is_gibberish("qzxv wuggle pension")


def test_ethiopic_uses_bigrams_and_elongations_collapse() -> None:
    assert letter_grams("ሰላም") == [" ሰ", "ሰላ", "ላም", "ም "]
    assert letter_grams("nooo") == [" no", "no "]


def test_novelty_is_a_share(vocabulary: Vocabulary) -> None:
    assert vocabulary.novelty("hello") == 0.0
    assert vocabulary.novelty("qzxq") == 1.0
    assert 0.0 < vocabulary.novelty("hello qzxq") < 1.0


def test_json_round_trip(vocabulary: Vocabulary) -> None:
    again = Vocabulary.from_json(vocabulary.to_json())
    assert again.grams == vocabulary.grams and again.words == vocabulary.words
    assert again.is_gibberish("qzxv jkjkjk") and not again.is_gibberish("helo sir")

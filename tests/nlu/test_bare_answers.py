"""Bare answers ("Qatar", "kasambahay", "नेपाली") are classified from the gazetteer's entities."""

from __future__ import annotations

import pytest

pytest.importorskip("rasa")

from rasa.shared.nlu.constants import INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components import BareAnswerClassifier, GazetteerEntityExtractor, LanguageIdentifier


def classify(text: str, model_intent: str = "greet") -> str:
    message = Message(data={TEXT: text, INTENT: {"name": model_intent, "confidence": 0.6}})
    LanguageIdentifier({}).process([message])
    GazetteerEntityExtractor.create({}, None, None, None).process([message])  # type: ignore[arg-type]
    BareAnswerClassifier({}).process([message])
    return message.get(INTENT)["name"]


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("Qatar", "inform"),
        ("kasambahay", "inform"),
        ("Qatar please", "inform"),
        ("नेपाल", "inform"),
        ("ሊባኖስ", "inform"),
        ("refugee please", "inform"),
        ("Nepal, construction, Qatar", "inform"),
        ("pension", "ask_benefit"),
        ("Kiswahili", "choose_language"),
    ],
)
def test_bare_answers(text, intent):
    assert classify(text) == intent


@pytest.mark.parametrize(
    "text",
    [
        "hello",  # no entity: the model's intent stays
        "my boss in Qatar took my passport",  # says more than the entities
        "what are the rights of refugees in Lebanon",
    ],
)
def test_sentences_keep_the_model_intent(text):
    assert classify(text, "emergency") == "emergency"


def test_ranking_puts_the_override_first():
    message = Message(
        data={
            TEXT: "Qatar",
            INTENT: {"name": "greet", "confidence": 0.6},
            INTENT_RANKING_KEY: [
                {"name": "greet", "confidence": 0.6},
                {"name": "inform", "confidence": 0.3},
            ],
        }
    )
    GazetteerEntityExtractor.create({}, None, None, None).process([message])  # type: ignore[arg-type]
    BareAnswerClassifier({}).process([message])
    ranking = message.get(INTENT_RANKING_KEY)
    assert [r["name"] for r in ranking] == ["inform", "greet"]

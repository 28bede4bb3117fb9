"""GibberishGuard as Rasa runs it: trained, persisted in model storage, loaded, then followed by
the FallbackClassifier — without training a whole model."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu.components import GibberishGuard

EXAMPLES = {
    "greet": ["hello", "good morning sir", "مرحبا"],
    "ask_entitlements": ["what are my rights", "am I covered for health care"],
    "emergency": ["help my employer took my passport"],
}


@pytest.fixture(scope="module")
def guard(tmp_path_factory) -> GibberishGuard:
    storage = LocalModelStorage(Path(tmp_path_factory.mktemp("storage")))
    resource = Resource("gibberish_guard")
    context = ExecutionContext(GraphSchema({}), "test")
    trainer = GibberishGuard.create({}, storage, resource, context)
    trainer.train(
        TrainingData(
            [
                Message(data={"text": text, "intent": intent})
                for intent, texts in EXAMPLES.items()
                for text in texts
            ]
        )
    )
    return GibberishGuard.load({}, storage, resource, context)


def parsed(text: str, intent: str = "greet", entities: list | None = None) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.97})
    message.set(
        "intent_ranking",
        [{"name": intent, "confidence": 0.97}, {"name": "goodbye", "confidence": 0.03}],
    )
    if entities:
        message.set("entities", entities)
    return message


def after(guard: GibberishGuard, message: Message) -> str:
    fallback = FallbackClassifier({"threshold": 0.35, "ambiguity_threshold": 0.05})
    fallback.process(guard.process([message]))
    return message.get("intent")["name"]


def test_loaded_guard_knows_training_words_and_the_gazetteer(guard: GibberishGuard) -> None:
    assert {"hello", "rights", "مرحبا"} <= guard.vocabulary.words
    assert "qatar" in guard.vocabulary.words  # a gazetteer phrase, not in the examples


@pytest.mark.parametrize("text", ["qzxv blorp wuggle", "asdfgh jkl", "...", "ثقخحضص غظذ"])
def test_gibberish_ends_as_nlu_fallback(guard: GibberishGuard, text: str) -> None:
    assert after(guard, parsed(text)) == "nlu_fallback"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (parsed("helo goood mornin"), "greet"),  # misspelt known words
        (parsed("qzxv jkjk", intent="emergency"), "emergency"),  # never swallow an emergency
        (parsed("/qzxv"), "greet"),  # commands are someone else's job
        (parsed("SOS"), "greet"),
        (
            parsed(
                "qzxv Qtr",
                intent="inform",
                entities=[{"entity": "country", "value": "QA", "start": 5, "end": 8}],
            ),
            "inform",
        ),
        (parsed("Привет qzxv"), "greet"),  # Cyrillic is not a script we ship: not judged
    ],
)
def test_what_the_guard_leaves_alone(guard: GibberishGuard, message: Message, expected: str):
    assert after(guard, message) == expected


def test_a_model_without_a_vocabulary_turns_the_guard_off(tmp_path: Path) -> None:
    storage = LocalModelStorage(tmp_path)
    context = ExecutionContext(GraphSchema({}), "test")
    empty = GibberishGuard.load({}, storage, Resource("missing"), context)
    assert after(empty, parsed("qzxv blorp wuggle")) == "greet"

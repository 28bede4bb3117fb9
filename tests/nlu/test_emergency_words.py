"""The emergency phrase list: a floor under the classifier for the worst messages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa.shared.nlu.training_data.message import Message

from nlu.components import EmergencyWords
from nlu.emergency_words import LEXICON, emergency_phrase, load_phrases
from nlu.gazetteer import SUPPORTED_LANGUAGES


@pytest.mark.parametrize(
    "text",
    [
        "my supervisor RAPED me last night",
        "the agent took my passport and I cannot leave",
        "they locked me in the house",
        "il m'a violée hier soir",
        "me tienen encerrada y no me pagan",
        "nimebakwa na mwajiri",
        "saya diperkosa majikan",
        "ginahasa ako ng amo ko",
        "اغتصبني الكفيل",
        "मालिक ने पासपोर्ट छीन लिया",
        "ধর্ষণ করেছে মালিক",
        "ፓስፖርቴን ወሰዱ",
    ],
)
def test_emergency_phrases_are_found_in_any_shipped_language(text: str) -> None:
    assert emergency_phrase(text)


@pytest.mark.parametrize(
    "text",
    ["I love grapes", "drape the cloth", "what is my pension", "the passport office", "hello"],
)
def test_ordinary_words_are_not_emergencies(text: str) -> None:
    assert emergency_phrase(text) is None


def test_every_shipped_language_has_phrases() -> None:
    raw = yaml.safe_load(LEXICON.read_text(encoding="utf-8"))
    assert set(SUPPORTED_LANGUAGES) <= {k for k, v in raw.items() if isinstance(v, list)}
    assert all(load_phrases())


def test_a_custom_list_is_read_from_its_own_file(tmp_path: Path) -> None:
    path = tmp_path / "emergency.yml"
    path.write_text("en: [trapped in the camp]\n", encoding="utf-8")
    assert emergency_phrase("we are TRAPPED in the camp", path) == "trapped in the camp"
    assert emergency_phrase("raped", path) is None


def parsed(text: str, intent: str) -> Message:
    message = Message(data={"text": text})
    message.set("intent", {"name": intent, "confidence": 0.98})
    message.set("intent_ranking", [{"name": intent, "confidence": 0.98}])
    return message


def test_the_component_overrides_the_classifier_but_not_commands() -> None:
    component = EmergencyWords({})
    raped, command, plain = (
        parsed("my supervisor raped me last night", "out_of_scope"),
        parsed("/lang raped", "choose_language"),
        parsed("what is my pension", "ask_benefit"),
    )
    component.process([raped, command, plain])
    assert raped.get("intent") == {"name": "emergency", "confidence": 1.0}
    assert raped.get("intent_ranking")[1] == {"name": "out_of_scope", "confidence": 0.0}
    assert command.get("intent")["name"] == "choose_language"
    assert plain.get("intent")["name"] == "ask_benefit"

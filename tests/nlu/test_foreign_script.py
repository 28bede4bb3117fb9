"""Messages in scripts none of our languages uses get the language picker."""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from nlu.components import ForeignScript, foreign_script


@pytest.mark.parametrize(
    ("text", "script"),
    [("Привет", "CYRILLIC"), ("สวัสดีครับ", "THAI"), ("你好", "CJK"), ("Ελληνικά", "GREEK")],
)
def test_scripts_we_do_not_ship(text: str, script: str) -> None:
    assert foreign_script(text) == script


@pytest.mark.parametrize(
    "text",
    ["hello", "مرحبا", "نمستے", "नमस्ते", "নমস্কার", "ሰላም", "Привет, I need help", "12345", "👍", ""],
)
def test_shipped_scripts_mixed_text_and_no_letters_are_left_alone(text: str) -> None:
    assert foreign_script(text) is None


def test_the_component_asks_for_a_language_but_leaves_commands() -> None:
    russian, command, english = (Message(data={"text": t}) for t in ("Привет", "/Привет", "hi"))
    for message in (russian, command, english):
        message.set("intent", {"name": "inform", "confidence": 1.0})
    ForeignScript({}).process([russian, command, english])
    assert russian.get("intent") == {"name": "choose_language", "confidence": 1.0}
    assert command.get("intent")["name"] == "inform"
    assert english.get("intent")["name"] == "inform"

"""Language identification (a hint, sure only where the script settles it) and `/lang`."""

from __future__ import annotations

import pytest

pytest.importorskip("rasa")

from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.components import (
    LANGUAGE_HINT,
    GazetteerEntityExtractor,
    LanguageCommand,
    LanguageIdentifier,
    SafetyCommands,
    command_language,
    message_language,
)
from nlu.langid import guess


@pytest.mark.parametrize(
    ("text", "language", "sure"),
    [
        ("আমার অধিকার কী", "bn", True),
        ("ما هي حقوقي هنا", "ar", True),
        ("میرے حقوق کیا ہیں", "ur", True),  # Urdu-only letters (ے)
        ("መብቴ ምንድን ነው", "am", True),
        ("मेरे अधिकार क्या हैं", "hi", False),  # Devanagari: Nepali or Hindi, never sure
        ("je veux porter plainte contre mon patron", "fr", False),  # Latin: never sure
        ("donde puedo quejarme de mi jefe", "es", False),
    ],
)
def test_guess(text, language, sure):
    found = guess(text)
    assert (found.language, found.sure) == (language, sure)


@pytest.mark.parametrize(
    "text", ["mero adhikar k k chan", "mujhe shikayat karni hai", "ana min masr"]
)
def test_romanized_text_is_never_sure(text):
    assert guess(text).sure is False


def test_native_script_wins_over_latin_words():
    found = guess("Qatar ma kaam garchu, मेरो अधिकार के के छन्")
    assert found.script == "DEVANAGARI"
    assert guess("Qatar 🇶🇦 123").script == "LATIN"


@pytest.mark.parametrize("text", ["", "   ", "123 456", "🙂🙂"])
def test_nothing_to_guess(text):
    assert guess(text).language is None


def _process(text: str, metadata: dict | None = None) -> Message:
    data = {TEXT: text}
    if metadata:
        data["metadata"] = metadata
    message = Message(data=data)
    LanguageIdentifier({}).process([message])
    return message


def test_hint_is_an_output_and_used_only_when_sure():
    bengali = _process("আমি কাতারে কাজ করি")
    assert bengali.get(LANGUAGE_HINT)["language"] == "bn"
    assert LANGUAGE_HINT in bengali.output_properties
    assert message_language(bengali) == "bn"
    nepali_romanized = _process("ma Qatar ma kaam garchu")
    assert message_language(nepali_romanized) is None
    declared = _process("আমি কাতারে কাজ করি", {"language": "en"})
    assert message_language(declared) == "en"  # the channel's word beats the guess


def test_sure_hint_reaches_the_gazetteer():
    message = _process("আমি নেপাল থেকে এসেছি, কাতারে কাজ করি")
    GazetteerEntityExtractor.create({}, None, None, None).process([message])  # type: ignore[arg-type]
    found = {(e["entity"], e["value"], e.get("role")) for e in message.get(ENTITIES)}
    assert ("country", "NP", "origin") in found
    assert ("country", "QA", "destination") in found


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("/lang ne", "ne"),
        ("/LANG tl", "fil"),
        ("/language Nepali", "ne"),
        ("/idioma español", "es"),
        ("/lugha Kiswahili", "sw"),
        ("/lang العربية", "ar"),
        ("/lang", None),
        ("/lang klingon", None),
    ],
)
def test_language_command(text, code):
    message = Message(data={TEXT: text, INTENT: {"name": "greet", "confidence": 0.9}})
    LanguageCommand({}).process([message])
    assert message.get(INTENT) == {"name": "choose_language", "confidence": 1.0}
    languages = [e["value"] for e in message.get(ENTITIES) or [] if e["entity"] == "language"]
    assert languages == ([code] if code else [])


@pytest.mark.parametrize("text", ["I speak a language", "lang ne", "my /lang", "/langue_xyz"])
def test_not_a_command(text):
    message = Message(data={TEXT: text, INTENT: {"name": "greet", "confidence": 0.9}})
    LanguageCommand({}).process([message])
    assert message.get(INTENT)["name"] == "greet"


def test_command_language_names():
    assert command_language("नेपाली") == "ne"
    assert command_language("Bahasa Indonesia") == "id"
    assert command_language("") is None


@pytest.mark.parametrize(
    ("text", "intent"),
    [
        ("SOS", "emergency"),
        ("sos!!", "emergency"),
        ("/sos", "emergency"),
        ("/999", "emergency"),
        ("/privacy", "ask_privacy"),
        ("Privacy?", "ask_privacy"),
        ("/privacidad", "ask_privacy"),
        ("/خصوصية", "ask_privacy"),
        ("/forget", "forget_me"),
        ("/olvidar", "forget_me"),
        ("forget me", "forget_me"),
    ],
)
def test_safety_words_work_in_any_language(text, intent) -> None:
    message = Message(data={TEXT: text, INTENT: {"name": "greet", "confidence": 0.9}})
    SafetyCommands({}).process([message])
    assert message.get(INTENT) == {"name": intent, "confidence": 1.0}


@pytest.mark.parametrize(
    "text", ["999", "delete", "forget", "forget it", "sos my boss took my passport", "privacy law"]
)
def test_ordinary_words_and_sentences_are_left_to_the_classifier(text) -> None:
    message = Message(data={TEXT: text, INTENT: {"name": "greet", "confidence": 0.9}})
    SafetyCommands({}).process([message])
    assert message.get(INTENT) == {"name": "greet", "confidence": 0.9}

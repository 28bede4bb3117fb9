"""The language picker and switching: chosen > channel's > English; a guess never switches."""

from __future__ import annotations

import asyncio

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet

from actions.common import language
from actions.language import ActionChooseLanguage, offer_language


def tracker(
    slots: dict | None = None,
    entities: list[dict] | None = None,
    metadata: dict | None = None,
    hint: dict | None = None,
    events: list[dict] | None = None,
) -> Tracker:
    latest = {"text": "x", "intent": {"name": "choose_language"}, "entities": entities or []}
    if metadata is not None:
        latest["metadata"] = metadata
    if hint is not None:
        latest["language_hint"] = hint
    return Tracker(
        "test",
        {"language": None, "language_offered": False, **(slots or {})},
        latest,
        events or [],
        False,
        None,
        {},
        "action_listen",
    )


def run(action, dispatcher, t):
    return asyncio.run(action.run(dispatcher, t, {}))


def test_language_order_slot_then_metadata_then_english():
    assert language(tracker()) == "en"
    assert language(tracker(metadata={"language": "ar-EG"})) == "ar"
    assert language(tracker(metadata={"languages": ["xx", "ne-NP", "en"]})) == "ne"
    assert language(tracker(metadata={"language": "de"})) == "en"  # not shipped
    assert language(tracker({"language": "fil"}, metadata={"language": "ar"})) == "fil"


def test_picker_offered_once_with_likely_languages_first(dispatcher):
    t = tracker(metadata={"language": "ar"}, hint={"language": "bn", "sure": True})
    events = offer_language(dispatcher, t)
    assert events == [SlotSet("language_offered", True)]
    message = dispatcher.messages[0]
    titles = [b["title"] for b in message["buttons"]]
    assert titles[:3] == ["العربية", "বাংলা", "English"]
    assert message["direction"] == "rtl" and message["text"].startswith("\u200f")
    assert len(titles) == 12


def test_picker_not_offered_again_or_after_a_choice(dispatcher):
    assert offer_language(dispatcher, tracker({"language_offered": True})) == []
    assert offer_language(dispatcher, tracker({"language": "ne"})) == []
    assert dispatcher.messages == []


def test_choose_named_language(dispatcher):
    t = tracker(
        {"language": "ne"},
        entities=[{"entity": "language", "value": "ne"}],
        events=[{"event": "user"}, {"event": "slot", "name": "language", "value": "ne"}],
    )
    events = run(ActionChooseLanguage(), dispatcher, t)
    assert SlotSet("language", "ne") in events
    assert dispatcher.messages[0]["language"] == "ne"
    assert "नेपाली" in dispatcher.messages[0]["text"]


def test_choose_without_a_name_shows_the_picker_and_keeps_the_language(dispatcher):
    events = [{"event": "slot", "name": "language", "value": "fil"}, {"event": "user"}]
    t = tracker({"language": "fil"}, events=events)
    events = run(ActionChooseLanguage(), dispatcher, t)
    assert all(e["name"] != "language" for e in events)
    assert dispatcher.messages[0]["buttons"][0]["payload"] == '/choose_language{"language":"fil"}'
    assert dispatcher.messages[0]["language"] == "fil"


def test_unavailable_language_restores_the_previous_choice(dispatcher):
    events = [
        {"event": "slot", "name": "language", "value": "ar"},
        {"event": "user"},
        {"event": "slot", "name": "language", "value": "de"},
    ]
    t = tracker({"language": "de"}, entities=[{"entity": "language", "value": "de"}], events=events)
    assert run(ActionChooseLanguage(), dispatcher, t) == [SlotSet("language", "ar")]
    assert dispatcher.messages[0]["direction"] == "rtl"


def test_unavailable_language_without_earlier_choice_clears_the_slot(dispatcher):
    events = [{"event": "user"}, {"event": "slot", "name": "language", "value": "de"}]
    t = tracker(
        {"language": "de"},
        entities=[{"entity": "language", "value": "de"}],
        events=events,
        metadata={"language": "es"},
    )
    assert run(ActionChooseLanguage(), dispatcher, t) == [SlotSet("language", None)]
    assert dispatcher.messages[0]["language"] == "es"  # the browser's language still applies

"""`action_human_handoff`: records a masked request for staff and says honestly what follows."""

from __future__ import annotations

import asyncio
import logging

from actions import help as help_actions
from actions.help import ActionHumanHandoff
from engine import handoffs
from engine.resolve import Profile, resolve
from i18n.catalog import Translator
from tests.actions.conftest import PROFILE, make_tracker

t = Translator("en")


def ask(dispatcher, sender: str, text: str, slots: dict | None = None, events=None):
    tracker = make_tracker(slots, text=text, intent="request_human", events=events)
    tracker.sender_id = sender
    asyncio.run(ActionHumanHandoff().run(dispatcher, tracker, {}))
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def open_for(engine, sender: str) -> list[handoffs.Handoff]:
    return [h for h in handoffs.list_open(engine) if h.sender_id == sender]


def user(intent: str, text: str = "") -> dict:
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}}}


def test_records_the_request_and_tells_the_reference(dispatcher, table_store):
    said = ask(
        dispatcher,
        "web-handoff-1",
        "I need a person, my boss keeps my salary. Call +974 5555 1234",
        {**PROFILE, "language": "ne", "branch": "employment_injury"},
        events=[user("ask_complain", "where can I complain"), user("request_human")],
    )
    (item,) = open_for(table_store.engine, "web-handoff-1")
    assert (item.language, item.origin, item.destination) == ("ne", "NP", "QA")
    assert (item.status, item.sector) == ("migrant_worker", "construction")
    assert item.need == (
        "Where to complain: I need a person, my boss keeps my salary. Call [number]"
    )
    assert item.reference in said
    ne = Translator("ne")
    assert ne.text("handoff.reply_time", count=2) in said  # the default HANDOFF_REPLY_DAYS
    for institution in resolve(table_store, Profile(**PROFILE)).help:
        assert ne.table(institution.name) in said
    (message,) = dispatcher.messages
    assert message["buttons"] == [{"title": ne.text("button.emergency"), "payload": "/emergency"}]
    assert message["language"] == "ne"


def test_asking_again_keeps_one_request_and_says_it_is_still_open(dispatcher, table_store):
    ask(dispatcher, "web-handoff-2", "human please", PROFILE)
    dispatcher.messages.clear()
    said = ask(dispatcher, "web-handoff-2", "please, it is about my injury", PROFILE)
    (item,) = open_for(table_store.engine, "web-handoff-2")
    assert t.text("handoff.updated", reference=f"\u2068{item.reference}\u2069") in said
    assert item.need == "please, it is about my injury | human please"


def test_a_tapped_button_is_not_taken_for_words_and_the_branch_is_the_topic(
    dispatcher, table_store
):
    ask(dispatcher, "web-handoff-3", "/request_human", {"branch": "maternity"})
    (item,) = open_for(table_store.engine, "web-handoff-3")
    assert item.need == t.text("branch.maternity")
    assert item.origin is None and item.language == "en"


def test_reply_days_come_from_the_setting(dispatcher, monkeypatch):
    monkeypatch.setenv("HANDOFF_REPLY_DAYS", "5")
    said = ask(dispatcher, "web-handoff-4", "a person please", PROFILE)
    assert t.text("handoff.reply_time", count=5) in said


def test_when_nothing_can_be_recorded_it_says_so_and_logs_no_words(
    dispatcher, table_store, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("database is down; the words were: my number 98765")

    monkeypatch.setattr(help_actions.handoffs, "open_or_update", broken)
    with caplog.at_level(logging.INFO):
        said = ask(dispatcher, "web-handoff-5", "my number 98765 call me", PROFILE)
    assert said.startswith(t.text("handoff.not_recorded"))
    assert t.text("handoff.passed", reference="X")[:30] not in said
    assert t.text("human.intro") in said  # the contacts all the same
    assert "98765" not in caplog.text and "RuntimeError" in caplog.text
    assert open_for(table_store.engine, "web-handoff-5") == []

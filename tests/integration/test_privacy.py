"""Privacy and safety over HTTP with the real servers: forget me empties the tracker store at once,
the privacy notice and SOS work in any language, and what people write never reaches the logs."""

from __future__ import annotations

import sqlite3
import uuid

import pytest

from engine import settings
from engine.settings import tables_dir
from engine.store import Store
from i18n import render
from i18n.catalog import Translator

pytestmark = pytest.mark.integration

PROFILE = [
    '/inform{"status":"undocumented"}',
    '/inform{"sector":"domestic_work"}',
    '/inform{"country":"NP"}',
    '/inform{"country":"QA"}',
]


def text(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def stored_rows(servers, sender: str) -> int:
    """Events of this person in Rasa's tracker store, under the id the channel stored them."""
    with sqlite3.connect(f"file:{servers.workdir / 'tracker.sqlite3'}?mode=ro", uri=True) as db:
        query = "SELECT count(*) FROM events WHERE sender_id = ?"
        return db.execute(query, (servers.pseudonym(sender),)).fetchone()[0]


def new_sender(name: str) -> str:
    return f"it-{name}-{uuid.uuid4().hex[:8]}"


def test_forget_me_deletes_the_whole_conversation_at_once(servers) -> None:
    sender = new_sender("forget")
    servers.say(sender, "/lang ne")
    for message in PROFILE:
        servers.say(sender, message)
    assert stored_rows(servers, sender) > 10

    reply = servers.say(sender, "मलाई बिर्सनुहोस्, मेरो सबै डाटा मेटाउनुहोस्")
    assert Translator("ne").text("forget_me.done") in text(reply)
    assert stored_rows(servers, sender) == 0

    # the next message starts from nothing: exactly what a new person gets
    again = servers.say(sender, "hello")
    assert text(again) == text(servers.say(new_sender("fresh"), "hello"))
    assert stored_rows(servers, sender) > 0


@pytest.mark.parametrize(
    ("language", "message"), [("en", "/privacy"), ("ar", "privacy"), ("es", "/privacidad")]
)
def test_privacy_notice_by_command_in_the_users_language(servers, language, message) -> None:
    sender = new_sender("privacy")
    servers.say(sender, f"/lang {language}")
    reply = servers.say(sender, message)
    t = Translator(language)
    for paragraph in render.privacy_notice(t, settings.retention_days()):
        assert paragraph.strip() in text(reply)
    assert [b["payload"] for m in reply for b in m.get("buttons", [])] == ["/forget_me"]


def test_privacy_is_offered_from_the_first_message(servers) -> None:
    sender = new_sender("privacy-start")
    servers.say(sender, "/lang en")
    first = servers.say(sender, "hello")
    assert "/ask_privacy" in [b["payload"] for m in first for b in m.get("buttons", [])]
    notice = servers.say(sender, "/ask_privacy")
    assert Translator("en").text("privacy.keeps") in text(notice)
    # the profile question comes back after the notice
    assert any("status" in b["payload"] for m in notice for b in m.get("buttons", []))


def test_sos_before_anything_else_asks_where_then_gives_that_countrys_numbers(servers) -> None:
    sender = new_sender("sos")
    t = Translator("en")
    first = servers.say(sender, "SOS")
    assert t.text("emergency.where") in text(first)
    store = Store.from_tables(tables_dir())
    payloads = [b["payload"] for m in first for b in m.get("buttons", [])]
    assert payloads == [
        f'/emergency{{"country":"{c}"}}' for c in store.country_codes("destination")
    ]

    numbers = servers.say(sender, '/emergency{"country":"QA"}')
    assert text(numbers).startswith(t.text("emergency.header"))
    assert t.text("emergency.where") not in text(numbers)


def test_what_people_write_never_reaches_the_logs(servers) -> None:
    sender = new_sender("logs")
    secrets = [
        "my number is +974 5512 3456 and my name is Kalpana Tamang",
        "/lang 5512-3456 Kalpana",
        "/notanintent Kalpana Tamang 5512 3456",
        "🙂 Kalpana x\u0000\u0007 3456",
    ]
    for message in secrets:
        servers.say(sender, message)
    for log in ("rasa.log", "actions.log"):
        content = (servers.workdir / log).read_text(errors="replace")
        assert "Kalpana" not in content, log
        assert "5512" not in content, log

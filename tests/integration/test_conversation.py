"""The foundation conversation, held over HTTP with the real Rasa and action servers.

Answers are checked against the tables themselves: the test resolves the same profile with the
engine and expects each branch's level, the sources and the contacts to be in what the bot said.
"""

from __future__ import annotations

import re

import pytest

from engine import vocab
from engine.resolve import Profile, resolve
from engine.store import Store
from i18n.catalog import Translator
from i18n.names import country_name

pytestmark = pytest.mark.integration

t = Translator("en")


@pytest.fixture(scope="module")
def store():
    return Store.from_tables("entitlements")


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def buttons(messages: list[dict]) -> list[dict]:
    return [b for m in messages for b in m.get("buttons", [])]


def assert_asks_status(messages: list[dict]) -> None:
    payloads = [b["payload"] for b in buttons(messages)]
    for status in vocab.STATUSES:
        assert any(status in p for p in payloads), f"no button for {status}: {payloads}"


def assert_summary_matches_tables(messages: list[dict], store: Store, profile: Profile) -> None:
    said = texts(messages)
    result = resolve(store, profile)
    for branch, finding in result.findings.items():
        line = f"{t.text(f'branch.{branch}')}: {t.text(f'level.{finding.level}')}"
        assert line in said, f"summary lacks {line!r}:\n{said}"
    assert t.text("sources.header") in said
    assert "reviewed" in said
    for ref in {s.text for f in result.findings.values() if f.known for s in f.sources}:
        assert ref in said, f"source {ref!r} not shown"
    assert result.version.content_hash in said


def test_full_conversation(servers, store):
    sender = "it-full"
    greeting = servers.say(sender, "hello")
    said = texts(greeting)
    assert "lawyer" in said.lower()
    assert_asks_status(greeting)

    asks_sector = servers.say(sender, "I am a migrant worker")
    assert any("construction" in b["payload"] for b in buttons(asks_sector)), texts(asks_sector)

    asks_origin = servers.say(sender, "construction")
    assert t.text("profile.ask_origin") in texts(asks_origin)
    assert any('"country":"NP"' in b["payload"] for b in buttons(asks_origin))

    asks_destination = servers.say(sender, "Nepal")
    assert t.text("profile.ask_destination") in texts(asks_destination)

    summary = servers.say(sender, "Qatar")
    profile = Profile("migrant_worker", "construction", "NP", "QA")
    assert_summary_matches_tables(summary, store, profile)
    result = resolve(store, profile)

    injury = texts(servers.say(sender, "what if I get injured at work?"))
    rule = result.findings["employment_injury"].rule
    assert rule is not None and rule.summary in injury
    assert all(source in injury for source in rule.sources)

    complain = texts(servers.say(sender, "where can I complain?"))
    for institution in result.complain:
        assert institution.name in complain
        if institution.phone:
            assert institution.phone in complain

    register = texts(servers.say(sender, "where do I register?"))
    assert t.text("register.overview", destination=country_name("QA", "en")) in register

    going_home = texts(servers.say(sender, "what happens to my contributions when I go home"))
    for fact in result.leaving:
        assert fact.summary in going_home
    assert t.text("portability.no_agreement", origin="Nepal", destination="Qatar") in going_home

    restart = servers.say(sender, "start over")
    assert t.text("start_over.done") in texts(restart)
    assert_asks_status(restart)


def test_profile_in_one_message_asks_only_what_is_missing(servers, store):
    sender = "it-one-message"
    first = servers.say(sender, "I'm from Nepal, working in construction in Qatar")
    assert_asks_status(first)
    summary = servers.say(sender, "migrant worker")
    assert_summary_matches_tables(
        summary, store, Profile("migrant_worker", "construction", "NP", "QA")
    )


def test_unknown_destination_is_said_not_guessed(servers, store):
    sender = "it-unknown"
    servers.say(sender, "I am a refugee from Syria working in farm work")
    reply = servers.say(sender, "Iceland")
    said = texts(reply)
    result = resolve(store, Profile("refugee", "agriculture", "SY", "IS"))
    assert not result.destination_known
    assert t.text("level.covered") not in said
    assert re.search(r"no table for Iceland", said), said


def test_misspelt_country_gets_did_you_mean(servers):
    sender = "it-typo"
    servers.say(sender, "hi")
    servers.say(sender, "migrant worker")
    servers.say(sender, "construction")
    reply = servers.say(sender, "Narnnia")
    assert buttons(reply), texts(reply)


def complete_profile(servers, sender: str) -> None:
    for message in ("hello", "migrant worker", "construction", "Nepal", "Qatar"):
        servers.say(sender, message)


def test_new_session_keeps_the_profile(servers, store):
    sender = "it-session"
    complete_profile(servers, sender)
    servers.say(sender, "/session_start")
    injury = texts(servers.say(sender, "what if I get injured at work?"))
    rule = (
        resolve(store, Profile("migrant_worker", "construction", "NP", "QA"))
        .findings["employment_injury"]
        .rule
    )
    assert rule.summary in injury


@pytest.mark.parametrize(
    "text",
    ["qzxv blorp wuggle", "asdfgh jkl", "ثقخحضص غظذ", "..."],
    ids=["latin", "keys", "ar", "dots"],
)
def test_gibberish_gets_a_fallback_with_buttons(servers, text):
    """nlu.novelty's guard: unseen letters and no known word (or only punctuation) must get
    "I did not understand" and the way to a person, not a confident guess."""
    reply = servers.say(f"it-gibberish-{len(text)}-{ord(text[0])}", text)
    assert buttons(reply), texts(reply)
    payloads = {b["payload"] for b in buttons(reply)}
    assert "/request_human" in payloads


def test_emergency_shows_hotlines_first(servers, store):
    sender = "it-emergency"
    complete_profile(servers, sender)
    reply = servers.say(sender, "my employer took my passport and locked me in")
    said = texts(reply)
    result = resolve(store, Profile("migrant_worker", "construction", "NP", "QA"))
    contacts = result.emergency or [i for i in result.complain if i.phone or i.whatsapp]
    assert said.startswith(t.text("emergency.header")), said
    for contact in contacts:
        assert contact.name in said


def test_forget_me_clears_the_profile(servers):
    sender = "it-forget"
    complete_profile(servers, sender)
    reply = servers.say(sender, "forget me, delete my data")
    assert t.text("forget_me.done") in texts(reply)
    again = servers.say(sender, "what are my rights?")
    assert_asks_status(again)


def test_asking_for_a_person_records_one_masked_handoff(servers):
    """Over the web chat's REST webhook (which pseudonymizes the sender), then read the table."""
    from sqlalchemy import create_engine

    from channels.identity import pseudonymize
    from channels.webchat import CHANNEL
    from engine import handoffs

    sender = "it-handoff-browser-id"
    for message in ("I'm from Nepal, working in construction in Qatar", "migrant worker"):
        servers.say(sender, message, channel="webchat")
    reply = texts(
        servers.say(
            sender, "I want to talk to a person, call me on +974 5555 1234", channel="webchat"
        )
    )
    again = texts(servers.say(sender, "human please", channel="webchat"))

    engine = create_engine(f"sqlite:///{servers.workdir / 'entitlements.sqlite3'}")
    pseudonym = pseudonymize(CHANNEL, sender)
    mine = [h for h in handoffs.list_all(engine) if h.sender_id == pseudonym]
    assert len(mine) == 1, mine
    (item,) = mine
    assert item.state == handoffs.OPEN
    assert (item.language, item.origin, item.destination) == ("en", "NP", "QA")
    assert (item.status, item.sector) == ("migrant_worker", "construction")
    assert "talk to a person, call me on [number]" in item.need
    assert "5555" not in item.need and "974" not in item.need
    assert all(sender not in str(h) for h in handoffs.list_all(engine))
    assert item.reference in reply and item.reference in again
    assert t.text("handoff.reply_time", count=2) in reply
    engine.dispose()

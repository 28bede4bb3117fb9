"""Languages end to end: real Rasa server, real action server, the web chat channel over HTTP.

Expected texts come from the catalogs and the tables themselves, never from this file.
"""

from __future__ import annotations

import uuid

import pytest
import requests

from channels.identity import pseudonymize
from engine.resolve import Profile, resolve
from engine.store import Store
from i18n.catalog import Translator
from i18n.languages import RLM
from i18n.names import language_name

pytestmark = pytest.mark.integration


def sender() -> str:
    return f"lang-{uuid.uuid4().hex[:8]}"


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def payloads(messages: list[dict]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons", [])]


def picker(messages: list[dict]) -> list[str]:
    return [p for p in payloads(messages) if p.startswith("/choose_language")]


def test_arabic_web_chat_answers_right_to_left_from_the_tables(servers):
    user, ar = sender(), Translator("ar")
    meta = {"language": "ar-EG"}  # the browser's language: a default
    first = servers.say(user, "مرحبا", "webchat", meta)
    assert first and all(m["language"] == "ar" and m["direction"] == "rtl" for m in first)
    assert picker(first)[0] == '/choose_language{"language":"ar"}'
    assert all(m["text"].startswith(RLM) for m in first if m.get("text"))
    for answer in (
        '/inform{"status":"migrant_worker"}',
        '/inform{"sector":"domestic_work"}',
        '/inform{"country":"ET"}',
    ):
        servers.say(user, answer, "webchat", meta)
    summary = servers.say(user, '/inform{"country":"LB"}', "webchat", meta)
    said = texts(summary)
    res = resolve(
        Store.from_tables("entitlements"), Profile("migrant_worker", "domestic_work", "ET", "LB")
    )
    assert ar.text("branch.health_care") in said
    for branch in res.findings:
        assert ar.text(f"branch.{branch}") in said
    assert all(m["direction"] == "rtl" for m in summary)


def test_browser_language_is_a_default_and_a_choice_wins_and_is_remembered(servers):
    user, ne = sender(), Translator("ne")
    servers.say(user, "hello", "webchat", {"language": "fr"})
    chosen = servers.say(user, "/lang ne", "webchat", {"language": "fr"})
    assert chosen[0]["language"] == "ne"
    assert ne.text("language.set", language=language_name("ne", title=False)) in texts(chosen)
    # a new session (the person comes back another day): the choice is still there
    requests.post(
        f"{servers.rasa_url}/conversations/{pseudonymize('web', user)}/trigger_intent",
        json={"name": "session_start"},
        timeout=30,
    )
    later = servers.say(user, "नमस्ते", "webchat", {"language": "fr"})
    assert later and all(m["language"] == "ne" for m in later)
    assert ne.response("utter_greet", _english_greet()) in texts(later)


def test_a_guess_never_switches_the_language_it_offers_instead(servers):
    user = sender()
    replies = servers.say(user, "আমার অধিকার কী কী? আমি কাতারে কাজ করি", "webchat")
    assert all(m["language"] == "en" for m in replies)
    assert picker(replies)[0] == '/choose_language{"language":"bn"}'


@pytest.mark.parametrize("foreign", ["Привет, мне нужна помощь", "สวัสดีครับ ช่วยด้วย"])
def test_a_script_we_do_not_ship_gets_the_picker_again_mid_conversation(servers, foreign):
    user = sender()
    servers.say(user, "/lang sw", "webchat")
    servers.say(user, '/inform{"status":"migrant_worker"}', "webchat")
    replies = servers.say(user, foreign, "webchat")
    assert picker(replies), texts(replies)
    assert picker(replies)[0] == '/choose_language{"language":"sw"}'
    assert replies[0]["language"] == "sw"


@pytest.mark.parametrize("asking", ["change language", "/language", "भाषा बदल्नु"])
def test_change_language_shows_the_picker(servers, asking):
    user = sender()
    servers.say(user, "/lang fil", "webchat")
    replies = servers.say(user, asking, "webchat")
    assert picker(replies), texts(replies)
    assert picker(replies)[0] == '/choose_language{"language":"fil"}'
    assert replies[0]["language"] == "fil"


def test_status_question_and_buttons_come_in_the_chosen_language(servers):
    user, sw = sender(), Translator("sw")
    servers.say(user, "/lang sw", "webchat")
    replies = servers.say(user, "/ask_entitlements", "webchat")
    titles = [b["title"] for m in replies for b in m.get("buttons", [])]
    english = _response("utter_ask_status")
    expected = [sw.response("utter_ask_status", b["title"]) for b in english["buttons"]]
    assert titles[-len(expected) :] == expected
    assert expected != [b["title"] for b in english["buttons"]]  # really translated
    assert all(m["language"] == "sw" for m in replies)


def _response(name: str) -> dict:
    from engine.loader import read_document
    from i18n.extract import DOMAIN_DIR

    for path in DOMAIN_DIR.glob("*.yml"):
        document, _ = read_document(path)
        found = (document.data.get("responses") or {}).get(name)
        if found:
            return found[0]
    raise KeyError(name)


def _english_greet() -> str:
    return _response("utter_greet")["text"]

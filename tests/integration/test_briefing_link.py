"""A briefing's deep link starts a web chat conversation with the corridor already set.

The page sends `/greet` with metadata {"corridor": {...}} built from the URL parameters
(webchat/app.js); the channel keeps only canonical codes; the profile form reads them, so the
only question left is the status — in the handout's language, without the language picker.
"""

from __future__ import annotations

import pytest
import requests

from engine import vocab
from engine.resolve import Profile, resolve
from engine.settings import tables_dir
from engine.store import Store
from i18n.catalog import Translator

pytestmark = pytest.mark.integration


def _buttons(messages: list[dict]) -> list[str]:
    return [b["payload"] for m in messages for b in m.get("buttons", [])]


def _corridor(origin: str, destination: str, sector: str, lang: str) -> dict:
    return {
        "language": lang,
        "languages": [lang, "en"],
        "corridor": {
            "origin": origin,
            "destination": destination,
            "sector": sector,
            "language": lang,
            "name": "not kept",  # anything else is dropped by the channel
        },
    }


def test_deep_link_fills_corridor_and_asks_only_status(servers):
    sender = "it-briefing-link"
    first = servers.say(
        sender, "/greet", channel="webchat", metadata=_corridor("NP", "QA", "construction", "ne")
    )
    payloads = _buttons(first)
    assert not any("choose_language" in p for p in payloads), payloads  # no picker
    for status in vocab.STATUSES:
        assert any(status in p for p in payloads), f"no button for {status}: {payloads}"
    assert not any("country" in p or "sector" in p for p in payloads), payloads
    assert all(m.get("language") == "ne" for m in first), first

    answer = servers.say(sender, '/inform{"status":"migrant_worker"}', channel="webchat")
    text = "\n".join(m.get("text", "") for m in answer)
    store = Store.from_tables(tables_dir())
    res = resolve(store, Profile("migrant_worker", "construction", "NP", "QA"))
    t = Translator("ne")
    for branch, finding in res.findings.items():
        assert t.text(f"branch.{branch}") in text
        assert t.text(f"level.{finding.level}") in text
    tracker = requests.get(
        f"{servers.rasa_url}/conversations/{_sender_id(sender)}/tracker", timeout=30
    )
    if tracker.ok:  # the sender id is pseudonymized: only checked when it can be found
        slots = tracker.json()["slots"]
        assert (slots["origin"], slots["destination"], slots["sector"]) == (
            "NP",
            "QA",
            "construction",
        )


def _sender_id(sender: str) -> str:
    from channels.identity import pseudonymize

    return pseudonymize("web", sender)

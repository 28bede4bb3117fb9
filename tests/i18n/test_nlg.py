"""The catalog NLG in the Rasa server: translated responses, and fallbacks counted for staff."""

from __future__ import annotations

import asyncio

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from engine import usage
from i18n.catalog import Translator
from i18n.nlg import CatalogNLG


def test_fallback_is_translated_and_counted(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'store.sqlite3'}")
    domain = Domain.load("bot/domain")
    tracker = DialogueStateTracker.from_events("x", [SlotSet("language", "sw")], domain.slots)
    nlg = CatalogNLG(domain=domain)
    reply = asyncio.run(nlg.generate("utter_default", tracker, "rest"))
    source = domain.responses["utter_default"][0]["text"]
    assert reply["text"] == Translator("sw").response("utter_default", source)
    assert reply["language"] == "sw" and reply["direction"] == "ltr"
    asyncio.run(nlg.generate("utter_greet", tracker, "rest"))  # not a fallback
    counts = usage.report(usage._engine_for(f"sqlite:///{tmp_path / 'store.sqlite3'}")).counts
    assert counts["topic"] == {"fallback": 1}
    assert counts["language"] == {"sw": 1}

"""Tracker fixtures: actions run against a store compiled from the real tables."""

from __future__ import annotations

from typing import Any

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import common


@pytest.fixture(scope="session")
def _database_url(tmp_path_factory) -> str:
    return f"sqlite:///{tmp_path_factory.mktemp('store') / 'entitlements.sqlite3'}"


@pytest.fixture(autouse=True)
def table_store(_database_url, monkeypatch):
    """The actions' own store, compiled on first use from the real tables (as in production)."""
    monkeypatch.setenv("DATABASE_URL", _database_url)
    common.store.cache_clear()
    yield common.store()
    common.store.cache_clear()


def make_tracker(
    slots: dict[str, Any] | None = None,
    text: str = "",
    intent: str = "inform",
    entities: list[dict] | None = None,
    events: list[dict] | None = None,
    active_loop: str | None = None,
) -> Tracker:
    return Tracker(
        sender_id="test",
        slots={"language": None, "requested_slot": None, **(slots or {})},
        latest_message={
            "text": text,
            "intent": {"name": intent, "confidence": 1.0},
            "entities": entities or [],
        },
        events=events or [],
        paused=False,
        followup_action=None,
        active_loop={"name": active_loop} if active_loop else {},
        latest_action_name="action_listen",
    )


@pytest.fixture()
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


PROFILE = {
    "status": "migrant_worker",
    "sector": "construction",
    "origin": "NP",
    "destination": "QA",
}

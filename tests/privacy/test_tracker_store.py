"""`forget_me` deletes the whole conversation from the store in the same turn; nothing else does."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from privacy.tracker_store import PrivateSQLTrackerStore

DOMAIN = Domain.from_yaml("version: '3.1'\nslots:\n  origin:\n    type: text\n    mappings: []\n")


def rows(db: Path, sender: str) -> int:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT count(*) FROM events WHERE sender_id = ?", (sender,)).fetchone()[
            0
        ]


@pytest.fixture
def store(tmp_path: Path) -> tuple[PrivateSQLTrackerStore, Path]:
    db = tmp_path / "tracker.sqlite3"
    return PrivateSQLTrackerStore(domain=DOMAIN, dialect="sqlite", db=str(db)), db


def turn(tracker: DialogueStateTracker, text: str, *events) -> None:
    tracker.update(UserUttered(text, {"name": "inform", "confidence": 1.0}))
    for event in events:
        tracker.update(event)
    tracker.update(ActionExecuted("action_listen"))


def test_forget_me_deletes_every_event_of_the_sender_only(store) -> None:
    tracker_store, db = store
    for sender in ("person-a", "person-b"):
        tracker = DialogueStateTracker(sender, DOMAIN.slots)
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        turn(tracker, "I am from Nepal", SlotSet("origin", "NP"))
        asyncio.run(tracker_store.save(tracker))
    assert rows(db, "person-a") > 0 and rows(db, "person-b") > 0

    tracker = asyncio.run(tracker_store.retrieve("person-a"))
    turn(tracker, "forget me", ActionExecuted("action_forget_me"))
    asyncio.run(tracker_store.save(tracker))

    assert rows(db, "person-a") == 0
    assert rows(db, "person-b") > 0
    assert asyncio.run(tracker_store.retrieve("person-a")) is None


def test_other_turns_are_appended_as_rasa_does(store) -> None:
    tracker_store, db = store
    tracker = DialogueStateTracker("person-c", DOMAIN.slots)
    turn(tracker, "hello")
    asyncio.run(tracker_store.save(tracker))
    before = rows(db, "person-c")
    tracker = asyncio.run(tracker_store.retrieve("person-c"))
    turn(tracker, "start over", ActionExecuted("action_restart"))
    asyncio.run(tracker_store.save(tracker))
    assert rows(db, "person-c") == before + 3


def test_an_old_forget_me_does_not_delete_later_turns(store) -> None:
    """Only the turn that asks deletes: a person who comes back is not deleted again and again."""
    tracker_store, db = store
    tracker = DialogueStateTracker("person-d", DOMAIN.slots)
    turn(tracker, "forget me", ActionExecuted("action_forget_me"))
    asyncio.run(tracker_store.save(tracker))
    assert rows(db, "person-d") == 0
    tracker = DialogueStateTracker("person-d", DOMAIN.slots)
    turn(tracker, "hello again")
    asyncio.run(tracker_store.save(tracker))
    tracker = asyncio.run(tracker_store.retrieve("person-d"))
    turn(tracker, "I am from Nepal", SlotSet("origin", "NP"))
    asyncio.run(tracker_store.save(tracker))
    assert rows(db, "person-d") == 5  # 2 + 3 events, all kept


def test_forget_me_also_deletes_the_persons_requests_for_staff(
    store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlalchemy as sa

    from engine import handoffs

    url = f"sqlite:///{tmp_path / 'entitlements.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    engine = sa.create_engine(url)
    handoffs.open_or_update(engine, "person-e", "ne", {"origin": "NP"}, "help me please")
    handoffs.open_or_update(engine, "person-f", "en", {"origin": "PH"}, "talk to someone")
    tracker_store, _ = store
    tracker = DialogueStateTracker("person-e", DOMAIN.slots)
    turn(tracker, "forget me", ActionExecuted("action_forget_me"))
    asyncio.run(tracker_store.save(tracker))
    assert [h.sender_id for h in handoffs.list_open(engine)] == ["person-f"]

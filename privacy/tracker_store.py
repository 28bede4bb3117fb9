"""Rasa's SQL tracker store, plus "forget me" that really forgets.

`action_forget_me` can only return events, and events are appended: the conversation would stay
in the store. This store watches what it is asked to save; when the turn contains the
`action_forget_me` step, it deletes every stored event of that sender (all sessions) instead of
appending, in the same turn, and drops the person's open handoff record. The next message starts
a conversation from nothing. Works on SQLite (the embedded default) and PostgreSQL (production),
as it only uses Rasa's own table through SQLAlchemy.

endpoints.yml:
    tracker_store:
      type: privacy.tracker_store.PrivateSQLTrackerStore
      dialect: sqlite
      db: var/tracker.sqlite3
"""

from __future__ import annotations

import logging
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted
from rasa.shared.core.trackers import DialogueStateTracker

from privacy import logs

logger = logging.getLogger(__name__)

FORGET_ACTION = "action_forget_me"


class PrivateSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that deletes a conversation when the person asks to be forgotten."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        logs.install()
        super().__init__(*args, **kwargs)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the turn's events, or delete the whole conversation after `forget_me`."""
        with self.session_scope() as session:
            new_events = list(self._additional_events(session, tracker))
        if any(
            isinstance(event, ActionExecuted) and event.action_name == FORGET_ACTION
            for event in new_events
        ):
            self.forget(tracker.sender_id)
            return
        await super().save(tracker)

    def forget(self, sender_id: str) -> int:
        """Delete every event of `sender_id`; returns how many rows went."""
        with self.session_scope() as session:
            deleted = (
                session.query(self.SQLEvent)
                .filter(self.SQLEvent.sender_id == sender_id)
                .delete(synchronize_session=False)
            )
            session.commit()
        forget_handoffs(sender_id)
        logger.info("A conversation was forgotten at the person's request (%d events).", deleted)
        return deleted


def forget_handoffs(sender_id: str) -> None:
    """Remove the person's handoff requests too: staff must not keep what the person took back."""
    from engine import handoffs, settings

    handoffs.forget(settings.database_url(), sender_id)

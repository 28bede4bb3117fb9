"""Emergencies and requests for a person: contacts from the tables, before anything else."""

from __future__ import annotations

import logging
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import PROFILE_SLOTS, language, live, resolution, send, store, translator
from actions.usage import record
from engine import handoffs, settings, vocab
from i18n import render
from i18n.catalog import Translator

logger = logging.getLogger(__name__)


class ActionEmergency(Action):
    """Emergency numbers at once; where the country is not known yet, asks it with buttons."""

    def name(self) -> str:
        return "action_emergency"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        t = translator(tracker)
        destinations = store().country_codes("destination")
        send(dispatcher, t, render.emergency(resolution(tracker), t, destinations))
        record(tracker, "emergency")
        return []


# What the person was asking about before they asked for a person, in the staff's words.
QUESTION_TOPICS = {
    "ask_register": "button.register",
    "ask_complain": "button.complain",
    "ask_portability": "button.going_home",
    "emergency": "button.emergency",
}


def handoff_topic(tracker: Tracker) -> str | None:
    """The branch they asked about, or their latest question's subject (English, for staff)."""
    staff = Translator("en")
    branch = tracker.get_slot("branch")
    for event in reversed(tracker.events):
        intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
        if event.get("event") != "user" or intent is None:
            continue
        if intent == "ask_benefit" and branch in vocab.BRANCHES:
            return staff.text(f"branch.{branch}")
        if intent in QUESTION_TOPICS:
            return staff.text(QUESTION_TOPICS[intent])
    return staff.text(f"branch.{branch}") if branch in vocab.BRANCHES else None


def handoff_words(tracker: Tracker) -> str:
    """The message that asked for a person; a tapped button's payload is not the person's words."""
    text = str((tracker.latest_message or {}).get("text") or "")
    return "" if text.startswith("/") else text


class ActionHumanHandoff(Action):
    """Records the request for welfare-fund staff, then says honestly what happens next.

    The record (engine.handoffs) holds the pseudonymous sender id, the language, the profile and
    the masked stated need; if it cannot be written, the person is told so and still gets the
    contacts, rather than a promise nobody will keep.
    """

    def name(self) -> str:
        return "action_human_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        t = translator(tracker)
        res = resolution(tracker)
        try:
            recorded, new = handoffs.open_or_update(
                live().store.engine,
                tracker.sender_id,
                language(tracker),
                {name: tracker.get_slot(name) for name in PROFILE_SLOTS},
                handoff_words(tracker),
                handoff_topic(tracker),
            )
            days = settings.handoff_reply_days()
            messages = render.handoff(res, t, recorded.reference, days, new=new)
        except Exception as exc:  # the type only: SQL errors can quote the person's words
            logger.error("the handoff could not be recorded (%s)", type(exc).__name__)
            messages = [render.Message(t.text("handoff.not_recorded")), *render.human_help(res, t)]
        send(dispatcher, t, messages)
        record(tracker, "human_handoff")
        return []

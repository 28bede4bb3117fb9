"""Counts what people ask about, for staff (`entitlements report`): numbers only, per day.

Never the sender, the text or the time of day; a failure to count never affects the reply.
"""

from __future__ import annotations

import logging

from rasa_sdk import Tracker

from actions.common import language, store
from engine import usage
from engine.resolve import Resolution

logger = logging.getLogger(__name__)


def record(tracker: Tracker, topic: str, resolution: Resolution | None = None) -> None:
    events = [("topic", topic), ("language", language(tracker))]
    if resolution is not None:
        profile = resolution.profile
        events.append(("corridor", f"{profile.origin or '?'}-{profile.destination or '?'}"))
        events += [
            ("unknown", f"{profile.destination or '?'}/{branch}")
            for branch, finding in resolution.findings.items()
            if not finding.known
        ]
    try:
        usage.count(store().engine, events)
    except Exception:  # counting is never worth a lost answer
        logger.exception("usage counters could not be updated")

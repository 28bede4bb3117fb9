"""The privacy notice in the chat ("privacy", /privacy, the button under the first message)."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import send, translator
from actions.usage import record
from engine import settings
from i18n import render


class ActionPrivacy(Action):
    """Says what is kept, for how long, who sees it, and how to be forgotten."""

    def name(self) -> str:
        return "action_privacy"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        t = translator(tracker)
        send(dispatcher, t, render.privacy(t, settings.retention_days()))
        record(tracker, "privacy")
        return []

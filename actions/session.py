"""Starting over and forgetting a person."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import PROFILE_SLOTS, say, translator


class ActionStartOver(Action):
    """Clears the profile but keeps the language the person chose.

    It overrides Rasa's default `action_restart`, which the `restart` intent triggers before any
    rule and which would wipe the whole conversation, language included.
    """

    def name(self) -> str:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        t = translator(tracker)
        say(dispatcher, t, t.text("start_over.done"))
        cleared = [SlotSet(name, None) for name in (*PROFILE_SLOTS, "branch")]
        return [ActiveLoop(None), *cleared, SlotSet("profile_complete", False)]


class ActionForgetMe(Action):
    """Clears everything, language included, and stops any question in progress."""

    def name(self) -> str:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        t = translator(tracker)
        say(dispatcher, t, t.text("forget_me.done"))
        return [ActiveLoop(None), AllSlotsReset(), SlotSet("profile_complete", False)]

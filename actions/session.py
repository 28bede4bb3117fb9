"""Starting over, forgetting a person, and choosing the language."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import PROFILE_SLOTS, translator
from i18n.catalog import Translator, available_languages, normalise_language
from i18n.names import language_name


class ActionStartOver(Action):
    """Clears the profile but keeps the language the person chose.

    It overrides Rasa's default `action_restart`, which the `restart` intent triggers before any
    rule and which would wipe the whole conversation, language included.
    """

    def name(self) -> str:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        dispatcher.utter_message(text=translator(tracker).text("start_over.done"))
        cleared = [SlotSet(name, None) for name in (*PROFILE_SLOTS, "branch")]
        return [ActiveLoop(None), *cleared, SlotSet("profile_complete", False)]


class ActionForgetMe(Action):
    """Clears everything, language included, and stops any question in progress."""

    def name(self) -> str:
        return "action_forget_me"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        dispatcher.utter_message(text=translator(tracker).text("forget_me.done"))
        return [ActiveLoop(None), AllSlotsReset(), SlotSet("profile_complete", False)]


class ActionChooseLanguage(Action):
    def name(self) -> str:
        return "action_choose_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        wanted = normalise_language(tracker.get_slot("language"))
        previous = _previous_language(tracker)
        if wanted in available_languages():
            t = translator(tracker)
            dispatcher.utter_message(text=t.text("language.set", language=language_name(wanted)))
            return [SlotSet("language", wanted)]
        t = Translator(previous)
        dispatcher.utter_message(
            text=t.text(
                "language.unavailable",
                language=language_name(wanted, previous),
                current=language_name(previous),
            )
        )
        return [SlotSet("language", previous)]


def _previous_language(tracker: Tracker) -> str:
    """The language before this turn's slot change (English if none)."""
    values = [
        e.get("value")
        for e in tracker.events
        if e.get("event") == "slot" and e.get("name") == "language"
    ]
    earlier = [v for v in values[:-1] if v]
    return normalise_language(earlier[-1]) if earlier else "en"

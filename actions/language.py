"""Choosing the language: the picker at the start, and switching at any time.

The picker names each language in itself (CLDR) and puts first the language the channel
declared (browser) or the identifier guessed from the first message: a suggestion, never a
switch, because romanized text cannot be identified. A choice is kept in the `language` slot,
which carries over to new sessions.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import language, say, translator
from i18n.catalog import Translator
from i18n.languages import metadata_language, picker_buttons, supported
from i18n.names import language_name


def hinted_language(tracker: Tracker) -> str | None:
    """The identifier's guess for the latest message (`nlu.components.LanguageIdentifier`)."""
    hint = (tracker.latest_message or {}).get("language_hint") or {}
    return supported(hint.get("language")) if isinstance(hint, dict) else None


def offer_language(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """Show the picker once per person, unless they already chose a language."""
    if tracker.get_slot("language") or tracker.get_slot("language_offered"):
        return []
    t = translator(tracker)
    metadata = (tracker.latest_message or {}).get("metadata")
    first = [metadata_language(metadata), hinted_language(tracker)]
    say(dispatcher, t, t.text("language.pick"), picker_buttons(first))
    return [SlotSet("language_offered", True)]


class ActionChooseLanguage(Action):
    """Sets the language named in the message, or shows the picker when none was named.

    A language we do not have keeps the previous one and says so in it.
    """

    def name(self) -> str:
        return "action_choose_language"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        named = [
            e.get("value")
            for e in (tracker.latest_message or {}).get("entities", [])
            if e.get("entity") == "language"
        ]
        previous = _previous_language(tracker)
        if not named and tracker.get_slot("language") != _previous_choice(tracker):
            named = [tracker.get_slot("language")]  # set by a slot mapping or a button payload
        if not named:
            t = Translator(previous)
            first = [
                tracker.get_slot("language"),
                hinted_language(tracker),
                metadata_language((tracker.latest_message or {}).get("metadata")),
            ]
            say(dispatcher, t, t.text("language.pick"), picker_buttons(first))
            return [SlotSet("language_offered", True)]
        wanted = supported(named[-1])
        if wanted:
            t = Translator(wanted)
            say(dispatcher, t, t.text("language.set", language=language_name(wanted, title=False)))
            return [SlotSet("language", wanted), SlotSet("language_offered", True)]
        t = Translator(previous)
        say(
            dispatcher,
            t,
            t.text(
                "language.unavailable",
                language=language_name(str(named[-1]), previous, title=False),
                current=language_name(previous, title=False),
            ),
        )
        return [SlotSet("language", _previous_choice(tracker))]


def _previous_choice(tracker: Tracker) -> str | None:
    """The `language` slot as it was before the latest user message (None if never set)."""
    last_user = max(
        (i for i, e in enumerate(tracker.events) if e.get("event") == "user"), default=-1
    )
    values = [
        e.get("value")
        for e in tracker.events[: max(last_user, 0)]
        if e.get("event") == "slot" and e.get("name") == "language"
    ]
    return supported(values[-1]) if values else None


def _previous_language(tracker: Tracker) -> str:
    """The language spoken before this turn: the earlier choice, the channel's, or English."""
    metadata = (tracker.latest_message or {}).get("metadata")
    return _previous_choice(tracker) or metadata_language(metadata) or "en"


__all__ = ["ActionChooseLanguage", "language", "offer_language"]

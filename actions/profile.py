"""The profile form: validation of each answer and the country questions with buttons.

Values arrive already canonical from the NLU (ISO codes, status and sector names) or from
buttons; anything else, including a forged payload, is refused politely and asked again.
Free text the NLU could not read as a country gets a "did you mean…" list.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.common import language, say, store, translator
from actions.language import offer_language
from engine import vocab
from i18n.names import country_name, is_country, match_country
from i18n.render import payload

COUNTRY_BUTTONS = 8
# Intents with which a person answers the question asked (a typo may fall back to nlu_fallback).
ANSWERING_INTENTS = {"inform", "nlu_fallback", "out_of_scope"}


def _user_text(tracker: Tracker) -> str:
    return (tracker.latest_message.get("text") or "").strip()


def _answered(tracker: Tracker, slot: str) -> bool:
    """True when the last message tried to answer the question about `slot`."""
    intent = tracker.latest_message.get("intent", {}).get("name")
    text = _user_text(tracker)
    return (
        tracker.get_slot("requested_slot") == slot
        and intent in ANSWERING_INTENTS
        and bool(text)
        and not text.startswith("/")
    )


def corridor(tracker: Tracker) -> dict[str, str]:
    """A briefing's deep-link preset the web chat sent as metadata (channels/webchat.py)."""
    metadata = (tracker.latest_message or {}).get("metadata") or {}
    value = metadata.get("corridor") if isinstance(metadata, dict) else None
    return {k: v for k, v in value.items() if isinstance(v, str)} if isinstance(value, dict) else {}


class ValidateProfileForm(FormValidationAction):
    def name(self) -> str:
        return "validate_profile_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict):
        """Before the first question, once per person, the language picker.

        A deep link from a briefing names the handout's language: that counts as chosen.
        """
        chosen = corridor(tracker).get("language")
        if chosen and not tracker.get_slot("language"):
            preset = [SlotSet("language", chosen), SlotSet("language_offered", True)]
            return [*preset, *await super().run(dispatcher, tracker, domain)]
        offered = offer_language(dispatcher, tracker)
        return [*offered, *await super().run(dispatcher, tracker, domain)]

    def _preset(self, tracker: Tracker, slot: str) -> dict[str, Any]:
        value = corridor(tracker).get(slot)
        return {slot: value} if value and not tracker.get_slot(slot) else {}

    async def extract_sector(self, dispatcher, tracker: Tracker, domain: DomainDict):
        return self._preset(tracker, "sector")

    def _choice(self, value: Any, allowed: tuple[str, ...], slot: str, dispatcher, tracker):
        if value in allowed:
            return {slot: value}
        t = translator(tracker)
        say(dispatcher, t, t.text("profile.invalid_value"))
        return {slot: None}

    def validate_status(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return self._choice(value, vocab.STATUSES, "status", dispatcher, tracker)

    def validate_sector(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return self._choice(value, vocab.SECTORS, "sector", dispatcher, tracker)

    def _country(self, value: Any, slot: str) -> dict[str, Any]:
        code = value.upper() if isinstance(value, str) else None
        return {slot: code if is_country(code) else None}

    def validate_origin(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return self._country(value, "origin")

    def validate_destination(self, value: Any, dispatcher, tracker: Tracker, domain: DomainDict):
        return self._country(value, "destination")

    async def extract_origin(self, dispatcher, tracker: Tracker, domain: DomainDict):
        return self._extract_country(tracker, "origin")

    async def extract_destination(self, dispatcher, tracker: Tracker, domain: DomainDict):
        return self._extract_country(tracker, "destination")

    def _extract_country(self, tracker: Tracker, slot: str) -> dict[str, Any]:
        """A close spelling the NLU missed ("Nepaal") is accepted when there is one clear match."""
        preset = self._preset(tracker, slot)
        if preset:
            return preset
        if tracker.get_slot(slot) or not _answered(tracker, slot):
            return {}
        if any(e.get("entity") == "country" for e in tracker.latest_message.get("entities", [])):
            return {}
        matches = match_country(_user_text(tracker), language(tracker), cutoff=85)
        return {slot: matches[0]} if len(matches) == 1 else {}


class _AskCountry(Action):
    """Asks for a country with buttons for the countries the tables know best."""

    slot = ""

    def name(self) -> str:
        return f"action_ask_{self.slot}"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        t = translator(tracker)
        if _answered(tracker, self.slot):
            typed = _user_text(tracker)
            codes = match_country(typed, t.language)
            key = "profile.did_you_mean" if codes else "profile.unknown_country"
            codes = codes or self._known()
            text = t.text(key, text=typed, example=country_name(codes[0], t.language))
        else:
            codes = self._known()
            text = t.text(f"profile.ask_{self.slot}")
        buttons = [
            {"title": country_name(code, t.language), "payload": payload("inform", country=code)}
            for code in codes
        ]
        say(dispatcher, t, text, buttons)
        return []

    def _known(self) -> list[str]:
        role = "destination" if self.slot == "destination" else "origin"
        return store().country_codes(role)[:COUNTRY_BUTTONS]


class ActionAskOrigin(_AskCountry):
    slot = "origin"


class ActionAskDestination(_AskCountry):
    slot = "destination"

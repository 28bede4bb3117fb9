"""Emergencies and requests for a person: contacts from the tables, before anything else."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import resolution, send, translator
from actions.usage import record
from engine.resolve import Resolution
from i18n import render
from i18n.catalog import Translator


class _ContactsAction(Action):
    action_name = ""
    renderer: Callable[[Resolution, Translator], list[render.Message]]

    def name(self) -> str:
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        t = translator(tracker)
        send(dispatcher, t, type(self).renderer(resolution(tracker), t))
        record(tracker, self.action_name.removeprefix("action_"))
        return []


class ActionEmergency(_ContactsAction):
    action_name, renderer = "action_emergency", render.emergency


class ActionHumanHandoff(_ContactsAction):
    action_name, renderer = "action_human_handoff", render.human_help

"""Answers about entitlements: the summary, one branch, registration, complaints, going home."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import resolution, send, translator
from actions.usage import record
from engine import vocab
from engine.resolve import Resolution
from i18n import render
from i18n.catalog import Translator

# What the person asked before the form collected their profile decides the first answer.
TOPICS = {
    "ask_benefit": "branch",
    "ask_register": "register",
    "ask_complain": "complain",
    "ask_portability": "portability",
}


def form_just_completed(tracker: Tracker) -> bool:
    """True when the profile form ended after the person's latest message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return False
        if event.get("event") == "active_loop" and event.get("name") is None:
            return True
    return False


def _intent(event: dict) -> str | None:
    return (event.get("parse_data") or {}).get("intent", {}).get("name")


def question_before_form(tracker: Tracker) -> str | None:
    """The last question asked while the profile form ran, or the one that started it."""
    events = list(tracker.events)
    started = max(
        (
            i
            for i, e in enumerate(events)
            if e.get("event") == "active_loop" and e.get("name") == "profile_form"
        ),
        default=None,
    )
    if started is None:
        return None
    before = [e for e in events[:started] if e.get("event") == "user"][-1:]
    during = [e for e in events[started:] if e.get("event") == "user"]
    asked = [_intent(e) for e in [*before, *during] if _intent(e) in TOPICS]
    return asked[-1] if asked else None


def topic_messages(
    topic: str, tracker: Tracker, res: Resolution, t: Translator
) -> list[render.Message]:
    branch = tracker.get_slot("branch")
    if topic == "branch" and branch in vocab.BRANCHES:
        return render.branch_detail(res, branch, t)
    if topic == "branch":
        return [render.Message(t.text("summary.offer"), render.topic_buttons(t, vocab.BRANCHES))]
    if topic == "register":
        return render.registration(res, t)
    if topic == "complain":
        return render.complaints(res, t)
    if topic == "portability":
        return render.portability(res, t)
    return render.summary(res, t)


class ActionAnswerEntitlements(Action):
    def name(self) -> str:
        return "action_answer_entitlements"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        started_by = question_before_form(tracker) if form_just_completed(tracker) else None
        topic = TOPICS.get(started_by or "", "summary")
        res, t = resolution(tracker), translator(tracker)
        send(dispatcher, t, topic_messages(topic, tracker, res, t))
        record(tracker, topic, res)
        return [SlotSet("profile_complete", True)]


class _TopicAction(Action):
    """Answers one topic for the profile in the tracker."""

    action_name = ""
    topic = ""

    def name(self) -> str:
        return self.action_name

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]):
        t = translator(tracker)
        send(dispatcher, t, topic_messages(self.topic, tracker, resolution(tracker), t))
        record(tracker, self.topic)
        return []


class ActionExplainBranch(_TopicAction):
    action_name, topic = "action_explain_branch", "branch"


class ActionWhereRegister(_TopicAction):
    action_name, topic = "action_where_register", "register"


class ActionWhereComplain(_TopicAction):
    action_name, topic = "action_where_complain", "complain"


class ActionPortability(_TopicAction):
    action_name, topic = "action_portability", "portability"

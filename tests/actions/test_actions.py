"""Actions are thin: they pass the tracker's profile to the engine and send what i18n rendered."""

from __future__ import annotations

import asyncio

from rasa_sdk.events import SlotSet

from actions.answers import (
    ActionAnswerEntitlements,
    ActionExplainBranch,
    ActionPortability,
    ActionWhereComplain,
    question_before_form,
)
from actions.help import ActionEmergency
from actions.language import ActionChooseLanguage
from actions.profile import ActionAskDestination, ActionAskOrigin, ValidateProfileForm
from actions.session import ActionForgetMe, ActionStartOver
from engine.resolve import Profile, resolve
from i18n.catalog import Translator
from tests.actions.conftest import PROFILE, make_tracker

t = Translator("en")


def run(action, dispatcher, tracker):
    return asyncio.run(action.run(dispatcher, tracker, {}))


def said(dispatcher) -> str:
    return "\n".join(m.get("text") or "" for m in dispatcher.messages)


def test_answer_summary_follows_the_tables(dispatcher, table_store):
    events = run(ActionAnswerEntitlements(), dispatcher, make_tracker(PROFILE))
    assert SlotSet("profile_complete", True) in events
    result = resolve(table_store, Profile(**PROFILE))
    text = said(dispatcher)
    for branch, finding in result.findings.items():
        assert f"{t.text(f'branch.{branch}')}: {t.text(f'level.{finding.level}')}" in text
    assert "reviewed" in text


def test_answer_after_form_answers_the_question_that_started_it(dispatcher):
    events = [
        {
            "event": "user",
            "text": "where can I complain",
            "parse_data": {"intent": {"name": "ask_complain"}},
        },
        {"event": "active_loop", "name": "profile_form"},
        {"event": "user", "text": "Qatar", "parse_data": {"intent": {"name": "inform"}}},
        {"event": "active_loop", "name": None},
    ]
    tracker = make_tracker(PROFILE, intent="inform", events=events)
    assert question_before_form(tracker) == "ask_complain"
    run(ActionAnswerEntitlements(), dispatcher, tracker)
    assert t.text("complain.header", destination="Qatar") in said(dispatcher)


def test_correction_outside_the_form_gets_the_summary(dispatcher):
    events = [
        {
            "event": "user",
            "text": "where can I complain",
            "parse_data": {"intent": {"name": "ask_complain"}},
        },
        {"event": "active_loop", "name": "profile_form"},
        {"event": "user", "text": "Qatar", "parse_data": {"intent": {"name": "inform"}}},
        {"event": "active_loop", "name": None},
        {
            "event": "user",
            "text": "actually I work in Saudi",
            "parse_data": {"intent": {"name": "inform"}},
        },
    ]
    run(ActionAnswerEntitlements(), dispatcher, make_tracker(PROFILE, events=events))
    assert t.text("summary.offer") in said(dispatcher)


def test_branch_detail_shows_rule_summary_and_sources(dispatcher, table_store):
    run(ActionExplainBranch(), dispatcher, make_tracker({**PROFILE, "branch": "employment_injury"}))
    rule = resolve(table_store, Profile(**PROFILE)).findings["employment_injury"].rule
    text = said(dispatcher)
    assert rule.summary in text
    assert all(source in text for source in rule.sources)


def test_branch_question_without_branch_offers_all_topics(dispatcher):
    run(ActionExplainBranch(), dispatcher, make_tracker(PROFILE))
    assert len(dispatcher.messages[0]["buttons"]) >= 9


def test_complaint_contacts(dispatcher, table_store):
    run(ActionWhereComplain(), dispatcher, make_tracker(PROFILE))
    for institution in resolve(table_store, Profile(**PROFILE)).complain:
        assert institution.name in said(dispatcher)


def test_undocumented_gets_the_safety_note_before_complaining(dispatcher, table_store):
    run(ActionWhereComplain(), dispatcher, make_tracker({**PROFILE, "status": "undocumented"}))
    text = said(dispatcher)
    warning = text.index(t.text("complain.safety_warning", destination="Qatar").split(":")[0])
    official = resolve(table_store, Profile(**PROFILE)).complain
    assert official and all(warning < text.index(i.name) for i in official)


def test_portability(dispatcher, table_store):
    run(ActionPortability(), dispatcher, make_tracker(PROFILE))
    for fact in resolve(table_store, Profile(**PROFILE)).leaving:
        assert fact.summary in said(dispatcher)


def test_emergency_with_no_profile_still_answers(dispatcher):
    run(ActionEmergency(), dispatcher, make_tracker({}))
    assert said(dispatcher)


def test_validate_refuses_forged_values(dispatcher):
    form = ValidateProfileForm()
    tracker = make_tracker()
    assert form.validate_status("king", dispatcher, tracker, {}) == {"status": None}
    assert form.validate_status("refugee", dispatcher, tracker, {}) == {"status": "refugee"}
    assert form.validate_sector("construction", dispatcher, tracker, {}) == {
        "sector": "construction"
    }
    assert form.validate_origin("np", dispatcher, tracker, {}) == {"origin": "NP"}
    assert form.validate_destination("EU", dispatcher, tracker, {}) == {"destination": None}
    assert t.text("profile.invalid_value") in said(dispatcher)


def test_extract_close_spelling_only_when_clear(dispatcher):
    form = ValidateProfileForm()
    typo = make_tracker({"requested_slot": "origin"}, text="Bangaldesh", intent="nlu_fallback")
    assert asyncio.run(form.extract_origin(dispatcher, typo, {})) == {"origin": "BD"}
    vague = make_tracker({"requested_slot": "origin"}, text="Narnia", intent="inform")
    assert asyncio.run(form.extract_origin(dispatcher, vague, {})) == {}
    other_question = make_tracker(
        {"requested_slot": "origin"}, text="Nepal", intent="bot_challenge"
    )
    assert asyncio.run(form.extract_origin(dispatcher, other_question, {})) == {}


def test_ask_origin_buttons_come_from_the_tables(dispatcher, table_store):
    run(ActionAskOrigin(), dispatcher, make_tracker())
    message = dispatcher.messages[0]
    assert message["text"] == t.text("profile.ask_origin")
    codes = table_store.country_codes("origin")
    assert [b["payload"] for b in message["buttons"]] == [
        f'/inform{{"country":"{c}"}}' for c in codes[:8]
    ]


def test_ask_destination_did_you_mean(dispatcher):
    tracker = make_tracker({"requested_slot": "destination"}, text="Quatar", intent="inform")
    run(ActionAskDestination(), dispatcher, tracker)
    message = dispatcher.messages[0]
    assert message["text"] == t.text("profile.did_you_mean", text="Quatar")
    assert '/inform{"country":"QA"}' in [b["payload"] for b in message["buttons"]]


def test_start_over_keeps_the_language(dispatcher):
    events = run(ActionStartOver(), dispatcher, make_tracker({**PROFILE, "language": "en"}))
    names = {e["name"] for e in events if e.get("event") == "slot"}
    assert {"status", "sector", "origin", "destination"} <= names
    assert "language" not in names


def test_forget_me_resets_everything(dispatcher):
    events = run(ActionForgetMe(), dispatcher, make_tracker(PROFILE))
    assert {"event": "reset_slots", "timestamp": None} in events
    assert t.text("forget_me.done") in said(dispatcher)


def test_choose_unavailable_language_keeps_the_current_one(dispatcher):
    events = [
        {"event": "slot", "name": "language", "value": "en"},
        {"event": "user"},
        {"event": "slot", "name": "language", "value": "zz"},
    ]
    result = run(
        ActionChooseLanguage(), dispatcher, make_tracker({"language": "zz"}, events=events)
    )
    assert result == [SlotSet("language", "en")]


def test_a_question_asked_during_the_form_is_answered_at_its_end(dispatcher):
    events = [
        {"event": "user", "text": "hi", "parse_data": {"intent": {"name": "greet"}}},
        {"event": "active_loop", "name": "profile_form"},
        {
            "event": "user",
            "text": "how to register?",
            "parse_data": {"intent": {"name": "ask_register"}},
        },
        {"event": "user", "text": "Qatar", "parse_data": {"intent": {"name": "inform"}}},
        {"event": "active_loop", "name": None},
    ]
    assert question_before_form(make_tracker(PROFILE, events=events)) == "ask_register"
    run(ActionAnswerEntitlements(), dispatcher, make_tracker(PROFILE, events=events))
    assert t.text("register.overview", destination="Qatar") in said(dispatcher)


def test_answers_are_counted_anonymously(dispatcher, table_store):
    from engine import usage

    before = usage.report(table_store.engine, days=1).counts
    run(ActionAnswerEntitlements(), dispatcher, make_tracker(PROFILE))
    after = usage.report(table_store.engine, days=1).counts
    corridor = f"{PROFILE['origin']}-{PROFILE['destination']}"
    assert after["corridor"][corridor] == before["corridor"][corridor] + 1
    assert after["topic"]["summary"] == before["topic"]["summary"] + 1
    unknown = [
        b for b, f in resolve(table_store, Profile(**PROFILE)).findings.items() if not f.known
    ]
    for branch in unknown:
        key = f"{PROFILE['destination']}/{branch}"
        assert after["unknown"][key] == before["unknown"][key] + 1

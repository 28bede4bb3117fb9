"""The hardened REST channel without a server: what it refuses, cleans, caps and answers.

Requests are plain objects with the raw body and `app.ctx.agent`, as Sanic hands them over; the
Rasa turn is a stand-in that records the messages it gets.
"""

from __future__ import annotations

import asyncio
import json
from types import SimpleNamespace
from typing import Any

import pytest
from rasa.core.channels.channel import UserMessage

from channels import turns
from channels.identity import pseudonymize
from channels.rest import BadRequest, SafeRestInput, kept_metadata, parse_body
from channels.webchat import WebchatInput
from i18n.catalog import Translator
from i18n.languages import RLM
from tests.channels.test_turns import FakeAgent, FakeTracker


def request(body: Any, agent: Any = None) -> SimpleNamespace:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return SimpleNamespace(body=raw, app=SimpleNamespace(ctx=SimpleNamespace(agent=agent)))


class Rasa:
    """Records each turn and answers with `replies` (none: a silent turn)."""

    def __init__(self, replies: list[str] | None = None) -> None:
        self.turns: list[UserMessage] = []
        self.replies = replies if replies is not None else ["Hello"]

    async def __call__(self, message: UserMessage) -> None:
        self.turns.append(message)
        for reply in self.replies:
            await message.output_channel.send_text_message(message.sender_id, reply)


def post(channel: SafeRestInput, body: Any, rasa: Rasa, agent: Any = None) -> tuple[int, Any]:
    answer = asyncio.run(channel.receive_message(request(body, agent), rasa))
    return answer.status, json.loads(answer.body)


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"{not json",
        b"\xff\xfe\x00garbage",
        b"[" * 100_000,  # too deep for the parser: a RecursionError, still a 400
        b"1" * 5000,  # an integer too long to convert
        [],
        "just a string",
        {"message": "hello"},
        {"sender": "", "message": "hello"},
        {"sender": 42, "message": "hello"},
        {"sender": "a" * 129, "message": "hello"},
        {"sender": "a", "message": None},
        {"sender": "a", "message": ["hello"]},
        {"sender": "a", "message": "hello", "metadata": "en"},
        {"sender": "a", "message": "\x00\x01 \u200b"},  # nothing left after cleaning
        b'{"sender": "\\ud800", "message": "hi"}',  # a lone surrogate cannot be hashed
    ],
)
def test_bad_requests_get_400_and_a_short_json_error(body):
    rasa = Rasa()
    status, answer = post(SafeRestInput(), body, rasa)
    assert status == 400 and set(answer) == {"error"} and len(answer["error"]) < 60
    assert rasa.turns == []


def test_rasa_gets_a_pseudonym_clean_text_and_only_the_metadata_it_reads():
    rasa = Rasa()
    metadata = {"language": "ne", "name": "Ram", "phone": "+9779812345678", "languages": ["ne"]}
    status, answer = post(
        SafeRestInput(), {"sender": "u1", "message": "hi\x00 there\r\n", "metadata": metadata}, rasa
    )
    assert status == 200 and answer[0]["text"] == "Hello"
    (turn,) = rasa.turns
    assert turn.sender_id == pseudonymize("rest", "u1") and turn.sender_id.startswith("rest-")
    assert answer[0]["recipient_id"] == turn.sender_id  # never the id the client sent
    assert turn.text == "hi there" and turn.input_channel == "rest"
    assert turn.metadata == {"language": "ne", "languages": ["ne"]}


def test_metadata_is_bounded():
    assert kept_metadata({"language": "ne-NP"}) == {"language": "ne-NP"}
    assert kept_metadata({"language": "\ud800"}) is None
    kept = kept_metadata({"language": "x" * 500, "languages": ["ar", 5, "y" * 40] + ["en"] * 50})
    assert kept == {"languages": ["ar", "en", "en", "en", "en", "en", "en", "en"]}
    assert kept_metadata("en") is None and kept_metadata({"other": 1}) is None
    corridor = {"origin": "np", "destination": "QA", "sector": "construction", "name": "x"}
    assert kept_metadata({"corridor": corridor})["corridor"] == {
        "origin": "NP",
        "destination": "QA",
        "sector": "construction",
    }


def test_parse_body_refuses_what_is_not_an_object():
    with pytest.raises(BadRequest):
        parse_body(b"[1, 2]")
    assert parse_body(b'{"a": 1}') == {"a": 1}


@pytest.mark.parametrize("language", ["en", "ar", "ne"])
def test_a_message_over_the_cap_gets_a_polite_answer_and_never_reaches_rasa(language):
    rasa = Rasa()
    agent = FakeAgent({pseudonymize("rest", "u2"): FakeTracker({"language": language})})
    body = {"sender": "u2", "message": "ب" * 100_000, "metadata": {"language": "fr"}}
    status, answer = post(SafeRestInput(), body, rasa, agent)
    assert status == 200 and rasa.turns == []
    (reply,) = answer
    assert reply["language"] == language  # the chosen language, not the page's
    assert reply["text"].lstrip(RLM) == Translator(language).text(
        "input.too_long", limit=turns.MAX_CHARS
    )


def test_exactly_the_cap_still_reaches_rasa():
    rasa = Rasa()
    post(SafeRestInput(), {"sender": "u3", "message": "a" * turns.MAX_CHARS}, rasa)
    assert len(rasa.turns[0].text) == turns.MAX_CHARS


def test_a_silent_turn_with_the_action_server_down_gets_the_fallback(monkeypatch):
    from engine.store import Store

    store = Store.from_tables("entitlements")
    monkeypatch.setattr(turns, "entitlement_store", lambda: store)
    sender = pseudonymize("rest", "u4")
    agent = FakeAgent(
        {sender: FakeTracker({"language": "ar", "origin": "NP", "destination": "QA"})},
        action_url="http://127.0.0.1:9/webhook",  # discard port: nothing answers
    )
    status, answer = post(SafeRestInput(), {"sender": "u4", "message": "hi"}, Rasa([]), agent)
    assert status == 200
    (reply,) = answer
    expected = turns.fallback_text("ar", turns.hotlines(store, "NP", "QA"), "action_server")
    assert reply == {
        "recipient_id": sender,
        "text": expected,
        "language": "ar",
        "direction": "rtl",
    }


def test_webchat_shares_the_checks_with_its_own_prefix_and_language_fields():
    rasa = Rasa()
    channel = WebchatInput()
    assert post(channel, b"nope", rasa)[0] == 400
    status, answer = post(channel, {"sender": "b1", "message": "a" * 5000}, rasa)
    assert status == 200 and rasa.turns == [] and answer[0]["language"] == "en"
    post(channel, {"sender": "b1", "message": "hello", "metadata": {"language": "ar"}}, rasa)
    assert rasa.turns[0].sender_id == pseudonymize("web", "b1")
    assert rasa.turns[0].input_channel == "webchat"


def test_the_url_stays_webhooks_rest_webhook():
    assert SafeRestInput.name() == "rest" and SafeRestInput().url_prefix() == "rest"
    blueprint = SafeRestInput().blueprint(Rasa())
    assert blueprint.name == "custom_webhook_SafeRestInput"

"""The Meta WhatsApp channel without Rasa: signatures, parsing, pseudonyms, sending, limits."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import pytest
from rasa.core.channels.channel import UserMessage

from channels import identity
from channels.messaging import Conversations, Limits, Outgoing, Row, render
from channels.whatsapp import (
    Address,
    GraphAPI,
    WhatsAppConfig,
    WhatsAppInput,
    graph_message,
    parse_webhook,
    signature_ok,
)
from i18n.catalog import Translator
from i18n.languages import RLM, picker_buttons
from tests.channels.fakes import (
    FakeAPI,
    meta_body,
    meta_message,
    meta_notification,
    meta_status,
    sign_meta,
)

SECRET = "app-secret"
PHONE = "9779812345678"


class Harness:
    """A channel whose sends and Rasa turns are recorded instead of leaving the process."""

    def __init__(self, secret: str | None = SECRET, clock=time.time, replies=None) -> None:
        config = WhatsAppConfig(token="t", phone_number_id="1", app_secret=secret, verify_token="v")
        self.channel = WhatsAppInput(config, Conversations(clock=clock))
        self.sent: list[tuple[Address, Outgoing]] = []
        self.turns: list[UserMessage] = []
        self.replies = replies or []

        async def send(address: Address, outgoing: Outgoing) -> bool:
            self.sent.append((address, outgoing))
            return True

        self.channel._send = send

    async def on_new_message(self, message: UserMessage) -> None:
        self.turns.append(message)
        for reply in self.replies:
            await message.output_channel.send_response(message.sender_id, dict(reply))

    def post(self, notification: dict, signature: str | None = "sign") -> int:
        async def run() -> int:
            body = meta_body(notification)
            header = sign_meta(SECRET, body) if signature == "sign" else signature
            status = self.channel.accept(body, header, self.on_new_message)
            await self.channel.inbox.drain()
            return status

        return asyncio.run(run())


def text(serial: int, body: str, phone: str = PHONE, **extra) -> dict:
    return meta_notification(meta_message(phone, serial, body=body, **extra))


# -- signatures and verification ----------------------------------------------------------------


def test_signature_is_hmac_sha256_of_the_raw_body():
    body = b'{"a": 1}'
    assert signature_ok(SECRET, body, sign_meta(SECRET, body))
    assert not signature_ok(SECRET, body + b" ", sign_meta(SECRET, body))
    assert not signature_ok(SECRET, body, sign_meta("other", body))
    assert not signature_ok(SECRET, body, None)
    assert not signature_ok(SECRET, body, sign_meta(SECRET, body).replace("sha256=", "sha1="))
    assert not signature_ok(None, body, sign_meta("", body))


def test_a_forged_or_unsigned_post_is_refused_before_parsing():
    harness = Harness()
    assert harness.post(text(1, "hello"), signature=sign_meta("forged", b"x")) == 403
    assert harness.post(text(2, "hello"), signature=None) == 403
    status = asyncio.run(_accept(harness, b"not json at all", sign_meta("forged", b"x")))
    assert status == 403
    assert harness.turns == [] and harness.sent == []


async def _accept(harness: Harness, body: bytes, header: str | None) -> int:
    return harness.channel.accept(body, header, harness.on_new_message)


def test_without_a_secret_every_post_is_refused_and_that_is_logged_once(caplog):
    harness = Harness(secret=None)
    with caplog.at_level(logging.WARNING):
        assert harness.post(text(1, "hello")) == 403
        assert harness.post(text(2, "hello")) == 403
    assert sum("WHATSAPP_APP_SECRET" in r.getMessage() for r in caplog.records) == 1
    assert harness.turns == []


def test_verification_echoes_the_challenge_only_for_the_right_token():
    channel = Harness().channel
    good = {"hub.mode": "subscribe", "hub.verify_token": "v", "hub.challenge": "1158201444"}
    assert channel.verify(good) == (200, "1158201444")
    assert channel.verify({**good, "hub.verify_token": "w"})[0] == 403
    assert channel.verify({**good, "hub.mode": "unsubscribe"})[0] == 403
    assert channel.verify({"hub.challenge": "1"})[0] == 403
    unset = WhatsAppInput(WhatsAppConfig(app_secret=SECRET))
    assert unset.verify({**good, "hub.verify_token": ""})[0] == 403


def test_config_comes_from_the_environment(monkeypatch):
    for name in ("WHATSAPP_GRAPH_URL", "WHATSAPP_TOKEN", "WHATSAPP_APP_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert WhatsAppConfig.load() == WhatsAppConfig()
    monkeypatch.setenv("WHATSAPP_GRAPH_URL", "http://127.0.0.1:9/v99.0/")
    monkeypatch.setenv("WHATSAPP_APP_SECRET", "s")
    config = WhatsAppInput.from_credentials(None).config
    assert config.graph_url == "http://127.0.0.1:9/v99.0" and config.app_secret == "s"
    assert WhatsAppConfig.load({"app_secret": "from-yml"}).app_secret == "from-yml"


# -- parsing ------------------------------------------------------------------------------------


def test_parses_texts_replies_and_template_buttons_and_ignores_statuses():
    notification = meta_notification(
        meta_message(PHONE, 1, body="hello"),
        meta_message(PHONE, 2, "interactive", id='/inform{"status":"refugee"}'),
        meta_message(PHONE, 3, "interactive", id="/ask_register", reply_type="list_reply"),
        meta_message(PHONE, 4, "button", payload="/greet", text="Hi"),
        meta_message(PHONE, 5, "audio"),
        meta_message(PHONE, 6, "reaction", emoji="👍"),
        statuses=[meta_status(PHONE, 9)],
    )
    found = parse_webhook(notification)
    assert [m.text for m in found] == [
        "hello",
        '/inform{"status":"refugee"}',
        "/ask_register",
        "/greet",
        None,
    ]
    assert all(m.address == Address("to", PHONE) for m in found)
    only_statuses = meta_notification(statuses=[meta_status(PHONE, 9)])
    assert parse_webhook(only_statuses) == []
    assert parse_webhook({"entry": "nonsense"}) == [] and parse_webhook([1, 2]) == []


def test_a_username_user_is_answered_by_business_scoped_id():
    notification = meta_notification(meta_message(None, 1, body="hi", user_id="NP.1234567890"))
    (found,) = parse_webhook(notification)
    assert found.address == Address("recipient", "NP.1234567890")
    assert graph_message(found.address, Outgoing("text", "x"))["recipient"] == "NP.1234567890"


# -- turns --------------------------------------------------------------------------------------


def test_rasa_gets_a_pseudonym_never_the_number_nor_metas_message_id():
    harness = Harness()
    assert harness.post(text(1, "hello")) == 200
    (turn,) = harness.turns
    assert turn.sender_id == identity.pseudonymize("wa", PHONE)
    assert PHONE not in turn.sender_id and turn.text == "hello"
    assert "wamid" not in turn.message_id and turn.input_channel == "whatsapp"
    assert turn.metadata is None


def test_a_repeated_message_id_is_handled_once():
    harness = Harness()
    harness.post(text(1, "hello"))
    harness.post(text(1, "hello"))
    harness.post(text(2, "hello again"))
    assert [t.text for t in harness.turns] == ["hello", "hello again"]


def test_other_kinds_get_a_polite_answer_in_the_last_language():
    harness = Harness(replies=[{"text": RLM + "مرحبا", "language": "ar"}])
    harness.post(text(1, "مرحبا"))
    harness.sent.clear()
    harness.post(meta_notification(meta_message(PHONE, 2, "image")))
    (address, outgoing), *_ = harness.sent
    assert address.value == PHONE and len(harness.turns) == 1
    assert outgoing.text == RLM + Translator("ar").text("messaging.only_text")


def test_a_numbered_answer_becomes_the_options_payload():
    picker = picker_buttons()
    harness = Harness(replies=[{"text": "Choose:", "buttons": picker, "language": "en"}])
    harness.post(text(1, "hello"))
    (_, outgoing), *_ = harness.sent
    assert outgoing.kind == "text" and f"3. {picker[2]['title']}" in outgoing.text
    harness.post(text(2, "3"))
    assert harness.turns[-1].text == picker[2]["payload"]
    harness.post(text(3, "3"))  # the bot asked again: "3" is the new menu's 3
    assert harness.turns[-1].text == picker[2]["payload"]


def test_no_free_form_reply_outside_the_24_hour_window(caplog):
    harness = Harness(replies=[{"text": "Hello"}])
    old = time.time() - 25 * 3600
    with caplog.at_level(logging.WARNING):
        harness.post(text(1, "hello", timestamp=old))
    assert len(harness.turns) == 1 and harness.sent == []
    warning = [r.getMessage() for r in caplog.records if "24-hour" in r.getMessage()]
    assert warning and PHONE not in warning[0]
    harness.post(text(2, "hello again"))
    assert harness.sent


def test_rasa_sending_outside_a_turn_has_no_address(caplog):
    output = Harness().channel.get_output_channel()
    with caplog.at_level(logging.WARNING):
        asyncio.run(output.send_response("wa-x", {"text": "reminder"}))
    assert any("no address" in r.getMessage() for r in caplog.records)


# -- what is sent -------------------------------------------------------------------------------


def _check_limits(payload: dict) -> None:
    limits = Limits()
    if payload["type"] == "text":
        assert len(payload["text"]["body"]) <= limits.text
        return
    interactive = payload["interactive"]
    assert len(interactive["body"]["text"]) <= limits.body
    if interactive["type"] == "button":
        titles = [b["reply"]["title"] for b in interactive["action"]["buttons"]]
        assert len(titles) <= 3 and len(set(titles)) == len(titles)
        assert all(len(t) <= limits.button_title for t in titles)
    else:
        action = interactive["action"]
        rows = [row for section in action["sections"] for row in section["rows"]]
        assert len(rows) <= 10 and len(action["button"]) <= limits.list_button
        assert all(len(r["title"]) <= 24 and len(r.get("description", "")) <= 72 for r in rows)
        assert len({r["id"] for r in rows}) == len(rows)


@pytest.mark.parametrize("count", [1, 3, 4, 10, 12])
def test_graph_payloads_respect_metas_limits(count):
    buttons = [
        {"title": f"स्वास्थ्य सेवा विकल्प नम्बर {i}", "payload": f'/x{{"n":{i}}}'} for i in range(count)
    ]
    for outgoing in render("क्षतिपूर्ति " * 300, buttons, "ne").messages:
        _check_limits(graph_message(Address("to", PHONE), outgoing))


def test_graph_payload_shapes():
    to = Address("to", PHONE)
    assert graph_message(to, Outgoing("text", "hi")) == {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        "to": PHONE,
        "type": "text",
        "text": {"body": "hi", "preview_url": False},
    }
    buttons = graph_message(to, Outgoing("buttons", "b", (Row("/a", "A"),)))
    assert buttons["interactive"]["action"]["buttons"] == [
        {"type": "reply", "reply": {"id": "/a", "title": "A"}}
    ]
    listed = graph_message(to, Outgoing("list", "b", (Row("/a", "A", "Long A"),), "Options"))
    assert listed["interactive"]["action"] == {
        "button": "Options",
        "sections": [{"rows": [{"id": "/a", "title": "A", "description": "Long A"}]}],
    }


def test_graph_client_posts_with_the_bearer_token_and_retries_server_errors():
    with FakeAPI() as fake:
        config = WhatsAppConfig(graph_url=f"{fake.url}/v21.0", token="tok", phone_number_id="42")
        graph = GraphAPI(config)

        async def run() -> list[bool]:
            fake.fail_next(500)
            first = await graph.post({"type": "text", "text": {"body": "a"}})
            fake.fail_next(400)
            second = await graph.post({"type": "text", "text": {"body": "b"}})
            await graph.close()
            return [first, second]

        assert asyncio.run(run()) == [True, False]
        (request,) = fake.sent()
        assert request.path == "/v21.0/42/messages"
        assert request.headers["Authorization"] == "Bearer tok"
        assert request.body["text"]["body"] == "a"


def test_graph_client_without_a_token_sends_nothing(caplog):
    with caplog.at_level(logging.WARNING):
        assert not asyncio.run(GraphAPI(WhatsAppConfig()).post({"type": "text"}))
    assert any("WHATSAPP_TOKEN" in r.getMessage() for r in caplog.records)


def test_the_bodies_sent_are_json_with_unescaped_text():
    payload = graph_message(Address("to", PHONE), Outgoing("text", RLM + "مرحبا"))
    assert json.loads(json.dumps(payload))["text"]["body"].startswith(RLM)


def test_a_briefing_start_text_presets_the_corridor():
    harness = Harness()
    assert harness.post(text(1, "START NP QA construction ne")) == 200
    (turn,) = harness.turns
    assert turn.text == "/greet"
    assert turn.metadata == {
        "corridor": {
            "origin": "NP",
            "destination": "QA",
            "sector": "construction",
            "language": "ne",
        }
    }


# -- intake and degradation (channels.turns) ----------------------------------------------------


def test_a_text_over_the_cap_gets_a_polite_answer_in_the_last_language():
    from channels.turns import MAX_CHARS

    harness = Harness(replies=[{"text": RLM + "مرحبا", "language": "ar"}])
    harness.post(text(1, "مرحبا"))
    harness.sent.clear()
    harness.post(text(2, "ب" * 100_000))
    assert len(harness.turns) == 1  # the long text never reached Rasa
    ((_, outgoing),) = harness.sent
    assert outgoing.text == RLM + Translator("ar").text("input.too_long", limit=MAX_CHARS)


def test_control_characters_never_reach_rasa():
    harness = Harness(replies=[{"text": "Hi"}])
    harness.post(text(1, "hel\x00lo\x1b\r\nthere\u202e"))
    assert harness.turns[0].text == "hello\nthere"


def test_a_silent_turn_with_the_action_server_down_gets_the_fallback():
    from tests.channels.test_turns import FakeAgent

    harness = Harness(replies=[])
    harness.channel.agent = FakeAgent(action_url="http://127.0.0.1:9/webhook")  # nothing there
    harness.post(text(1, "hello"))
    ((address, outgoing),) = harness.sent
    t = Translator("en")
    assert address.value == PHONE and outgoing.text.startswith(t.text("fallback.unavailable"))
    assert t.text("fallback.general") in outgoing.text  # no corridor known: the general line


def test_malformed_but_signed_notifications_are_400_or_ignored_never_an_exception():
    harness = Harness(replies=[{"text": "Hi"}])

    def accept(body: bytes) -> int:
        async def run() -> int:
            status = harness.channel.accept(body, sign_meta(SECRET, body), harness.on_new_message)
            await harness.channel.inbox.drain()
            return status

        return asyncio.run(run())

    wrong_types = [
        {"text": "hello"},  # a string where an object belongs
        {"type": "interactive", "interactive": ["x"]},
        {"type": "button", "button": 5},
        {"id": "\ud800"},  # lone surrogates cannot be hashed: no such message
        {"from": "\udfff1"},
        {"from": ["9779812345678"]},
        {"timestamp": 10**400},  # valid JSON, too big for a float: read without a time
    ]
    for serial, change in enumerate(wrong_types, start=10):
        message = {**meta_message(PHONE, serial, body="hello"), **change}
        body = json.dumps(meta_notification(message)).encode()  # ensure_ascii: \ud800 escaped
        assert accept(body) == 200
    assert [turn.text for turn in harness.turns] == ["hello"]  # the big timestamp only
    assert accept(b"[" * 50_000) == 400  # nesting too deep to parse

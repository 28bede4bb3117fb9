"""The Twilio WhatsApp channel without Rasa: signatures (behind proxies too), numbers, sending."""

from __future__ import annotations

import asyncio
import logging

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.twilio import TwilioInput

from channels import identity
from channels.twilio_whatsapp import Form, TwilioAPI, TwilioWhatsAppInput, candidate_urls
from channels.whatsapp import Address
from i18n.catalog import Translator
from tests.channels.fakes import FakeAPI, sign_twilio, twilio_body, twilio_form

TOKEN = "twilio-token"
PHONE = "+8801712345678"
LOCAL = "http://127.0.0.1:5005/webhooks/twilio_whatsapp/webhook"
PUBLIC = "https://bot.example.org/webhooks/twilio_whatsapp/webhook"


class Harness:
    def __init__(self, token: str | None = TOKEN, webhook_url: str | None = None, replies=()):
        self.channel = TwilioWhatsAppInput("ACtest", token, "+14155238886", webhook_url)
        self.sent: list[tuple[Address, str]] = []
        self.turns: list[UserMessage] = []
        self.replies = list(replies)

        async def send(address, outgoing) -> bool:
            self.sent.append((address, outgoing.text))
            return True

        self.channel._send = send

    async def on_new_message(self, message: UserMessage) -> None:
        self.turns.append(message)
        for reply in self.replies:
            await message.output_channel.send_response(message.sender_id, dict(reply))

    def post(self, form: dict, signed_for: str | None = LOCAL, url: str = LOCAL, headers=None):
        headers = dict(headers or {})
        if signed_for:
            headers["X-Twilio-Signature"] = sign_twilio(TOKEN, signed_for, form)

        async def run() -> int:
            status = self.channel.accept(url, headers, twilio_body(form), self.on_new_message)
            await self.channel.inbox.drain()
            return status

        return asyncio.run(run())


def test_it_is_a_thin_subclass_of_rasas_twilio_channel():
    assert issubclass(TwilioWhatsAppInput, TwilioInput)
    assert TwilioWhatsAppInput.name() == "twilio_whatsapp"


def test_a_valid_signature_reaches_rasa_with_a_pseudonym():
    harness = Harness()
    assert harness.post(twilio_form(PHONE, "hello", 1)) == 200
    (turn,) = harness.turns
    assert turn.sender_id == identity.pseudonymize("twilio", f"whatsapp:{PHONE}")
    assert PHONE.lstrip("+") not in turn.sender_id and turn.text == "hello"
    assert turn.input_channel == "twilio_whatsapp"


def test_forged_tampered_or_unsigned_requests_are_refused():
    harness = Harness()
    form = twilio_form(PHONE, "hello", 1)
    forged = {"X-Twilio-Signature": sign_twilio("not-the-token", LOCAL, form)}
    assert harness.post(form, signed_for=None, headers=forged) == 403
    tampered = {"X-Twilio-Signature": sign_twilio(TOKEN, LOCAL, form)}
    assert harness.post({**form, "Body": "/restart"}, signed_for=None, headers=tampered) == 403
    assert harness.post(form, signed_for=None) == 403
    assert harness.turns == []


def test_without_a_token_every_post_is_refused_and_logged_once(caplog):
    harness = Harness(token=None)
    with caplog.at_level(logging.WARNING):
        assert harness.post(twilio_form(PHONE, "a", 1)) == 403
        assert harness.post(twilio_form(PHONE, "b", 2)) == 403
    assert sum("TWILIO_AUTH_TOKEN" in r.getMessage() for r in caplog.records) == 1
    assert harness.turns == []


def test_behind_a_proxy_the_configured_public_url_is_what_was_signed():
    harness = Harness(webhook_url=PUBLIC)
    assert harness.post(twilio_form(PHONE, "hi", 1), signed_for=PUBLIC, url=LOCAL) == 200
    assert harness.post(twilio_form(PHONE, "hi", 2), signed_for=LOCAL, url=LOCAL) == 403
    assert len(harness.turns) == 1


def test_forwarded_headers_are_tried_when_no_url_is_configured():
    harness = Harness()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "bot.example.org"}
    local = "http://bot.example.org/webhooks/twilio_whatsapp/webhook"
    assert harness.post(twilio_form(PHONE, "hi", 1), PUBLIC, url=local, headers=headers) == 200
    assert candidate_urls(LOCAL, {}, PUBLIC) == [PUBLIC]


def test_blank_fields_count_in_the_signature():
    form = twilio_form(PHONE, "", 1, NumMedia="1", MediaUrl0="https://api.twilio.com/m/1")
    harness = Harness()
    assert harness.post(form) == 200  # Sanic's own form parser would drop Body="" and fail this
    assert Form.parse(twilio_body(form)).first("Body") == ""


def test_buttons_become_numbered_choices_and_a_number_chooses():
    buttons = [
        {"title": "Migrant worker", "payload": '/inform{"status":"migrant_worker"}'},
        {"title": "Refugee", "payload": '/inform{"status":"refugee"}'},
    ]
    harness = Harness(replies=[{"text": "Your situation?", "buttons": buttons, "language": "en"}])
    harness.post(twilio_form(PHONE, "hello", 1))
    (address, body), *_ = harness.sent
    assert address.value == f"whatsapp:{PHONE}"
    assert "1. Migrant worker\n2. Refugee" in body
    assert Translator("en").text("messaging.reply_number") in body
    harness.post(twilio_form(PHONE, "2", 2))
    assert harness.turns[-1].text == '/inform{"status":"refugee"}'


def test_a_repeated_message_sid_is_handled_once():
    harness = Harness()
    harness.post(twilio_form(PHONE, "hello", 7))
    harness.post(twilio_form(PHONE, "hello", 7))
    assert len(harness.turns) == 1


def test_media_without_text_gets_a_polite_answer():
    harness = Harness()
    harness.post(twilio_form(PHONE, "", 1, NumMedia="1", MediaUrl0="https://x/1"))
    assert harness.turns == []
    assert harness.sent[0][1] == Translator("en").text("messaging.only_text")


def test_long_texts_are_split_under_1600():
    text = "\n\n".join(f"Paragraph {i}: " + "word " * 60 for i in range(12))
    harness = Harness(replies=[{"text": text}])
    harness.post(twilio_form(PHONE, "hello", 1))
    bodies = [body for _, body in harness.sent]
    assert len(bodies) > 1 and all(len(b) <= 1600 for b in bodies)
    assert all(b.startswith("Paragraph") for b in bodies)


def test_credentials_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", "tok")
    monkeypatch.setenv("TWILIO_WEBHOOK_URL", PUBLIC)
    monkeypatch.setenv("TWILIO_API_URL", "http://127.0.0.1:9")
    channel = TwilioWhatsAppInput.from_credentials(None)
    assert channel.auth_token == "tok" and channel.webhook_url == PUBLIC
    assert channel.api.api_url == "http://127.0.0.1:9"
    assert TwilioWhatsAppInput.from_credentials({"auth_token": "yml"}).auth_token == "yml"


def test_the_messages_api_gets_a_form_with_basic_auth():
    with FakeAPI() as fake:
        api = TwilioAPI("ACtest", "tok", "+14155238886", fake.url)

        async def run() -> bool:
            sent = await api.post(f"whatsapp:{PHONE}", "hello")
            await api.close()
            return sent

        assert asyncio.run(run())
        (request,) = fake.sent()
        assert request.path == "/2010-04-01/Accounts/ACtest/Messages.json"
        assert request.headers["Authorization"].startswith("Basic ")
        assert request.body == {
            "To": f"whatsapp:{PHONE}",
            "From": "whatsapp:+14155238886",
            "Body": "hello",
        }


def test_a_body_over_the_cap_is_not_cut_but_answered_politely():
    from channels.turns import MAX_CHARS

    harness = Harness(replies=[{"text": "Hi"}])
    harness.post(twilio_form(PHONE, "x" * (MAX_CHARS + 1), 1))
    assert harness.turns == []
    expected = Translator("en").text("input.too_long", limit=MAX_CHARS)
    assert [text for _, text in harness.sent] == [expected]

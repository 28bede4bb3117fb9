"""WhatsApp through Twilio end to end: signed webhooks into the real Rasa server (the channel
loaded from credentials.yml), replies out to a fake Twilio Messages API on 127.0.0.1, compared
with what the REST channel answers to the same messages.

The server is set up as behind a proxy: Twilio signs the public URL in TWILIO_WEBHOOK_URL while
the request reaches Rasa on a loopback port.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import pytest
import requests

from channels.messaging import TWILIO_LIMITS, numbered_lines, options
from i18n.catalog import Translator
from i18n.languages import RLM
from tests.channels.fakes import FakeAPI, Recorded, sign_twilio, twilio_body, twilio_form
from tests.integration.chat_apps import (
    PSEUDONYM_PREFIXES,
    SENDER_KEY,
    SERIALS,
    TWILIO_ACCOUNT,
    TWILIO_BOT_NUMBER,
    TWILIO_PUBLIC_URL,
    TWILIO_TOKEN,
    events,
    files_containing,
    flat,
    pseudonym,
    senders,
    user_texts,
    wait_for_turns,
)
from tests.integration.servers import Servers

pytestmark = pytest.mark.integration

TOKEN = TWILIO_TOKEN
KEY = SENDER_KEY
ACCOUNT = TWILIO_ACCOUNT
BOT_NUMBER = TWILIO_BOT_NUMBER
PUBLIC_URL = TWILIO_PUBLIC_URL
WEBHOOK = "/webhooks/twilio_whatsapp/webhook"
PHONES: list[str] = []


@dataclass
class Twilio:
    servers: Servers
    api: FakeAPI

    def post(self, form: dict[str, str], signature: str | None) -> requests.Response:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if signature:
            headers["X-Twilio-Signature"] = signature
        return requests.post(
            f"{self.servers.rasa_url}{WEBHOOK}", data=twilio_body(form), headers=headers, timeout=30
        )


@pytest.fixture(scope="module")
def tw(chat_servers):
    return Twilio(chat_servers.servers, chat_servers.twilio)


class Phone:
    def __init__(self, tw: Twilio, number: str) -> None:
        self.tw, self.number = tw, number
        self.address = f"whatsapp:{number}"
        self.sender = pseudonym(KEY, "twilio", self.address)
        self.turns = 0
        PHONES.append(number)

    def mine(self, request: Recorded) -> bool:
        return request.body.get("To") == self.address

    def received(self) -> list[str]:
        return [r.body["Body"] for r in self.tw.api.sent(self.mine)]

    def send(self, text: str, signed_for: str | None = PUBLIC_URL, serial: int | None = None):
        form = twilio_form(self.number, text, serial or next(SERIALS))
        signature = sign_twilio(TOKEN, signed_for, form) if signed_for else None
        return self.tw.post(form, signature).status_code

    def turn(self, text: str) -> list[str]:
        before = len(self.received())
        assert self.send(text) == 200
        self.turns += 1
        wait_for_turns(self.tw.servers.workdir, self.sender, self.turns)
        return self.received()[before:]


def expected_text(rest: list[dict], language: str = "en") -> tuple[str, dict[str, int]]:
    """What the REST answer reads like with numbered choices, and each payload's number."""
    parts, numbers = [], {}
    hint = Translator(language).text("messaging.reply_number")
    for message in rest:
        parts.append(message.get("text") or "")
        choices = options(message.get("buttons"))
        if choices:
            parts += [numbered_lines(choices, len(numbers) + 1, language), hint]
            numbers.update({c.payload: len(numbers) + 1 + i for i, c in enumerate(choices)})
    return flat(" ".join(parts)), numbers


def test_a_conversation_with_numbered_choices_answers_like_the_rest_channel(tw):
    phone, rest_user = Phone(tw, "+8801712345601"), "rest-tw-1"
    rest = tw.servers.say(rest_user, "hello")
    bodies = phone.turn("hello")
    text, numbers = expected_text(rest)
    assert flat(" ".join(bodies)) == text
    assert len(numbers) > 12  # the picker and the status question, numbered on from each other
    assert all(len(b) <= TWILIO_LIMITS.text for b in bodies)

    for payload in (
        '/inform{"status":"migrant_worker"}',
        '/inform{"sector":"domestic_work"}',
        '/inform{"country":"NP"}',
        '/inform{"country":"MY"}',
        '/ask_benefit{"branch":"employment_injury"}',  # the longest answer: over 1600
    ):
        number = numbers[payload]
        rest = tw.servers.say(rest_user, payload)
        bodies = phone.turn(str(number))
        assert user_texts(tw.servers.workdir, phone.sender)[-1] == payload
        text, numbers = expected_text(rest)
        assert flat(" ".join(bodies)) == text
        assert all(len(b) <= TWILIO_LIMITS.text for b in bodies)
    assert len(bodies) >= 3  # the long answer came in parts under Twilio's limit
    detail = next(m["text"] for m in rest if m.get("buttons"))
    assert len(detail) > TWILIO_LIMITS.text
    for part in bodies[:-1]:
        assert part.split("\n")[0] in detail.split("\n")  # every part starts at a line


def test_right_to_left_text_keeps_its_marks(tw):
    phone = Phone(tw, "+966500000011")
    for message in ("/lang ar", "/ask_entitlements"):
        bodies = phone.turn(message)
        assert bodies
        for body in bodies:
            assert all(line.startswith(RLM) for line in body.split("\n")), body[:40]


def test_forged_or_misaddressed_signatures_are_refused_and_nothing_reaches_rasa(tw):
    phone = Phone(tw, "+8801712345602")
    form = twilio_form(phone.number, "hello", next(SERIALS))
    assert tw.post(form, sign_twilio("not-the-token", PUBLIC_URL, form)).status_code == 403
    assert tw.post(form, None).status_code == 403
    local_url = f"{tw.servers.rasa_url}{WEBHOOK}"  # not the URL registered with Twilio
    assert phone.send("hello", signed_for=local_url) == 403
    time.sleep(1.5)
    assert events(tw.servers.workdir, phone.sender) == [] and phone.received() == []


def test_a_repeated_message_is_processed_once(tw):
    phone = Phone(tw, "+8801712345603")
    serial = next(SERIALS)
    assert phone.send("hello", serial=serial) == 200
    wait_for_turns(tw.servers.workdir, phone.sender, 1)
    count = len(phone.received())
    assert phone.send("hello", serial=serial) == 200
    time.sleep(1.5)
    assert user_texts(tw.servers.workdir, phone.sender) == ["hello"]
    assert len(phone.received()) == count


def test_replies_go_through_the_messages_api_as_the_bot_number(tw):
    sent = tw.api.sent()
    assert sent
    assert {r.path for r in sent} == {f"/2010-04-01/Accounts/{ACCOUNT}/Messages.json"}
    assert {r.body["From"] for r in sent} == {f"whatsapp:{BOT_NUMBER}"}
    assert all(r.headers["Authorization"].startswith("Basic ") for r in sent)


def test_no_number_is_stored_or_logged(tw):
    workdir = tw.servers.workdir
    assert all(s.startswith(PSEUDONYM_PREFIXES) for s in senders(workdir))
    files = [workdir / "tracker.sqlite3", workdir / "rasa.log", workdir / "actions.log"]
    needles = [*PHONES, *(p.lstrip("+") for p in PHONES)]
    assert files_containing(files, needles) == []

"""WhatsApp through Twilio: Rasa's `twilio` channel, plus what it lacks. Named `twilio_whatsapp`.

Set the number's "A message comes in" webhook (HTTP POST) in the Twilio console to
`https://<your host>/webhooks/twilio_whatsapp/webhook`.

What this adds to Rasa's `TwilioInput`:
- `X-Twilio-Signature` is checked with Twilio's `RequestValidator` and TWILIO_AUTH_TOKEN before
  anything else: 403 when it does not match, and for every request while the token is unset.
  Twilio signs the public URL it called; behind a proxy or tunnel the server sees another one,
  so set TWILIO_WEBHOOK_URL to the exact URL registered with Twilio (X-Forwarded-Proto/-Host
  are also tried when it is unset).
- the sender (`whatsapp:+…`) is pseudonymized before it reaches Rasa (`channels.identity`).
- buttons become numbered choices the person answers with a number (Twilio has no free-form
  interactive messages), and long texts are split under Twilio's 1600 characters.
- the webhook is acknowledged at once (an empty TwiML answer) and the turn runs in the
  background; replies go out through Twilio's Messages API with aiohttp (Rasa's uses a blocking
  client), at TWILIO_API_URL (default https://api.twilio.com) so tests can use a fake.

Configuration, from the environment (or the channel's entry in credentials.yml):
TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN, TWILIO_WHATSAPP_NUMBER (e.g. whatsapp:+14155238886),
TWILIO_WEBHOOK_URL, TWILIO_API_URL.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from rasa.core.channels.twilio import TwilioInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from channels import turns
from channels.api_client import ApiClient
from channels.corridor import CORRIDOR_KEY, START_PAYLOAD, parse_start
from channels.identity import pseudonymize
from channels.messaging import TWILIO_LIMITS, Conversations, Inbox, Outgoing
from channels.shared_state import conversations_from_env, seen_ids_from_env
from channels.whatsapp import Address, WhatsAppOutput, deliver_text
from i18n.catalog import Translator
from i18n.languages import mark

logger = logging.getLogger(__name__)

CHANNEL = "twilio_whatsapp"
IDENTITY_PREFIX = "twilio"
DEFAULT_API_URL = "https://api.twilio.com"
MAX_TEXT = 4096  # longer texts get a polite answer (channels.turns), never reach the NLU
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SETTINGS = {
    "account_sid": "TWILIO_ACCOUNT_SID",
    "auth_token": "TWILIO_AUTH_TOKEN",
    "twilio_number": "TWILIO_WHATSAPP_NUMBER",
    "webhook_url": "TWILIO_WEBHOOK_URL",
    "api_url": "TWILIO_API_URL",
}


class Form(dict):
    """A form body as Twilio signed it: every value, blank ones included (Sanic drops those)."""

    def getall(self, name: str) -> list[str]:
        return self[name]

    def first(self, name: str) -> str:
        values = self.get(name) or [""]
        return values[0]

    @classmethod
    def parse(cls, body: bytes) -> Form:
        return cls(parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True))


def candidate_urls(url: str, headers: Mapping[str, str], configured: str | None) -> list[str]:
    """The URLs Twilio may have signed: the configured public one, else what the proxy says."""
    if configured:
        return [configured]
    found = [url]
    proto, host = headers.get("X-Forwarded-Proto"), headers.get("X-Forwarded-Host")
    if proto or host:
        parts = urlsplit(url)
        forwarded = parts._replace(
            scheme=(proto or parts.scheme).split(",")[0].strip(),
            netloc=(host or parts.netloc).split(",")[0].strip(),
        )
        found.append(urlunsplit(forwarded))
    return found


class TwilioAPI(ApiClient):
    """Sends texts through Twilio's Messages API (form POST, basic auth with the account)."""

    service = "Twilio"

    def __init__(
        self,
        account_sid: str | None,
        auth_token: str | None,
        number: str | None,
        api_url: str = DEFAULT_API_URL,
    ) -> None:
        super().__init__()
        self.account_sid, self.auth_token, self.api_url = account_sid, auth_token, api_url
        self.number = (
            number if not number or number.startswith("whatsapp:") else f"whatsapp:{number}"
        )

    @property
    def url(self) -> str:
        return f"{self.api_url.rstrip('/')}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    async def post(self, to: str, body: str) -> bool:
        if not (self.account_sid and self.auth_token and self.number):
            return self.not_configured(
                "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_WHATSAPP_NUMBER"
            )
        auth = aiohttp.BasicAuth(self.account_sid, self.auth_token)
        form = {"To": to, "From": self.number, "Body": body}
        return await self.post_with_retry(self.url, data=form, auth=auth)


class TwilioWhatsAppOutput(WhatsAppOutput):
    """One turn's replies to one person: numbered choices, parts under 1600 characters."""

    limits = TWILIO_LIMITS

    @classmethod
    def name(cls) -> str:
        return CHANNEL


class TwilioWhatsAppInput(TwilioInput):
    """Rasa's Twilio channel with signature checks, pseudonyms and numbered choices."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        """credentials.yml values when given, else the environment (see channels.whatsapp)."""
        values = {
            key: str((credentials or {}).get(key) or os.environ.get(env) or "").strip() or None
            for key, env in SETTINGS.items()
        }
        return cls(**values)

    def __init__(
        self,
        account_sid: str | None = None,
        auth_token: str | None = None,
        twilio_number: str | None = None,
        webhook_url: str | None = None,
        api_url: str | None = None,
        conversations: Conversations | None = None,
    ) -> None:
        super().__init__(account_sid, auth_token, twilio_number, debug_mode=False)
        self.webhook_url = webhook_url
        self.api = TwilioAPI(account_sid, auth_token, twilio_number, api_url or DEFAULT_API_URL)
        self.conversations = conversations or conversations_from_env()  # Redis if configured
        self.seen = seen_ids_from_env()
        self.inbox = Inbox()
        self._warned_no_token = False
        self.agent: Any = None  # Rasa's agent, seen on the first webhook (for fallbacks)

    def signature_ok(self, url: str, headers: Mapping[str, str], form: Form) -> bool:
        if not self.auth_token:
            if not self._warned_no_token:
                logger.warning(
                    "%s: TWILIO_AUTH_TOKEN is not set: every webhook POST is refused", self.name()
                )
                self._warned_no_token = True
            return False
        signature = headers.get("X-Twilio-Signature") or ""
        validator = RequestValidator(self.auth_token)
        if signature and any(
            validator.validate(candidate, form, signature)
            for candidate in candidate_urls(url, headers, self.webhook_url)
        ):
            return True
        logger.warning("%s: a webhook POST with a bad signature was refused", self.name())
        return False

    def accept(
        self,
        url: str,
        headers: Mapping[str, str],
        body: bytes,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> int:
        """Check, de-duplicate and queue one incoming message; the HTTP status to answer."""
        form = Form.parse(body)
        if not self.signature_ok(url, headers, form):
            return 403
        raw_sender = form.first("From")
        if not raw_sender:
            return 200
        message_id = form.first("MessageSid") or form.first("SmsMessageSid")
        if message_id and not self.seen.first_time(message_id):
            logger.debug("%s: a repeated message was ignored", self.name())
            return 200
        text = (form.first("ButtonPayload") or form.first("Body")).strip() or None
        sender = pseudonymize(IDENTITY_PREFIX, raw_sender)
        self.conversations.user_wrote(sender)
        address = Address("To", raw_sender)

        async def work() -> None:
            await self.handle(sender, address, text, on_new_message)

        self.inbox.submit(sender, work)
        return 200

    async def handle(
        self,
        sender: str,
        address: Address,
        text: str | None,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        output = TwilioWhatsAppOutput(self._send, self.conversations, sender, address)
        text = turns.clean(text) if text is not None else ""
        hint = self.conversations.language(sender)
        if not text:  # a voice note, a picture, a location…
            t = Translator(hint)
            await output.deliver(mark(t.text("messaging.only_text"), t.language), None, hint)
            return
        if turns.too_long(text):
            await turns.app_too_long(self.agent, sender, hint, deliver_text(output))
            return
        corridor = parse_start(text)
        if corridor:  # "START NP QA construction ne" from a briefing handout's link
            metadata = {CORRIDOR_KEY: corridor}
            message = UserMessage(START_PAYLOAD, output, sender, self.name(), metadata=metadata)
        else:
            text = self.conversations.answer(sender, text)
            message = UserMessage(text, output, sender, input_channel=self.name())
        await turns.app_turn(
            on_new_message, message, self.agent, lambda: output.said, deliver_text(output), hint
        )

    async def _send(self, address: Address, outgoing: Outgoing) -> bool:
        return await self.api.post(address.value, outgoing.text)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def message(request: Request) -> HTTPResponse:
            self.agent = getattr(request.app.ctx, "agent", None)
            status = self.accept(request.url, request.headers, request.body, on_new_message)
            if status != 200:
                return response.text("forbidden", status=status)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        @webhook.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.api.close()

        return webhook

    def get_output_channel(self) -> OutputChannel:
        """For messages Rasa sends outside a turn: there is no number to send them to."""
        return TwilioWhatsAppOutput(self._send, self.conversations, None, None)

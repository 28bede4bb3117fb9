"""WhatsApp through Meta's Cloud API: a Rasa input channel named `whatsapp`.

Register `https://<your host>/webhooks/whatsapp/webhook` as the app's webhook (field `messages`).

GET  /webhooks/whatsapp/webhook?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…
     → the challenge (200) when the token is WHATSAPP_VERIFY_TOKEN, else 403.
POST /webhooks/whatsapp/webhook   (Meta's notifications)
     → 403 unless `X-Hub-Signature-256` is the HMAC-SHA256 of the raw body under
       WHATSAPP_APP_SECRET (checked before the body is even parsed; without a secret every POST
       is refused); otherwise 200 at once, and the messages are handled in the background.

Why it is built this way:
- Meta retries a webhook it thinks failed for about a day, and a slow answer looks failed: we
  acknowledge first and de-duplicate by message id.
- What reaches Rasa is never a phone number: the sender (`wa_id`/`from`, or the business-scoped
  `user_id` of people who use a WhatsApp username) goes through `channels.identity.pseudonymize`.
  The number needed to answer lives only in the output channel of that one turn, in memory. Meta's
  message id is not passed on either: it encodes the sender's number.
- Free-form messages are allowed only within 24 hours of the person's last message. Replies that
  would fall outside (a day-old retried webhook, a late reminder) are not attempted, and logged.
- Buttons become reply buttons, lists or numbered choices (`channels.messaging`).

Configuration, from the environment (or the channel's entry in credentials.yml):
WHATSAPP_GRAPH_URL (default https://graph.facebook.com/v21.0), WHATSAPP_TOKEN,
WHATSAPP_PHONE_NUMBER_ID, WHATSAPP_APP_SECRET, WHATSAPP_VERIFY_TOKEN.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import aiohttp
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import turns
from channels.api_client import ApiClient
from channels.corridor import CORRIDOR_KEY, START_PAYLOAD, parse_start
from channels.identity import pseudonymize
from channels.messaging import Conversations, Inbox, Limits, Outgoing, render
from channels.shared_state import conversations_from_env, seen_ids_from_env
from i18n.catalog import Translator
from i18n.languages import mark

logger = logging.getLogger(__name__)

CHANNEL = "whatsapp"
IDENTITY_PREFIX = "wa"  # pseudonyms look like wa-3f9c…
DEFAULT_GRAPH_URL = "https://graph.facebook.com/v21.0"
MAX_TEXT = 4096  # longer texts get a polite answer (channels.turns), never reach the NLU
IGNORED_TYPES = ("reaction", "system", "request_welcome", "ephemeral")
SETTINGS = {  # credentials.yml key → environment variable
    "graph_url": "WHATSAPP_GRAPH_URL",
    "token": "WHATSAPP_TOKEN",
    "phone_number_id": "WHATSAPP_PHONE_NUMBER_ID",
    "app_secret": "WHATSAPP_APP_SECRET",
    "verify_token": "WHATSAPP_VERIFY_TOKEN",
}


@dataclass(frozen=True)
class WhatsAppConfig:
    graph_url: str = DEFAULT_GRAPH_URL
    token: str | None = None
    phone_number_id: str | None = None
    app_secret: str | None = None
    verify_token: str | None = None

    @classmethod
    def load(cls, credentials: Mapping[str, Any] | None = None) -> WhatsAppConfig:
        """credentials.yml values when given, else the environment (an unset one stays None).

        Read here rather than as `${VAR}` in credentials.yml: Rasa refuses to start when such a
        variable is unset, and `make run` must work without any WhatsApp account.
        """
        values = {
            key: str((credentials or {}).get(key) or os.environ.get(env) or "").strip() or None
            for key, env in SETTINGS.items()
        }
        values["graph_url"] = (values["graph_url"] or DEFAULT_GRAPH_URL).rstrip("/")
        return cls(**values)


def signature_ok(secret: str | None, body: bytes, header: str | None) -> bool:
    """`X-Hub-Signature-256: sha256=<hex>` is the HMAC-SHA256 of the raw body (constant time)."""
    if not secret or not header or not header.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, header[len("sha256=") :].strip().lower())


@dataclass(frozen=True)
class Address:
    """Where to answer: a phone number (`to`) or a business-scoped user id (`recipient`)."""

    field: str
    value: str


@dataclass(frozen=True)
class Inbound:
    message_id: str
    raw_sender: str  # never logged, never passed to Rasa
    address: Address
    text: str | None  # None: a kind of message we cannot read (voice, image…)
    timestamp: float | None


def _object(value: Any) -> dict[str, Any]:
    """A JSON object, or an empty one: a field of the wrong type is no content (never a 500)."""
    return value if isinstance(value, dict) else {}


def _message_text(message: Mapping[str, Any]) -> str | None:
    kind = message.get("type")
    if kind == "text":
        body = _object(message.get("text")).get("body")
        return body if isinstance(body, str) and body.strip() else None  # capped in handle()
    if kind == "interactive":
        interactive = _object(message.get("interactive"))
        reply = _object(interactive.get("button_reply") or interactive.get("list_reply"))
        chosen = reply.get("id") or reply.get("title")  # the id is our payload
        return chosen if isinstance(chosen, str) and chosen else None
    if kind == "button":  # a template's quick-reply button
        button = _object(message.get("button"))
        chosen = button.get("payload") or button.get("text")
        return chosen if isinstance(chosen, str) and chosen else None
    return None


def parse_webhook(body: Any) -> list[Inbound]:
    """The people's messages in a notification; statuses and everything else are left out."""
    found: list[Inbound] = []
    for entry in _objects(body, "entry"):
        for change in _objects(entry, "changes"):
            value = change.get("value") if isinstance(change.get("value"), dict) else {}
            contacts = _objects(value, "contacts")
            for message in _objects(value, "messages"):
                if message.get("type") in IGNORED_TYPES:
                    continue
                inbound = _inbound(message, contacts)
                if inbound:
                    found.append(inbound)
    return found


def _objects(parent: Any, key: str) -> list[dict[str, Any]]:
    """`parent[key]`'s JSON objects, or nothing: a malformed notification is no message."""
    items = parent.get(key) if isinstance(parent, dict) else None
    return [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _id(value: Any) -> str | None:
    """An id as Meta sends it: a string that is valid text (a lone surrogate is not)."""
    if not isinstance(value, str) or not value:
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value


def _inbound(message: Mapping[str, Any], contacts: list[dict]) -> Inbound | None:
    message_id = _id(message.get("id"))
    phone = _id(message.get("from"))
    user_id = _id(message.get("from_user_id"))
    if len(contacts) == 1:  # a one-to-one message: its contact is the sender
        phone = phone or _id(contacts[0].get("wa_id"))
        user_id = user_id or _id(contacts[0].get("user_id"))
    if phone:
        address = Address("to", str(phone))
    elif user_id:
        address = Address("recipient", str(user_id))
    else:
        return None
    if message_id is None:
        return None
    try:
        timestamp = float(message.get("timestamp"))
    except (TypeError, ValueError, OverflowError):  # 10**400 is valid JSON
        timestamp = None
    return Inbound(message_id, address.value, address, _message_text(message), timestamp)


class GraphAPI(ApiClient):
    """Posts messages to `{graph_url}/{phone_number_id}/messages` with the bearer token."""

    service = "WhatsApp (Graph API)"

    def __init__(self, config: WhatsAppConfig) -> None:
        super().__init__()
        self.config = config

    @property
    def url(self) -> str:
        return f"{self.config.graph_url}/{self.config.phone_number_id}/messages"

    async def post(self, payload: dict[str, Any]) -> bool:
        if not (self.config.token and self.config.phone_number_id):
            return self.not_configured("WHATSAPP_TOKEN and WHATSAPP_PHONE_NUMBER_ID")
        headers = {"Authorization": f"Bearer {self.config.token}"}
        return await self.post_with_retry(self.url, _error_code, json=payload, headers=headers)


async def _error_code(answer: aiohttp.ClientResponse) -> Any:
    """Meta's error code only: the error's text may repeat the recipient."""
    try:
        return ((await answer.json(content_type=None)) or {}).get("error", {}).get("code")
    except (ValueError, aiohttp.ClientError, AttributeError):
        return None


def graph_message(address: Address, message: Outgoing) -> dict[str, Any]:
    """The Cloud API's JSON for one rendered message."""
    payload: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "recipient_type": "individual",
        address.field: address.value,
    }
    if message.kind == "text":
        payload.update(type="text", text={"body": message.text, "preview_url": False})
    elif message.kind == "buttons":
        buttons = [
            {"type": "reply", "reply": {"id": row.id, "title": row.title}} for row in message.rows
        ]
        payload.update(
            type="interactive",
            interactive={
                "type": "button",
                "body": {"text": message.text},
                "action": {"buttons": buttons},
            },
        )
    else:
        rows = [
            {"id": row.id, "title": row.title}
            | ({"description": row.description} if row.description else {})
            for row in message.rows
        ]
        payload.update(
            type="interactive",
            interactive={
                "type": "list",
                "body": {"text": message.text},
                "action": {"button": message.menu_label, "sections": [{"rows": rows}]},
            },
        )
    return payload


class WhatsAppOutput(OutputChannel):
    """Sends one turn's replies to one person (whose address it holds in memory only)."""

    limits = Limits()

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    def __init__(
        self,
        send: Callable[[Address, Outgoing], Awaitable[bool]],
        conversations: Conversations,
        sender_id: str | None,
        address: Address | None,
    ) -> None:
        self._send = send
        self.conversations = conversations
        self.sender_id = sender_id
        self.address = address
        self.numbered: list[str] = []  # this turn's numbered options, numbered continuously
        self._outside_window_logged = False
        self.said = 0  # messages the bot sent in this turn (none: the fallback is sent)

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        text, buttons = message.get("text"), message.get("buttons") or message.get("quick_replies")
        if not text and not buttons:
            for key in ("image", "attachment"):
                if isinstance(message.get(key), str):
                    text = message[key]
        if text or buttons:
            await self.deliver(text, buttons, message.get("language"))

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        await self.deliver(text, None, kwargs.get("language"))

    async def deliver(self, text: str | None, buttons: Any, language: str | None) -> None:
        self.said += 1
        if self.address is None or self.sender_id is None:
            logger.warning(
                "%s: no address for a message sent outside a conversation turn "
                "(the number is never stored); not sent",
                self.name(),
            )
            return
        if not self.conversations.within_window(self.sender_id):
            if self._outside_window_logged:
                return
            self._outside_window_logged = True
            logger.warning(
                "%s: a reply to %s would fall outside the 24-hour window; not sent "
                "(only approved templates may be sent then)",
                self.name(),
                self.sender_id,
            )
            return
        rendered = render(text, buttons, language, self.limits, len(self.numbered) + 1)
        if rendered.numbered:
            self.numbered += rendered.numbered
        self.conversations.remember(self.sender_id, self.numbered, language)
        for outgoing in rendered.messages:
            await self._send(self.address, outgoing)


class WhatsAppInput(InputChannel):
    """Meta's WhatsApp Cloud API webhook."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        return cls(WhatsAppConfig.load(credentials))

    def __init__(
        self,
        config: WhatsAppConfig | None = None,
        conversations: Conversations | None = None,
        graph: GraphAPI | None = None,
    ) -> None:
        self.config = config or WhatsAppConfig.load()
        self.conversations = conversations or conversations_from_env()  # Redis if configured
        self.graph = graph or GraphAPI(self.config)
        self.seen = seen_ids_from_env()
        self.inbox = Inbox()
        self._warned_no_secret = False
        self.agent: Any = None  # Rasa's agent, seen on the first webhook (for fallbacks)

    # -- the two requests, independent of Sanic so they can be tested on their own ------------

    def verify(self, args: Mapping[str, str | None]) -> tuple[int, str]:
        token = args.get("hub.verify_token") or ""
        expected = self.config.verify_token
        if (
            args.get("hub.mode") == "subscribe"
            and expected
            and hmac.compare_digest(token.encode("utf-8"), expected.encode("utf-8"))
        ):
            return 200, args.get("hub.challenge") or ""
        logger.warning("%s: webhook verification refused", self.name())
        return 403, "forbidden"

    def accept(
        self,
        body: bytes,
        signature: str | None,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> int:
        """Check, parse, de-duplicate and queue a notification; the HTTP status to answer."""
        if not self.config.app_secret:
            if not self._warned_no_secret:
                logger.warning(
                    "%s: WHATSAPP_APP_SECRET is not set: every webhook POST is refused", self.name()
                )
                self._warned_no_secret = True
            return 403
        if not signature_ok(self.config.app_secret, body, signature):
            logger.warning("%s: a webhook POST with a bad signature was refused", self.name())
            return 403
        try:
            notification = json.loads(body)
        except (ValueError, RecursionError):  # bad JSON, bad UTF-8, nesting too deep
            return 400
        for inbound in parse_webhook(notification):
            if not self.seen.first_time(inbound.message_id):
                logger.debug("%s: a repeated message was ignored", self.name())
                continue
            sender = pseudonymize(IDENTITY_PREFIX, inbound.raw_sender)
            self.conversations.user_wrote(sender, inbound.timestamp)
            self.inbox.submit(sender, _handler(self, sender, inbound, on_new_message))
        return 200

    async def handle(
        self,
        sender: str,
        inbound: Inbound,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        output = WhatsAppOutput(self._send, self.conversations, sender, inbound.address)
        text = turns.clean(inbound.text) if inbound.text is not None else ""
        hint = self.conversations.language(sender)
        if not text:
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
        return await self.graph.post(graph_message(address, outgoing))

    # -- Rasa ---------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            status, text = self.verify({k: request.args.get(k) for k in request.args})
            return response.text(text, status=status)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            started = time.perf_counter()
            self.agent = getattr(request.app.ctx, "agent", None)
            status = self.accept(
                request.body, request.headers.get("X-Hub-Signature-256"), on_new_message
            )
            logger.debug("%s: answered %s in %.1f ms", self.name(), status, _ms(started))
            return response.text("ok" if status == 200 else "forbidden", status=status)

        @webhook.listener("after_server_stop")
        async def close(*_: Any) -> None:
            await self.graph.close()

        return webhook

    def get_output_channel(self) -> OutputChannel:
        """For messages Rasa sends outside a turn: there is no number to send them to."""
        return WhatsAppOutput(self._send, self.conversations, None, None)


def _handler(
    channel: WhatsAppInput,
    sender: str,
    inbound: Inbound,
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[], Awaitable[None]]:
    async def work() -> None:
        await channel.handle(sender, inbound, on_new_message)

    return work


def deliver_text(output: WhatsAppOutput) -> Callable[[str, str], Awaitable[None]]:
    """A channel message (fallback, "too long") sent like the bot's own, in `language`."""

    async def deliver(text: str, language: str) -> None:
        await output.deliver(text, None, language)

    return deliver


def _ms(started: float) -> float:
    return (time.perf_counter() - started) * 1000

"""Rasa's REST channel, hardened. Still named `rest`: the URL stays /webhooks/rest/webhook.

POST /webhooks/rest/webhook  {"sender": "...", "message": "...", "metadata"?: {"language": "ne"}}
→ 200 [{"recipient_id", "text", "buttons"?}, ...]
→ 400 {"error": "..."} for a body that is not JSON, not an object, or lacks a sender or message
  string: a short answer, never a 5xx and never the request echoed back.

What it changes from Rasa's `RestInput` (integrations and tests use it, so it must be as safe as
the other channels):
- the sender id is pseudonymized at entry (`channels.identity`, prefix `rest`), so the tracker
  store never holds what the client sent; replies carry the pseudonym as `recipient_id`.
- the text is cleaned and capped (`channels.turns`): a message over 4,096 characters gets a
  polite answer in the person's language and never reaches the NLU.
- a turn that produced nothing (action server down or slow, an error) is answered with the
  localized fallback naming a hotline, never with an empty list.
- only the metadata keys the bot reads pass (`language`, `languages`, a briefing's `corridor`),
  bounded in size; the client cannot choose `input_channel`; `?stream=true` is not offered.
- nothing of the message is logged (Rasa's logs the text on an exception, at ERROR).

`channels.webchat.WebchatInput` is this channel plus the chat page and language-tagged replies.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.corridor import CORRIDOR_KEY, corridor_metadata
from channels.identity import pseudonymize
from channels.turns import (
    answer_language,
    clean,
    fallback,
    install,
    known,
    run_turn,
    too_long,
    too_long_text,
)
from i18n.languages import channel_fields

logger = logging.getLogger(__name__)

MAX_SENDER = 128
# A BCP 47 tag ("ne", "ar-EG", "zh-Hant-TW"); anything else is not a language.
LANGUAGE_TAG = re.compile(r"[A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8}){0,4}")
MAX_LANGUAGES = 10


class BadRequest(ValueError):
    """A request the channel refuses with 400; the message is the short error for the client."""


def parse_body(raw: bytes) -> dict[str, Any]:
    """The request's JSON object, or BadRequest (also for nesting too deep to parse)."""
    try:
        body = json.loads(raw)
    except (ValueError, RecursionError):  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise BadRequest("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("expected a JSON object")
    return body


def sender_and_text(body: dict[str, Any]) -> tuple[str, str]:
    sender, text = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip():
        raise BadRequest("expected a non-empty sender string")
    if len(sender) > MAX_SENDER:
        raise BadRequest("sender id too long")
    try:
        sender.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\ud800" in the JSON) cannot be hashed
        raise BadRequest("the sender id is not valid text") from None
    if not isinstance(text, str):
        raise BadRequest("expected a message string")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("metadata must be an object")
    return sender, text


def _language_tag(value: Any) -> str | None:
    return value if isinstance(value, str) and LANGUAGE_TAG.fullmatch(value) else None


def kept_metadata(metadata: Any) -> dict[str, Any] | None:
    """Only what the bot reads, bounded: the tracker store keeps nothing else a client sends."""
    if not isinstance(metadata, dict):
        return None
    kept: dict[str, Any] = {}
    language = _language_tag(metadata.get("language"))
    if language:
        kept["language"] = language
    languages = metadata.get("languages")
    if isinstance(languages, list):
        tags = [tag for tag in map(_language_tag, languages[:MAX_LANGUAGES]) if tag]
        if tags:
            kept["languages"] = tags
    corridor = corridor_metadata(metadata.get(CORRIDOR_KEY))
    if corridor:
        kept[CORRIDOR_KEY] = corridor
    return kept or None


def _bad(error: str) -> HTTPResponse:
    return response.json({"error": error}, status=400)


class SafeRestInput(RestInput):
    """The `rest` channel with pseudonyms, clean and capped input, and no silent turns."""

    identity_prefix = "rest"  # pseudonyms look like rest-3f9c…

    @classmethod
    def name(cls) -> str:
        return "rest"

    def collector(self) -> CollectingOutputChannel:
        return CollectingOutputChannel()

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        try:
            return kept_metadata(parse_body(request.body).get("metadata"))
        except BadRequest:
            return None

    def reply(self, recipient_id: str, text: str, language: str) -> dict[str, Any]:
        """A message of the channel itself (not of the bot), shaped like the bot's."""
        return {"recipient_id": recipient_id, "text": text, **channel_fields(language)}

    async def receive_message(
        self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> HTTPResponse:
        """One POST to the webhook: check, clean, run the turn, never answer with silence."""
        try:
            body = parse_body(request.body)
            raw_sender, raw_text = sender_and_text(body)
        except BadRequest as error:
            return _bad(str(error))
        text = clean(raw_text)
        if not text:
            return _bad("the message is empty")
        sender_id = pseudonymize(self.identity_prefix, raw_sender)
        metadata = kept_metadata(body.get("metadata"))
        agent = getattr(request.app.ctx, "agent", None)
        if too_long(text):
            language = answer_language(await known(agent, sender_id), metadata)
            return response.json([self.reply(sender_id, too_long_text(language), language)])
        collector = self.collector()
        message = UserMessage(
            text, collector, sender_id, input_channel=self.name(), metadata=metadata
        )
        cause = await run_turn(on_new_message, message, lambda: bool(collector.messages), agent)
        messages = list(collector.messages)
        if cause:
            said, language = await fallback(agent, sender_id, cause, metadata)
            messages.append(self.reply(sender_id, said, language))
        return response.json(messages)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        install()  # the action timeout applies from the start, also to Rasa's HTTP API
        # Blueprint names must be unique in the app: the class name keeps them apart.
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self.receive_message(request, on_new_message)

        return webhook

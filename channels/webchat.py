"""The web chat channel: Rasa's REST channel, plus what a chat page needs to render a reply.

POST /webhooks/webchat/webhook  {"sender": "...", "message": "...", "metadata": {"language": "ar"}}
→ [{"recipient_id", "text", "buttons"?, "language": "ar", "direction": "rtl"}, ...]

Each reply carries its language and direction so the page can set `lang` and `dir` on the
bubble (Arabic and Urdu right-to-left). The page may send the browser's language as metadata: a
default until the person chooses. Only the metadata keys listed in `ALLOWED_METADATA` reach the
bot: nothing else a page sends is stored in the tracker.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)

ALLOWED_METADATA = ("language", "languages")
MESSAGE_FIELDS = ("language", "direction")
MAX_TEXT = 4096


class LanguageCollectingOutputChannel(CollectingOutputChannel):
    """Collects replies like the REST channel, keeping each reply's language and direction."""

    @classmethod
    def name(cls) -> str:
        return "webchat"

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        before = len(self.messages)
        await super().send_response(recipient_id, message)
        extra = {key: message[key] for key in MESSAGE_FIELDS if message.get(key)}
        for collected in self.messages[before:]:
            collected.update(extra)


class WebchatInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "webchat"

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        body = request.json if isinstance(request.json, dict) else {}
        metadata = body.get("metadata")
        if not isinstance(metadata, dict):
            return None
        kept = {key: metadata[key] for key in ALLOWED_METADATA if key in metadata}
        return kept or None

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            body = request.json if isinstance(request.json, dict) else None
            if body is None:
                return response.json({"error": "expected a JSON object"}, status=400)
            sender = body.get("sender")
            text = body.get("message")
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                return response.json({"error": "expected sender and message strings"}, status=400)
            collector = LanguageCollectingOutputChannel()
            message = UserMessage(
                text[:MAX_TEXT],
                collector,
                sender,
                input_channel=self.name(),
                metadata=self.get_metadata(request),
            )
            try:
                await on_new_message(message)
            except Exception:  # the reply so far, never the user's text in the log
                logger.exception("webchat: handling a message failed")
            return response.json(collector.messages)

        return webhook

"""The web chat channel: Rasa's REST channel, plus the chat page and what it needs to render.

GET  /webhooks/webchat/                  the chat page (webchat/index.html)
GET  /webhooks/webchat/static/<name>     its script and style sheet (an allow-list, no paths)
GET  /webhooks/webchat/strings?lang=xx   the page's own labels in a language, from the catalogs
GET  /webhooks/webchat/privacy?lang=xx   the privacy notice, from the catalogs
POST /webhooks/webchat/webhook  {"sender": "...", "message": "...", "metadata": {"language": "ar"}}
→ [{"recipient_id", "text", "buttons"?, "language": "ar", "direction": "rtl"}, ...]

Each reply carries its language and direction so the page can set `lang` and `dir` on the
bubble (Arabic and Urdu right-to-left). The page may send the browser's language as metadata: a
default until the person chooses. Only the metadata the bot reads (`channels.rest.kept_metadata`:
languages, and a briefing's deep-link corridor with canonical codes only) reaches the bot:
nothing else a page sends is stored in the tracker. The page's random sender id is
pseudonymized like every channel's, so the tracker store never holds what the browser holds.

The page is served by the Rasa server itself (same origin, no CDN, works offline) with a strict
Content-Security-Policy: scripts and styles from this server only, no inline code, no framing.
"""

from __future__ import annotations

import hashlib
import html
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.rest import SafeRestInput
from engine import settings
from i18n import render
from i18n.catalog import SOURCE_LANGUAGE, Translator, strings
from i18n.languages import channel_fields, metadata_language

logger = logging.getLogger(__name__)

MESSAGE_FIELDS = ("language", "direction")
CHANNEL = "web"  # the pseudonyms' prefix

# Like locales/, the page lives in the source tree (an editable install serves it as is).
PAGE_DIR = Path(__file__).resolve().parent.parent / "webchat"
CONTENT_TYPES = {
    "index.html": "text/html; charset=utf-8",
    "app.js": "text/javascript; charset=utf-8",
    "style.css": "text/css; charset=utf-8",
}
STATIC_FILES = ("app.js", "style.css")
UI_PREFIX = "webchat."

# Same origin only, no inline script or style, no plug-ins, no framing, no base-tag tricks.
CSP_PAGE = (
    "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; "
    "img-src 'self' data:; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
CSP_PRIVACY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


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


def requested_language(request: Request) -> str:
    """The catalog language for `?lang=` (a code, a browser tag or a comma list), else English.

    The page asks with the language of the latest reply, or the browser's languages before
    the first one; unknown codes fall back to English rather than fail.
    """
    values = [part for value in request.args.getlist("lang", []) for part in value.split(",")]
    return metadata_language({"languages": [v.strip() for v in values if v.strip()]}) or (
        SOURCE_LANGUAGE
    )


def ui_strings(language: str) -> dict[str, str]:
    """The page's labels (`webchat.*` keys of strings.yml) in a language, by short name."""
    t = Translator(language)
    return {
        key[len(UI_PREFIX) :]: t.text(key)
        for key in strings()
        if key.startswith(UI_PREFIX) and isinstance(strings()[key], str)
    }


def privacy_page(language: str) -> str:
    """The privacy notice as a small HTML page: no script, the page's style sheet only."""
    t = Translator(language)
    fields = channel_fields(language)
    paragraphs = render.privacy_notice(t, settings.retention_days())
    body = "\n".join(f'    <p dir="auto">{html.escape(p)}</p>' for p in paragraphs)
    title = html.escape(t.text("webchat.privacy"))
    back = html.escape(t.text("webchat.back"))
    return f"""<!doctype html>
<html lang="{fields["language"]}" dir="{fields["direction"]}">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <meta name="referrer" content="no-referrer">
  <title>{title}</title>
  <link rel="icon" href="data:,">
  <link rel="stylesheet" href="static/style.css">
</head>
<body class="privacy">
  <main id="privacy">
    <h1>{title}</h1>
{body}
    <p><a class="action" href="./">{back}</a></p>
  </main>
</body>
</html>
"""


def _page_response(
    request: Request, body: bytes, content_type: str, csp: str | None = None
) -> HTTPResponse:
    """A response with the security headers and an ETag, so a cheap phone re-downloads nothing.

    `no-cache` means "revalidate": an edited page is picked up at once, an unchanged one costs
    a 304 without a body.
    """
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {**SECURITY_HEADERS, "ETag": etag, "Cache-Control": "no-cache"}
    if csp:
        headers["Content-Security-Policy"] = csp
    if request.headers.get("if-none-match") == etag:
        return response.raw(b"", status=304, headers=headers)
    return response.raw(body, content_type=content_type, headers=headers)


class WebchatInput(SafeRestInput):
    """The hardened REST channel (`channels.rest`) plus the chat page; replies carry languages."""

    identity_prefix = CHANNEL

    @classmethod
    def name(cls) -> str:
        return "webchat"

    def collector(self) -> LanguageCollectingOutputChannel:
        return LanguageCollectingOutputChannel()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def page(request: Request) -> HTTPResponse:
            # The page uses relative URLs (static/…, webhook), so it must be at a path ending
            # in "/" — also behind a proxy that adds its own prefix.
            if not request.path.endswith("/"):
                return response.redirect(request.path + "/", status=308)
            body = (PAGE_DIR / "index.html").read_bytes()
            return _page_response(request, body, CONTENT_TYPES["index.html"], CSP_PAGE)

        @webhook.route("/static/<name>", methods=["GET"])
        async def static(request: Request, name: str) -> HTTPResponse:
            if name not in STATIC_FILES:  # an allow-list: no path ever reaches the disk
                return response.text("not found", status=404, headers=SECURITY_HEADERS)
            body = (PAGE_DIR / name).read_bytes()
            return _page_response(request, body, CONTENT_TYPES[name])

        @webhook.route("/strings", methods=["GET"])
        async def labels(request: Request) -> HTTPResponse:
            language = requested_language(request)
            body = {**channel_fields(language), "strings": ui_strings(language)}
            return response.json(body, headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})

        @webhook.route("/privacy", methods=["GET"])
        async def privacy(request: Request) -> HTTPResponse:
            body = privacy_page(requested_language(request)).encode("utf-8")
            return _page_response(request, body, CONTENT_TYPES["index.html"], CSP_PRIVACY)

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            # Checks, pseudonym, clean and capped text, fallback: as on the REST channel.
            return await self.receive_message(request, on_new_message)

        return webhook

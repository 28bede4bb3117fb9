"""Local stand-ins for Meta's Graph API and Twilio's Messages API, and signed webhooks.

`FakeAPI` is a real HTTP server on 127.0.0.1 (a thread), so the channels' real aiohttp clients
talk to it exactly as they would to Meta or Twilio; it records what it was sent.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode

from twilio.request_validator import RequestValidator


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: Any  # JSON (Graph) or {field: value} (Twilio form)
    at: float


class FakeAPI:
    """Records every POST; answers 200 (or the statuses queued with `fail_next`)."""

    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self._failures: list[int] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length)
                if self.headers.get("Content-Type", "").startswith("application/json"):
                    body: Any = json.loads(raw)
                else:
                    body = {
                        k: v[0] for k, v in parse_qs(raw.decode(), keep_blank_values=True).items()
                    }
                with fake._lock:
                    status = fake._failures.pop(0) if fake._failures else 200
                    if status == 200:
                        fake.requests.append(
                            Recorded("POST", self.path, dict(self.headers), body, time.monotonic())
                        )
                answer = (
                    {"messages": [{"id": f"wamid.fake{len(fake.requests)}"}], "sid": "SMfake"}
                    if status == 200
                    else {"error": {"code": 131000, "message": "fake failure"}}
                )
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeAPI:
        self._thread.start()
        return self

    def __exit__(self, *_: Any) -> None:
        self.server.shutdown()
        self.server.server_close()

    def fail_next(self, *statuses: int) -> None:
        with self._lock:
            self._failures += list(statuses)

    def sent(self, predicate: Callable[[Recorded], bool] = lambda r: True) -> list[Recorded]:
        with self._lock:
            return [r for r in self.requests if predicate(r)]

    def wait_for(self, count: int, predicate=lambda r: True, timeout: float = 30) -> list[Recorded]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.sent(predicate)
            if len(found) >= count:
                return found
            time.sleep(0.05)
        return self.sent(predicate)


# -- Meta ---------------------------------------------------------------------------------------


def wamid(phone: str, serial: int) -> str:
    """A message id shaped like Meta's: it encodes the sender's number."""
    raw = b"\x18\x0c" + phone.encode() + b"\x15\x02\x00\x12\x18\x14" + f"{serial:020d}".encode()
    return "wamid." + base64.b64encode(raw).decode()


def meta_message(phone: str | None, serial: int, kind: str = "text", **content: Any) -> dict:
    message: dict[str, Any] = {
        "id": wamid(phone or "user", serial),
        "timestamp": str(int(content.pop("timestamp", time.time()))),
        "type": kind,
    }
    if phone:
        message["from"] = phone
    if "user_id" in content:
        message["from_user_id"] = content.pop("user_id")
    if kind == "text":
        message["text"] = {"body": content["body"]}
    elif kind == "interactive":
        key = content.get("reply_type", "button_reply")
        message["interactive"] = {"type": key, key: {"id": content["id"], "title": "t"}}
    elif kind == "button":
        message["button"] = {"payload": content.get("payload"), "text": content.get("text")}
    else:
        message[kind] = content or {"id": "media-1", "mime_type": "audio/ogg"}
    return message


def meta_notification(*messages: dict, statuses: list[dict] | None = None) -> dict:
    value: dict[str, Any] = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": "15550000000", "phone_number_id": "1234567890"},
    }
    if messages:
        first = messages[0]
        contact: dict[str, Any] = {"profile": {"name": "Test"}}
        if first.get("from"):
            contact["wa_id"] = first["from"]
        if first.get("from_user_id"):
            contact["user_id"] = first["from_user_id"]
        value["contacts"] = [contact]
        value["messages"] = list(messages)
    if statuses is not None:
        value["statuses"] = statuses
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": "WABA_ID", "changes": [{"field": "messages", "value": value}]}],
    }


def meta_status(phone: str, serial: int) -> dict:
    return {
        "id": wamid(phone, serial),
        "status": "delivered",
        "timestamp": str(int(time.time())),
        "recipient_id": phone,
    }


def sign_meta(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def meta_body(notification: dict) -> bytes:
    return json.dumps(notification, ensure_ascii=False).encode()


# -- Twilio -------------------------------------------------------------------------------------


def twilio_form(phone: str, body: str, serial: int, **extra: str) -> dict[str, str]:
    return {
        "SmsMessageSid": f"SM{serial:032d}",
        "MessageSid": f"SM{serial:032d}",
        "AccountSid": "ACtest",
        "From": f"whatsapp:{phone}",
        "To": "whatsapp:+14155238886",
        "Body": body,
        "NumMedia": "0",
        "WaId": phone.lstrip("+"),
        "ProfileName": "Test",
        **extra,
    }


def sign_twilio(token: str, url: str, form: dict[str, str]) -> str:
    return RequestValidator(token).compute_signature(url, form)


def twilio_body(form: dict[str, str]) -> bytes:
    return urlencode(form).encode()

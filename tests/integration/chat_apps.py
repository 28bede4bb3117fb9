"""Helpers for the WhatsApp integration tests: the tracker store as Rasa left it, texts to compare.

The tracker store is read directly (SQLite, read-only) to know when a background turn is over:
Rasa saves a turn's events once the turn is done, replies sent. Asking Rasa's HTTP API instead
would create a conversation for an unknown id, racing with the turn it is waiting for.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

from channels import identity

PARAGRAPH_BREAK = re.compile(r"[\s\u200e\u200f]+")

# One Rasa server with the WhatsApp (Meta) and Twilio channels configured serves the WhatsApp,
# Twilio and load/fuzz modules (`chat_servers` in conftest.py): one start-up instead of three.
SENDER_KEY = "integration-sender-key"
WA_SECRET = "integration-app-secret"
WA_VERIFY = "integration-verify-token"
WA_TOKEN = "integration-token"
WA_PHONE_NUMBER_ID = "109876543210"
TWILIO_TOKEN = "integration-twilio-token"
TWILIO_ACCOUNT = "ACintegration"
TWILIO_BOT_NUMBER = "+14155238886"
TWILIO_PUBLIC_URL = "https://bot.example.org/webhooks/twilio_whatsapp/webhook"
# Message ids are made from the phone and a serial: one counter for every module sharing the
# server, or the channel's de-duplication would drop a later module's message as a repeat.
SERIALS = itertools.count(1)
# Every sender id the shared server may hold: pseudonyms, never a number.
PSEUDONYM_PREFIXES = ("wa-", "twilio-", "rest-")


def chat_app_env(graph_url: str, twilio_url: str) -> dict[str, str]:
    """The environment of the shared server: both WhatsApp channels, pointed at fakes."""
    return {
        "WHATSAPP_GRAPH_URL": f"{graph_url}/v21.0",
        "WHATSAPP_TOKEN": WA_TOKEN,
        "WHATSAPP_PHONE_NUMBER_ID": WA_PHONE_NUMBER_ID,
        "WHATSAPP_APP_SECRET": WA_SECRET,
        "WHATSAPP_VERIFY_TOKEN": WA_VERIFY,
        "TWILIO_ACCOUNT_SID": TWILIO_ACCOUNT,
        "TWILIO_AUTH_TOKEN": TWILIO_TOKEN,
        "TWILIO_WHATSAPP_NUMBER": TWILIO_BOT_NUMBER,
        "TWILIO_WEBHOOK_URL": TWILIO_PUBLIC_URL,
        "TWILIO_API_URL": twilio_url,
        "SENDER_ID_KEY": SENDER_KEY,
    }


def events(workdir: Path, sender: str) -> list[dict]:
    path = workdir / "tracker.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10) as db:
        rows = db.execute(
            "SELECT type_name, data FROM events WHERE sender_id = ? ORDER BY id", (sender,)
        ).fetchall()
    return [{"event": kind, **json.loads(data)} for kind, data in rows]


def user_texts(workdir: Path, sender: str) -> list[str]:
    return [e.get("text") for e in events(workdir, sender) if e["event"] == "user"]


def wait_for_turns(workdir: Path, sender: str, count: int, timeout: float = 60) -> list[dict]:
    """Until `count` user messages of `sender` are in the store and the bot listens again."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = events(workdir, sender)
        users = [e for e in found if e["event"] == "user"]
        if len(users) >= count and found[-1].get("name") == "action_listen":
            return found
        time.sleep(0.05)
    raise AssertionError(f"{sender}: {count} turns not done in {timeout}s")


def senders(workdir: Path) -> set[str]:
    with sqlite3.connect(f"file:{workdir / 'tracker.sqlite3'}?mode=ro", uri=True) as db:
        return {row[0] for row in db.execute("SELECT DISTINCT sender_id FROM events")}


def flat(text: str) -> str:
    """Text with every run of spaces, line breaks and direction marks as one space."""
    return PARAGRAPH_BREAK.sub(" ", text).strip()


@contextmanager
def sender_key(key: str):
    """Compute pseudonyms here as the server does (same SENDER_ID_KEY)."""
    old = os.environ.get(identity.KEY_ENV)
    os.environ[identity.KEY_ENV] = key
    identity.reset_key_cache()
    try:
        yield
    finally:
        if old is None:
            os.environ.pop(identity.KEY_ENV, None)
        else:
            os.environ[identity.KEY_ENV] = old
        identity.reset_key_cache()


def pseudonym(key: str, prefix: str, raw: str) -> str:
    with sender_key(key):
        return identity.pseudonymize(prefix, raw)


def files_containing(paths: list[Path], needles: list[str]) -> list[tuple[str, str]]:
    """(file, needle) for every needle found in a file's bytes (UTF-8)."""
    found = []
    for path in paths:
        if path.exists():
            data = path.read_bytes()
            found += [(path.name, n) for n in needles if n.encode() in data]
    return found

"""Pseudonymous sender ids: what reaches Rasa (and its tracker store) is never a phone number.

Every channel calls `pseudonymize(channel, raw_id)` at its entry. The id is an HMAC-SHA256 of the
raw id under a secret key (`SENDER_ID_KEY` in the environment), so the same person gets the same
conversation back, while someone holding the tracker store cannot reverse it or test a guessed
number without the key. Without `SENDER_ID_KEY` (a laptop, the tests) a random key is created
once in `var/sender-id.key` (mode 0600) so ids stay stable across restarts on that machine.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import secrets
from functools import lru_cache
from pathlib import Path

logger = logging.getLogger(__name__)

KEY_ENV = "SENDER_ID_KEY"
KEY_FILE_ENV = "SENDER_ID_KEY_FILE"
DEFAULT_KEY_FILE = Path(__file__).resolve().parent.parent / "var" / "sender-id.key"
PREFIX_LENGTH = 32  # hex characters kept: 128 bits


@lru_cache(maxsize=1)
def _key() -> bytes:
    value = os.environ.get(KEY_ENV)
    if value:
        return value.encode("utf-8")
    path = Path(os.environ.get(KEY_FILE_ENV) or DEFAULT_KEY_FILE)
    if path.exists():
        return path.read_bytes().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32).encode("ascii")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    logger.warning("%s not set: created a local sender-id key in %s", KEY_ENV, path)
    return key


def pseudonymize(channel: str, raw_id: str) -> str:
    """A stable, non-reversible id for one person on one channel, e.g. `wa-3f9c…`."""
    digest = hmac.new(_key(), f"{channel}:{raw_id}".encode(), hashlib.sha256).hexdigest()
    return f"{channel}-{digest[:PREFIX_LENGTH]}"


def reset_key_cache() -> None:
    """For tests that change the key."""
    _key.cache_clear()

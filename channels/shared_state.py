"""The messaging channels' memory in Redis, shared by every Rasa server behind a load balancer.

`channels.messaging.Conversations` and `SeenIds` keep, in one process's memory, what a WhatsApp
or Twilio channel must remember between webhooks: the numbered menu each person was last shown,
when they last wrote (the 24-hour window), the language of the bot's last message, and the ids of
messages already accepted. With N Rasa servers, the person's next message may reach another
server: "3" would no longer mean option 3, a retried webhook would be answered twice, and the
window would look closed. Here the same interface keeps that state in Redis instead.

Selected by the environment (`state_from_env`): `REDIS_URL`, or `BOT_ENV=production` (which
builds the URL from `REDIS_HOST`/`REDIS_PORT`/`REDIS_DB`/`REDIS_PASSWORD`, as the lock store
does); otherwise the in-memory default. What is stored is as little as in memory: pseudonymous
sender ids (keyed hashes), a hash of each message id (a WhatsApp id encodes the phone number),
payloads and a language code; every key expires by itself.

The calls are synchronous, as the channels' are: a Redis round trip on the same network is a
fraction of a millisecond, and a short socket timeout bounds the wait when Redis is unreachable.
Then the channel degrades rather than refusing the webhook: a repeated message may be answered
twice, a number is read as plain text, the window is assumed open (the app itself refuses a
reply outside it) — better than losing the person's message.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any, TypeVar

import redis

from channels.messaging import WINDOW, Conversations, SeenIds, parse_choice

logger = logging.getLogger(__name__)

SOCKET_TIMEOUT = 0.5  # seconds; a webhook must be answered at once
WARN_EVERY = 60.0  # seconds between two warnings about an unreachable Redis
T = TypeVar("T")

# Only raise the stored time: a retried (older) webhook must not close the window.
_USER_WROTE = """
local old = tonumber(redis.call('HGET', KEYS[1], 't') or '0')
if tonumber(ARGV[1]) > old then redis.call('HSET', KEYS[1], 't', ARGV[1]) end
redis.call('EXPIRE', KEYS[1], ARGV[2])
return 1
"""


class _Degrading:
    """Runs Redis calls, turning a Redis failure into a fallback value and a rare warning."""

    def __init__(self) -> None:
        self._warned_at = float("-inf")

    def _try(self, call: Callable[[], T], fallback: T) -> T:
        try:
            return call()
        except redis.RedisError as error:
            now = time.monotonic()
            if now - self._warned_at >= WARN_EVERY:
                self._warned_at = now
                logger.warning(
                    "channel state: Redis unavailable (%s); degrading", type(error).__name__
                )
            return fallback


class RedisSeenIds(SeenIds, _Degrading):
    """`SeenIds` across servers: one `SET NX EX` per id, atomic, so a retried webhook that
    reaches another server is still recognised. Only a hash of the id is stored."""

    def __init__(self, client: redis.Redis, prefix: str, ttl: float = 26 * 3600) -> None:
        _Degrading.__init__(self)
        self.client, self.prefix, self.ttl = client, prefix, int(ttl)

    def first_time(self, message_id: str) -> bool:
        digest = hashlib.blake2b(message_id.encode("utf-8"), digest_size=16).hexdigest()
        key = f"{self.prefix}seen:{digest}"
        return self._try(lambda: bool(self.client.set(key, b"1", nx=True, ex=self.ttl)), True)


class RedisConversations(Conversations, _Degrading):
    """`Conversations` across servers: one Redis hash per pseudonymous sender, expiring `ttl`
    after its last write (fields `t` last message time, `lang`, `menu` as a JSON list).

    A subclass so the channels' type hints hold unchanged; none of the in-memory storage is used.
    """

    def __init__(
        self,
        client: redis.Redis,
        prefix: str,
        ttl: float = WINDOW + 3600,
        clock: Callable[[], float] = time.time,
        window: float = WINDOW,
    ) -> None:
        _Degrading.__init__(self)
        self.client, self.prefix, self.ttl = client, prefix, int(ttl)
        self.clock, self.window = clock, window  # wall clock: the same on every server
        self._user_wrote = client.register_script(_USER_WROTE)

    def _key(self, sender: str) -> str:
        return f"{self.prefix}conv:{sender}"

    def user_wrote(self, sender: str, at: float | None = None) -> None:
        now = self.clock()
        at = now if at is None else min(at, now)
        self._try(lambda: self._user_wrote(keys=[self._key(sender)], args=[repr(at), self.ttl]), 0)

    def within_window(self, sender: str) -> bool:
        # Redis unreachable: assume the window open (the app refuses a reply outside it).
        stored = self._try(lambda: self.client.hget(self._key(sender), "t"), b"inf")
        if stored is None:
            return False
        return self.clock() - float(stored) <= self.window

    def answer(self, sender: str, text: str) -> str:
        """As `Conversations.answer`: the menu is read and cleared in one transaction, so a
        number is used once even when two servers receive messages from the same person."""
        key = self._key(sender)

        def take() -> Any:
            pipe = self.client.pipeline(transaction=True)
            pipe.hget(key, "menu")
            pipe.hdel(key, "menu")
            return pipe.execute()[0]

        stored = self._try(take, None)
        if stored is None:
            return text
        menu = json.loads(stored)
        number = parse_choice(text)
        if number is not None and 1 <= number <= len(menu):
            return menu[number - 1]
        return text

    def remember(self, sender: str, menu: Sequence[str], language: str | None) -> None:
        key = self._key(sender)
        fields = {"menu": json.dumps(list(menu))}
        if language:
            fields["lang"] = language

        def store() -> None:
            pipe = self.client.pipeline(transaction=True)
            pipe.hset(key, mapping=fields)
            pipe.expire(key, self.ttl)
            pipe.execute()

        self._try(store, None)

    def language(self, sender: str) -> str | None:
        stored = self._try(lambda: self.client.hget(self._key(sender), "lang"), None)
        return stored.decode("utf-8") if stored else None


# ---------------------------------------------------------------------------------------------
# Selection by the environment


def redis_url() -> str | None:
    """`REDIS_URL`; in production without it, the lock store's Redis; else None (in memory)."""
    url = os.environ.get("REDIS_URL", "").strip()
    if url:
        return url
    if os.environ.get("BOT_ENV") != "production":
        return None
    host = os.environ.get("REDIS_HOST", "127.0.0.1")
    port = os.environ.get("REDIS_PORT", "6379")
    db = os.environ.get("REDIS_DB", "1")
    password = os.environ.get("REDIS_PASSWORD", "")
    auth = f":{password}@" if password else ""
    return f"redis://{auth}{host}:{port}/{db}"


def key_prefix() -> str:
    """`MESSAGING_KEY_PREFIX`, else "<REDIS_KEY_PREFIX>:channels:" (apart from Rasa's locks)."""
    explicit = os.environ.get("MESSAGING_KEY_PREFIX", "").strip()
    return explicit or f"{os.environ.get('REDIS_KEY_PREFIX') or 'bot'}:channels:"


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    # One client (and connection pool) per URL, shared by the WhatsApp and Twilio channels.
    return redis.Redis.from_url(
        url, socket_timeout=SOCKET_TIMEOUT, socket_connect_timeout=SOCKET_TIMEOUT
    )


def conversations_from_env() -> Conversations:
    url = redis_url()
    if url is None:
        return Conversations()
    return RedisConversations(_client(url), key_prefix())


def seen_ids_from_env() -> SeenIds:
    url = redis_url()
    if url is None:
        return SeenIds()
    return RedisSeenIds(_client(url), key_prefix())


__all__ = [
    "RedisConversations",
    "RedisSeenIds",
    "conversations_from_env",
    "key_prefix",
    "redis_url",
    "seen_ids_from_env",
]

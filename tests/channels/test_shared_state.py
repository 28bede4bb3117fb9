"""The messaging channels' memory in the real Redis at 127.0.0.1:6379, shared by two "servers".

Each test uses its own key prefix and deletes its keys afterwards, so it never touches a running
bot's state or another test's.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid

import pytest
import redis
from rasa.core.channels.channel import UserMessage

from channels import shared_state
from channels.messaging import Conversations, Outgoing, SeenIds
from channels.shared_state import (
    RedisConversations,
    RedisSeenIds,
    conversations_from_env,
    seen_ids_from_env,
)
from channels.whatsapp import Address, WhatsAppConfig, WhatsAppInput
from tests.channels.fakes import meta_body, meta_message, meta_notification, sign_meta

REDIS = "redis://127.0.0.1:6379/0"


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def client():
    connection = redis.Redis.from_url(REDIS, socket_timeout=2)
    try:
        connection.ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS}: {error}")
    yield connection
    connection.close()


@pytest.fixture
def prefix(client):
    value = f"test-shared-state-{uuid.uuid4().hex}:"
    yield value
    keys = list(client.scan_iter(match=f"{value}*"))
    if keys:
        client.delete(*keys)


def test_a_repeated_message_id_is_recognised_by_another_server(client, prefix):
    one, two = RedisSeenIds(client, prefix, ttl=60), RedisSeenIds(client, prefix, ttl=60)
    message_id = "wamid.HBgMOTc3OTgxMjM0NTY3OA=="
    assert one.first_time(message_id)
    assert not two.first_time(message_id)
    assert not one.first_time(message_id)
    assert two.first_time("wamid.other")
    keys = [key.decode() for key in client.scan_iter(match=f"{prefix}*")]
    assert len(keys) == 2 and all("wamid" not in key for key in keys)  # only hashes are kept
    assert all(0 < client.ttl(key) <= 60 for key in keys)  # and they expire by themselves


def test_a_menu_shown_by_one_server_is_answered_on_another_once(client, prefix):
    one = RedisConversations(client, prefix, clock=Clock())
    two = RedisConversations(client, prefix, clock=Clock())
    one.remember("wa-1", ["/a", "/b", "/c"], "ar")
    assert two.language("wa-1") == "ar"
    assert two.answer("wa-1", "٣") == "/c"
    assert one.answer("wa-1", "3") == "3"  # used once, whichever server reads it
    one.remember("wa-1", ["/a"], None)
    assert two.language("wa-1") == "ar"  # a menu without a language keeps the language
    assert two.answer("wa-1", "7") == "7"  # out of range: the text as it is
    assert two.answer("wa-2", "1") == "1"  # someone else's menu is not theirs
    assert two.language("wa-2") is None
    assert 0 < client.ttl(f"{prefix}conv:wa-1") <= one.ttl


def test_the_24_hour_window_is_the_same_on_every_server(client, prefix):
    clock = Clock()
    one = RedisConversations(client, prefix, clock=clock)
    two = RedisConversations(client, prefix, clock=clock)
    assert not two.within_window("wa-1")
    one.user_wrote("wa-1")
    clock.now += 23 * 3600
    assert two.within_window("wa-1")
    clock.now += 2 * 3600
    assert not two.within_window("wa-1")
    two.user_wrote("wa-1", at=clock.now - 25 * 3600)  # a day-old retried webhook
    assert not one.within_window("wa-1")
    two.user_wrote("wa-1", at=clock.now + 3600)  # a clock ahead counts as now
    assert one.within_window("wa-1")
    one.user_wrote("wa-1", at=clock.now - 3600)  # an older time never lowers the newest
    assert float(client.hget(f"{prefix}conv:wa-1", "t")) == clock.now


def test_concurrent_answers_to_one_menu_use_it_once(client, prefix):
    servers = [RedisConversations(client, prefix) for _ in range(8)]
    servers[0].remember("wa-1", ["/a", "/b"], "en")
    results: list[str] = []
    start = threading.Barrier(len(servers))

    def answer(server: RedisConversations) -> None:
        start.wait()
        results.append(server.answer("wa-1", "2"))

    threads = [threading.Thread(target=answer, args=(server,)) for server in servers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["/b"] + ["2"] * 7


def test_an_unreachable_redis_degrades_without_raising_and_warns_once(caplog):
    closed = redis.Redis(port=_closed_port(), socket_timeout=0.2, socket_connect_timeout=0.2)
    seen, conversations = RedisSeenIds(closed, "x:"), RedisConversations(closed, "x:")
    with caplog.at_level(logging.WARNING, logger="channels.shared_state"):
        assert seen.first_time("wamid.1") and seen.first_time("wamid.1")  # answer, maybe twice
        conversations.user_wrote("wa-1")
        conversations.remember("wa-1", ["/a"], "fr")
        assert conversations.answer("wa-1", "1") == "1"
        assert conversations.within_window("wa-1")
        assert conversations.language("wa-1") is None
    warnings = [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING]
    assert len(warnings) == 2  # one per object, not one per call
    assert all("wa-1" not in w and "wamid" not in w for w in warnings)


def _closed_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the block ends


def test_the_environment_selects_the_store(monkeypatch):
    for name in ("REDIS_URL", "BOT_ENV", "MESSAGING_KEY_PREFIX", "REDIS_KEY_PREFIX"):
        monkeypatch.delenv(name, raising=False)
    assert type(conversations_from_env()) is Conversations
    assert type(seen_ids_from_env()) is SeenIds
    monkeypatch.setenv("REDIS_URL", REDIS)
    assert isinstance(conversations_from_env(), RedisConversations)
    assert isinstance(seen_ids_from_env(), RedisSeenIds)
    assert shared_state.key_prefix() == "bot:channels:"
    monkeypatch.delenv("REDIS_URL")
    monkeypatch.setenv("BOT_ENV", "production")
    monkeypatch.setenv("REDIS_HOST", "redis")
    monkeypatch.setenv("REDIS_PASSWORD", "s3cret")
    monkeypatch.setenv("REDIS_KEY_PREFIX", "bot2")
    assert shared_state.redis_url() == "redis://:s3cret@redis:6379/1"
    assert shared_state.key_prefix() == "bot2:channels:"
    assert isinstance(conversations_from_env(), RedisConversations)


def test_two_whatsapp_servers_share_menus_and_duplicates(client, prefix, monkeypatch):
    """The Meta channel as two Rasa servers would run it: a retried webhook that reaches the
    other server is dropped, and a number answers the menu the first server showed."""
    monkeypatch.setenv("REDIS_URL", REDIS)
    monkeypatch.setenv("MESSAGING_KEY_PREFIX", prefix)
    config = WhatsAppConfig(token="t", phone_number_id="1", app_secret="s", verify_token="v")
    one, two = WhatsAppInput(config), WhatsAppInput(config)
    turns: list[tuple[str, str]] = []
    sent: list[Outgoing] = []
    languages = [{"title": f"Language {i}", "payload": f'/lang{{"l":{i}}}'} for i in range(12)]

    def wire(name: str, channel: WhatsAppInput):
        async def send(_: Address, outgoing: Outgoing) -> bool:
            sent.append(outgoing)
            return True

        async def on_new_message(message: UserMessage) -> None:
            turns.append((name, message.text))
            await message.output_channel.send_response(
                message.sender_id, {"text": "Choose", "buttons": languages}
            )

        channel._send = send
        return on_new_message

    handlers = {"one": wire("one", one), "two": wire("two", two)}

    def post(name: str, channel: WhatsAppInput, serial: int, body: str) -> int:
        raw = meta_body(meta_notification(meta_message("9779812345678", serial, body=body)))

        async def run() -> int:
            status = channel.accept(raw, sign_meta("s", raw), handlers[name])
            await channel.inbox.drain()
            return status

        return asyncio.run(run())

    assert post("one", one, 1, "hello") == 200
    assert post("two", two, 1, "hello") == 200  # Meta's retry, load-balanced elsewhere
    assert post("two", two, 2, "3") == 200
    assert turns == [("one", "hello"), ("two", '/lang{"l":2}')]
    assert sent and sent[0].kind == "text" and "3. Language 2" in sent[0].text

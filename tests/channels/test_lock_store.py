"""The atomic Redis lock store on the machine's real Redis: one person's turns never run at once,
whichever server (here: thread with its own connection) receives them."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest
import redis
from rasa.core.lock_store import LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

from channels.lock_store import AtomicRedisLockStore

HOST, PORT, DB = "127.0.0.1", 6379, 0


@pytest.fixture(scope="module", autouse=True)
def reachable_redis() -> None:
    try:
        redis.Redis(host=HOST, port=PORT, socket_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {HOST}:{PORT}: {error}")


def prefix() -> str:
    return "locktest" + uuid.uuid4().hex[:8]


def store(key_prefix: str, kind: type[RedisLockStore] = AtomicRedisLockStore) -> RedisLockStore:
    return kind(host=HOST, port=PORT, db=DB, key_prefix=key_prefix)


def critical_sections(kind: type[RedisLockStore], servers: int = 6, turns: int = 4) -> int:
    """`servers` threads, each with its own store (connection), each running `turns` turns of
    one conversation under the lock; a turn reads a counter, waits, writes it + 1. Returns the
    counter: servers × turns when the lock really serialises the turns."""
    key_prefix, conversation = prefix(), "person-1"
    counter = redis.Redis(host=HOST, port=PORT, db=DB)
    counter_key = f"{key_prefix}:counter"
    counter.set(counter_key, 0)
    start = threading.Barrier(servers)

    def server() -> None:
        lock_store = store(key_prefix, kind)

        async def turns_of_one_server() -> None:
            for _ in range(turns):
                async with lock_store.lock(conversation, wait_time_in_seconds=0.01):
                    value = int(counter.get(counter_key))
                    await asyncio.sleep(0.005)
                    counter.set(counter_key, value + 1)

        start.wait()
        asyncio.run(turns_of_one_server())

    threads = [threading.Thread(target=server) for _ in range(servers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    result = int(counter.get(counter_key))
    counter.delete(counter_key)
    return result


def test_turns_of_one_person_on_several_servers_never_overlap() -> None:
    assert critical_sections(AtomicRedisLockStore) == 6 * 4


def test_simultaneous_tickets_are_unique_and_all_kept() -> None:
    key_prefix, conversation = prefix(), "person-2"
    tickets: list[int] = []
    start = threading.Barrier(8)

    def take() -> None:
        lock_store = store(key_prefix)
        start.wait()
        tickets.append(lock_store.issue_ticket(conversation, 30))

    threads = [threading.Thread(target=take) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(tickets) == list(range(8))
    lock = store(key_prefix).get_lock(conversation)
    assert lock is not None and [t.number for t in lock.tickets] == list(range(8))
    for ticket in tickets:
        store(key_prefix).cleanup(conversation, ticket)
    assert store(key_prefix).get_lock(conversation) is None  # gone with its last ticket


def test_expired_tickets_of_a_dead_server_do_not_block_the_person() -> None:
    key_prefix, conversation = prefix(), "person-3"
    lock_store = store(key_prefix)
    lock_store.issue_ticket(conversation, 0.05)  # a server that died mid-turn
    time.sleep(0.1)

    async def turn() -> bool:
        async with lock_store.lock(conversation, wait_time_in_seconds=0.01):
            return True

    assert asyncio.run(asyncio.wait_for(turn(), timeout=5))


def test_rasa_builds_it_from_the_endpoints_file() -> None:
    key_prefix = prefix()
    config = EndpointConfig(
        url=HOST,
        type="channels.lock_store.AtomicRedisLockStore",
        port=PORT,
        db=DB,
        key_prefix=key_prefix,
    )
    built = LockStore.create(config)
    assert isinstance(built, AtomicRedisLockStore)
    assert built.key_prefix.startswith(key_prefix)

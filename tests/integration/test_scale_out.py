"""Two Rasa servers behind no balancer at all: turns alternate between them, or hit both at once.

The production set-up (`endpoints.production.yml`) on the machine's PostgreSQL and Redis: the
tracker store and the entitlement store in a fresh PostgreSQL database made for this run (and
dropped after it), Rasa's lock store in Redis under a key prefix of its own. Two Rasa servers and
one action server, started once for the module.

What must hold when a conversation is spread over servers:
- no turn lost: every message gets its answer over HTTP, and every message is in the tracker;
- none out of order: in the tracker (read from PostgreSQL), each user message is followed by its
  own bot replies, and turns sent one after another are stored in that order — also when two of
  one person's messages reach the two servers at the same moment (the Redis lock serialises them);
- the same answers as a single server on the SQLite default (the session's `servers`), except the
  table-version line, which names each store's own compiled version.
- the connection pools hold: the peak number of connections to the database stays within what
  README "Production set-up" computes for 2 Rasa servers and 1 action server.
"""

from __future__ import annotations

import json
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import psycopg2
import pytest
import redis
import requests

from i18n.catalog import Translator
from tests.integration.servers import ROOT, Servers, running_servers

pytestmark = pytest.mark.integration

PG_HOST, PG_PORT, REDIS_URL = "127.0.0.1", 5432, "redis://127.0.0.1:6379/0"
SQL_POOL_SIZE, SQL_MAX_OVERFLOW = 2, 2  # Rasa's tracker store, per Rasa server
ENTITLEMENTS_POOL_SIZE, ENTITLEMENTS_MAX_OVERFLOW = 2, 2  # the entitlement store, per process
PROFILE = ["hello", "I am a migrant worker", "construction", "Nepal", "Qatar"]
FOLLOW_UPS = ["what if I get injured at work?", "where can I complain?"]
BURST = ["where do I register?", "what happens to my contributions when I go home"]
SENDER_ID_KEY = "scale-out-test-key"  # production requires one key shared by every server


def _pg_role() -> str:
    """The first role that can log in over loopback (trust auth): postgres, else root."""
    errors = []
    for role in ("postgres", "root"):
        try:
            psycopg2.connect(host=PG_HOST, port=PG_PORT, user=role, dbname="test").close()
            return role
        except psycopg2.Error as error:
            errors.append(f"{role}: {str(error).strip()}")
    pytest.skip(f"PostgreSQL is not reachable at {PG_HOST}:{PG_PORT} ({'; '.join(errors)})")


def _admin(role: str, sql: str) -> None:
    connection = psycopg2.connect(host=PG_HOST, port=PG_PORT, user=role, dbname="test")
    connection.autocommit = True  # CREATE/DROP DATABASE cannot run in a transaction
    try:
        with connection.cursor() as cursor:
            cursor.execute(sql)
    finally:
        connection.close()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    role = _pg_role()
    try:
        redis.Redis.from_url(REDIS_URL, socket_timeout=2).ping()
    except redis.RedisError as error:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {error}")
    run = uuid.uuid4().hex[:12]
    database, prefix = f"bot_it_{run}", f"botit{run}"  # the lock store's prefix: alphanumeric
    _admin(role, f"CREATE DATABASE {database}")
    env = {
        "BOT_ENV": "production",
        "DATABASE_URL": f"postgresql://{role}@{PG_HOST}:{PG_PORT}/{database}",
        "TRACKER_DB_HOST": PG_HOST,
        "TRACKER_DB_PORT": str(PG_PORT),
        "TRACKER_DB_NAME": database,
        "TRACKER_DB_USER": role,
        "TRACKER_DB_PASSWORD": "",
        "REDIS_HOST": "127.0.0.1",
        "REDIS_PORT": "6379",
        "REDIS_DB": "0",
        "REDIS_PASSWORD": "",
        "REDIS_KEY_PREFIX": prefix,
        "REDIS_URL": REDIS_URL,
        "MESSAGING_KEY_PREFIX": f"{prefix}:channels:",
        "SQL_POOL_SIZE": str(SQL_POOL_SIZE),
        "SQL_MAX_OVERFLOW": str(SQL_MAX_OVERFLOW),
        "ENTITLEMENTS_POOL_SIZE": str(ENTITLEMENTS_POOL_SIZE),
        "ENTITLEMENTS_MAX_OVERFLOW": str(ENTITLEMENTS_MAX_OVERFLOW),
        "SENDER_ID_KEY": SENDER_ID_KEY,
    }
    try:
        with running_servers(
            tmp_path_factory.mktemp("scale-out"),
            env,
            endpoints=ROOT / "endpoints.production.yml",
            rasa_servers=2,
            startup_seconds=420,  # two models loading at once on a shared 2-core machine
        ) as running:
            yield Cluster(running, role, database)
    finally:
        client = redis.Redis.from_url(REDIS_URL)
        keys = list(client.scan_iter(match=f"{prefix}*"))
        if keys:
            client.delete(*keys)
        _admin(role, f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")


class Cluster:
    def __init__(self, servers: Servers, role: str, database: str) -> None:
        self.servers, self.role, self.database = servers, role, database
        self.urls = servers.rasa_urls
        assert len(self.urls) == 2

    def say(self, server: int, sender: str, message: str) -> list[str]:
        response = requests.post(
            f"{self.urls[server]}/webhooks/rest/webhook",
            json={"sender": sender, "message": message},
            timeout=90,
        )
        assert response.status_code == 200, response.text
        return [m["text"] for m in response.json() if m.get("text")]

    def query(self, sql: str, *args) -> list[tuple]:
        connection = psycopg2.connect(
            host=PG_HOST, port=PG_PORT, user=self.role, dbname=self.database
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, args)
                return cursor.fetchall()
        finally:
            connection.close()

    def turns(self, sender: str) -> list[tuple[str, list[str]]]:
        """The sender's stored conversation: each user message with the bot texts after it."""
        rows = self.query(
            "SELECT type_name, data FROM events WHERE sender_id = %s ORDER BY id",
            self.servers.pseudonym(sender),  # under the servers' SENDER_ID_KEY
        )
        turns: list[tuple[str, list[str]]] = []
        for type_name, data in rows:
            event = json.loads(data)
            if type_name == "user":
                turns.append((event.get("text") or "", []))
            elif type_name == "bot" and event.get("text"):
                assert turns, "a bot message before any user message"
                turns[-1][1].append(event["text"])
        return turns


_VERSION = re.escape(Translator("en").text("sources.version", version="\x00")).replace(
    "\x00", r"\S+"
)


def joined(texts: list[str]) -> str:
    """One turn's replies as one text. Rasa's REST channel sends each paragraph of a text as a
    message of its own, while the tracker keeps the text whole: compare them joined."""
    return "\n\n".join(text.strip() for text in texts)


def comparable(texts: list[str]) -> list[str]:
    """The texts without their table-version line (each store names its own compiled version)."""
    return [re.sub(_VERSION, "<version>", text) for text in texts]


@pytest.fixture(scope="module")
def reference(servers):
    """What one server on the SQLite default answers, message by message (all messages used)."""
    answers: dict[str, list[str]] = {}
    sender = f"ref-{uuid.uuid4().hex[:8]}"
    for message in PROFILE + FOLLOW_UPS + BURST:
        answers[message] = [m["text"] for m in servers.say(sender, message) if m.get("text")]
    assert all(answers.values()), answers
    assert any("<version>" in text for text in comparable(answers["Qatar"])), answers["Qatar"]
    return answers


def test_alternating_servers_lose_nothing_and_answer_the_same(cluster, reference):
    sender = f"alt-{uuid.uuid4().hex[:8]}"
    said = []
    for index, message in enumerate(PROFILE + FOLLOW_UPS):
        answer = cluster.say(index % 2, sender, message)
        assert comparable(answer) == comparable(reference[message]), message
        said.append((message, answer))
    stored = cluster.turns(sender)  # all stored, in order, each message's replies after it
    assert [message for message, _ in stored] == [message for message, _ in said]
    for (message, replies), (_, answer) in zip(stored, said, strict=True):
        assert joined(replies) == joined(answer), message


def test_concurrent_senders_and_simultaneous_turns_on_both_servers(cluster, reference):
    senders = [f"par-{i}-{uuid.uuid4().hex[:8]}" for i in range(3)]
    peak = ConnectionPeak(cluster)
    peak.start()

    def conversation(number: int, sender: str) -> dict[str, list[str]]:
        answers = {}
        for index, message in enumerate(PROFILE + FOLLOW_UPS):
            answers[message] = cluster.say((index + number) % 2, sender, message)
        # Two of this person's messages at the same moment, one to each server.
        with ThreadPoolExecutor(2) as both:
            burst = list(both.map(lambda i: cluster.say(i, sender, BURST[i]), range(2)))
        answers.update(zip(BURST, burst, strict=True))
        return answers

    with ThreadPoolExecutor(len(senders)) as pool:
        results = list(pool.map(conversation, range(len(senders)), senders))
    peak.stop()

    for sender, answers in zip(senders, results, strict=True):
        for message, answer in answers.items():
            assert comparable(answer) == comparable(reference[message]), (sender, message)
        stored = cluster.turns(sender)
        sequential = PROFILE + FOLLOW_UPS
        assert [m for m, _ in stored[: len(sequential)]] == sequential
        assert sorted(m for m, _ in stored[len(sequential) :]) == sorted(BURST)  # either order
        assert len(stored) == len(sequential) + len(BURST)  # nothing lost, nothing twice
        for message, replies in stored:  # each message's own replies, not interleaved
            assert joined(replies) == joined(answers[message]), (sender, message)

    # README "Production set-up": N_rasa × (SQL pool + overflow + the entitlement DB's pool for
    # the Rasa side: fallback counts, handoffs) + N_actions × (entitlement pool + overflow).
    entitlement = ENTITLEMENTS_POOL_SIZE + ENTITLEMENTS_MAX_OVERFLOW
    budget = 2 * (SQL_POOL_SIZE + SQL_MAX_OVERFLOW + entitlement) + 1 * entitlement
    print(f"peak connections to {cluster.database}: {peak.most} (budget {budget})")
    assert 0 < peak.most <= budget


class ConnectionPeak(threading.Thread):
    """Samples pg_stat_activity for the test database while the load runs."""

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(daemon=True)
        self.cluster, self.most, self._done = cluster, 0, threading.Event()

    def run(self) -> None:
        connection = psycopg2.connect(
            host=PG_HOST, port=PG_PORT, user=self.cluster.role, dbname="test"
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                while not self._done.is_set():
                    cursor.execute(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                        (self.cluster.database,),
                    )
                    self.most = max(self.most, cursor.fetchone()[0])
                    time.sleep(0.05)
        finally:
            connection.close()

    def stop(self) -> None:
        self._done.set()
        self.join(timeout=5)


def test_the_production_file_is_the_one_in_use(cluster):
    """The servers really run on PostgreSQL and Redis, not on a silent SQLite fallback."""
    tables = {row[0] for row in cluster.query("SELECT tablename FROM pg_tables")}
    assert {"events", "entitlement_versions"} <= tables

"""The entitlement store's connection pool per process, from the environment.

Store.open on a server database must use the sizes README "Production set-up" computes with;
SQLite keeps SQLAlchemy's own pooling (a QueuePool size would be refused there).
"""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy.pool import QueuePool

from engine import settings
from engine.store import Store


def test_defaults_are_small(monkeypatch):
    monkeypatch.delenv("ENTITLEMENTS_POOL_SIZE", raising=False)
    monkeypatch.delenv("ENTITLEMENTS_MAX_OVERFLOW", raising=False)
    assert settings.pool() == settings.Pool(2, 2) and settings.pool().most == 4


@pytest.mark.parametrize(
    ("size", "overflow", "message"),
    [("0", "1", "at least 1"), ("two", "1", "whole number"), ("3", "-1", "at least 0")],
)
def test_wrong_values_are_refused(monkeypatch, size, overflow, message):
    monkeypatch.setenv("ENTITLEMENTS_POOL_SIZE", size)
    monkeypatch.setenv("ENTITLEMENTS_MAX_OVERFLOW", overflow)
    with pytest.raises(ValueError, match=message):
        settings.pool()


def test_sqlite_files_ignore_the_pool_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("ENTITLEMENTS_POOL_SIZE", "7")
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    assert store.is_empty()  # opened and answered: SQLite was not handed a pool size
    pool = store.engine.pool
    assert not isinstance(pool, QueuePool) or pool.size() != 7


def test_postgresql_gets_the_configured_pool(monkeypatch):
    psycopg2 = pytest.importorskip("psycopg2")
    try:
        admin = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="test")
    except psycopg2.Error as error:
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432: {error}")
    admin.autocommit = True
    database = f"bot_unit_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {database}")
    monkeypatch.setenv("ENTITLEMENTS_POOL_SIZE", "3")
    monkeypatch.setenv("ENTITLEMENTS_MAX_OVERFLOW", "1")
    try:
        store = Store.open(f"postgresql://postgres@127.0.0.1:5432/{database}")
        pool = store.engine.pool
        assert isinstance(pool, QueuePool)
        assert (pool.size(), pool._max_overflow) == (3, 1)
        assert store.is_empty()  # the tables were created in PostgreSQL
        store.engine.dispose()
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.close()

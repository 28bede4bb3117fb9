"""The store's in-memory snapshot: fast reads that never serve a stale version for long.

Reads come from a snapshot built once per table version. These tests pin the three promises
that make that safe: a `replace()` in the same process is visible at once; another `Store` on
the same database (another process, in production) sees it within the check interval; and
between checks a resolution runs no SQL at all.
"""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import event

from engine.loader import Tables, load_tables
from engine.resolve import Profile, resolve
from engine.settings import PROJECT_ROOT
from engine.store import EmptyStore, Store

PROFILE = Profile("migrant_worker", "construction", "NP", "QA")


@pytest.fixture()
def folder(tmp_path) -> Path:
    copy = tmp_path / "tables"
    shutil.copytree(PROJECT_ROOT / "entitlements", copy)
    return copy


def edited(folder: Path, old: str, new: str) -> Tables:
    """The table folder with one edit in QA.yaml, loaded and validated."""
    qa = folder / "countries" / "QA.yaml"
    text = qa.read_text()
    assert old in text
    qa.write_text(text.replace(old, new, 1))
    tables = load_tables(folder)
    assert tables.ok
    return tables


def injury(store: Store) -> str:
    return resolve(store, PROFILE).findings["employment_injury"].level


@contextmanager
def counted(store: Store) -> Iterator[list[str]]:
    """Every SQL statement the store's engine runs inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(store.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", record)


def test_replace_is_visible_at_once_in_the_same_store(tmp_path, folder):
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    store.check_interval = 3600  # only replace() itself may make the new version visible
    store.replace(load_tables(folder))
    first = store.version()
    assert injury(store) == "employer_pays"

    second = store.replace(edited(folder, "coverage: employer_pays", "coverage: partial"))
    assert store.version() == second != first
    answer = resolve(store, PROFILE)
    assert answer.version == second
    assert answer.findings["employment_injury"].level == "partial"


def test_another_store_sees_a_replace_within_the_check_interval(tmp_path, folder):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    writer = Store.open(url)
    writer.check_interval = 0.3
    writer.replace(load_tables(folder))
    reader = Store.open(url)
    reader.check_interval = 0.3
    cached = Store.open(url)
    cached.check_interval = 3600
    first = writer.version()
    assert reader.version() == first == cached.version()
    assert injury(reader) == "employer_pays"

    second = writer.replace(edited(folder, "coverage: employer_pays", "coverage: partial"))
    time.sleep(reader.check_interval)
    assert reader.version() == second  # the first read after the interval looks again
    assert injury(reader) == "partial"
    # The cache is real: without a look at the database the old version keeps serving...
    assert cached.version() == first and injury(cached) == "employer_pays"
    # ...and the other direction works the same way.
    third = reader.replace(edited(folder, "coverage: partial", "coverage: covered"))
    time.sleep(writer.check_interval)
    assert writer.version() == third and injury(writer) == "covered"


def test_no_sql_between_checks_and_one_small_query_per_check(tmp_path, folder):
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    store.replace(load_tables(folder))
    store.check_interval = 3600
    resolve(store, PROFILE)
    with counted(store) as statements:
        for _ in range(50):
            resolve(store, PROFILE)
    assert statements == []

    store.check_interval = 0  # every read looks at the version table, nothing more if unchanged
    with counted(store) as statements:
        resolve(store, PROFILE)
    assert len(statements) == 1 and "entitlement_versions" in statements[0]


def test_empty_store_raises_and_then_serves_the_first_version(tmp_path, folder):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    reader = Store.open(url)
    assert reader.is_empty()
    with pytest.raises(EmptyStore):
        resolve(reader, PROFILE)
    Store.open(url).replace(load_tables(folder))
    assert not reader.is_empty()  # emptiness is never cached and injury(reader) == "employer_pays"


def test_snapshot_results_can_be_changed_by_callers_without_harm(tmp_path, folder):
    store = Store.from_tables(folder)
    rules = store.rules_for("QA", "migrant_worker", "construction")
    rules.clear()
    store.institutions_for(["QA"]).clear()
    store.agreements_between("NP", "QA").clear()
    assert store.rules_for("QA", "migrant_worker", "construction")
    assert store.institutions_for(["QA"]) and store.agreements_between("NP", "QA")


def test_each_resolution_reads_one_version_while_versions_swap(tmp_path, folder):
    """A reader thread resolving during swaps never mixes two versions in one answer."""
    store = Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    store.check_interval = 0  # the reader looks at the database on every call as well
    level_of = {store.replace(load_tables(folder)).content_hash: "employer_pays"}
    seen: list[tuple[str, str]] = []
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            answer = resolve(store, PROFILE)
            seen.append((answer.version.content_hash, answer.findings["employment_injury"].level))

    reader = threading.Thread(target=read)
    reader.start()
    try:
        for before, after in [("employer_pays", "partial"), ("partial", "employer_pays")] * 2:
            tables = edited(folder, f"coverage: {before}", f"coverage: {after}")
            level_of[store.replace(tables).content_hash] = after
    finally:
        stop.set()
        reader.join()
    assert {h for h, _ in seen} == set(level_of)  # the reader saw both versions
    assert all(level_of[h] == level for h, level in seen)

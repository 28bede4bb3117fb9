"""Live updates: an edited table folder goes live within seconds, a broken edit never does."""

from __future__ import annotations

import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from engine.live import LiveTables
from engine.resolve import Profile, resolve
from engine.settings import PROJECT_ROOT
from engine.store import Store

PROFILE = Profile("migrant_worker", "construction", "NP", "QA")


@pytest.fixture()
def folder(tmp_path) -> Path:
    copy = tmp_path / "tables"
    shutil.copytree(PROJECT_ROOT / "entitlements", copy)
    return copy


@pytest.fixture()
def live(tmp_path, folder) -> Iterator[LiveTables]:
    watcher = LiveTables(Store.open(f"sqlite:///{tmp_path / 'store.sqlite3'}"), folder, 0.2)
    yield watcher.start()
    watcher.stop()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def wait_for(condition: Callable[[], bool], seconds: float = 3.0) -> float:
    start = time.monotonic()
    while time.monotonic() - start < seconds:
        if condition():
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds}s")


def test_start_compiles_an_empty_store_and_records_all_files(live, folder):
    version = live.store.version()
    assert version.changed == version.files
    status = live.status()
    assert status["version"] == version.id and status["content_hash"] == version.content_hash
    assert status["last_error"] is None and status["loaded_at"] and status["last_checked"]


def test_edit_goes_live_then_broken_edit_is_refused_then_fix_goes_live(live, folder):
    qa = folder / "countries" / "QA.yaml"
    first = live.store.version()
    level = resolve(live.store, PROFILE).findings["employment_injury"].level

    edit(qa, "coverage: employer_pays", "coverage: partial")
    wait_for(lambda: live.store.version().id != first.id)
    second = live.store.version()
    assert second.changed == ("QA.yaml",) and second.content_hash != first.content_hash
    answer = resolve(live.store, PROFILE)
    assert answer.version == second  # answers carry the version they came from
    assert answer.findings["employment_injury"].level == "partial" != level

    edit(qa, "coverage: partial", "coverage: maybe")
    wait_for(lambda: live.status()["last_error"] is not None)
    errors = live.status()["last_error"]
    assert any(e.startswith("QA.yaml:") and "`maybe`" in e for e in errors), errors
    line, column = next(e for e in errors if "`maybe`" in e).split(":")[1:3]
    assert int(line) > 1 and int(column) > 1
    assert live.store.version() == second  # the previous version keeps serving
    assert resolve(live.store, PROFILE).findings["employment_injury"].level == "partial"

    edit(qa, "coverage: maybe", "coverage: covered")
    wait_for(lambda: live.store.version().id != second.id)
    assert live.status()["last_error"] is None
    assert live.store.version().changed == ("QA.yaml",)
    assert resolve(live.store, PROFILE).findings["employment_injury"].level == "covered"


def test_restart_on_unchanged_files_keeps_the_version(tmp_path, folder):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    first = LiveTables(Store.open(url), folder).start()
    first.stop()
    again = LiveTables(Store.open(url), folder).start()
    again.stop()
    assert again.store.version() == first.store.version()


def test_broken_table_at_start_keeps_the_compiled_version(tmp_path, folder):
    url = f"sqlite:///{tmp_path / 'store.sqlite3'}"
    LiveTables(Store.open(url), folder).start().stop()
    before = Store.open(url).version()
    (folder / "countries" / "QA.yaml").write_text("country: QA\n  bad: [indent\n")
    broken = LiveTables(Store.open(url), folder).start()
    broken.stop()
    assert broken.status()["version"] == before.id
    assert any(e.startswith("QA.yaml:2:") for e in broken.status()["last_error"])

"""The retention command deletes events older than N days from the store named in endpoints."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path

import pytest

from privacy import retention

DAY = 86_400


def make_store(tmp_path: Path, events: list[tuple[str, float]]) -> Path:
    db = tmp_path / "tracker.sqlite3"
    with sqlite3.connect(db) as con:
        con.execute(
            "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
            " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
            " action_name VARCHAR(255), data TEXT)"
        )
        con.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data)"
            " VALUES (?, 'user', ?, '{}')",
            events,
        )
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(
        "tracker_store:\n  type: privacy.tracker_store.PrivateSQLTrackerStore\n"
        f"  dialect: sqlite\n  db: {db}\n"
    )
    return endpoints


def senders(endpoints: Path) -> dict[str, int]:
    db = endpoints.parent / "tracker.sqlite3"
    with sqlite3.connect(db) as con:
        return dict(con.execute("SELECT sender_id, count(*) FROM events GROUP BY sender_id"))


@pytest.fixture
def endpoints(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'entitlements.sqlite3'}")
    now = time.time()
    return make_store(
        tmp_path,
        [
            ("gone", now - 45 * DAY),
            ("gone", now - 40 * DAY),
            ("mixed", now - 31 * DAY),
            ("mixed", now - 2 * DAY),
            ("fresh", now - 29 * DAY),
            ("fresh", now - 60),
        ],
    )


def test_deletes_events_older_than_the_period(endpoints: Path) -> None:
    result = retention.run(endpoints, days=30)
    assert (result.events, result.conversations) == (3, 1)
    assert senders(endpoints) == {"mixed": 1, "fresh": 2}


def test_dry_run_counts_and_keeps_everything(endpoints: Path, capsys) -> None:
    assert retention.main(["--endpoints", str(endpoints), "--dry-run"]) == 0
    assert "would delete 3 events older than 30 days (1 conversations" in capsys.readouterr().out
    assert senders(endpoints) == {"gone": 2, "mixed": 2, "fresh": 2}


def test_period_is_configurable(endpoints: Path) -> None:
    retention.main(["--endpoints", str(endpoints), "--days", "1"])
    assert senders(endpoints) == {"fresh": 1}


def test_refuses_a_non_sql_store_and_nonsense_periods(tmp_path: Path) -> None:
    other = tmp_path / "endpoints.yml"
    other.write_text("tracker_store:\n  type: redis\n")
    with pytest.raises(SystemExit):
        retention.run(other, 30)
    with pytest.raises(SystemExit):
        retention.main(["--endpoints", str(other), "--days", "0"])


def test_the_documented_cron_line_uses_the_module() -> None:
    assert "python -m privacy.retention --days 30" in (retention.__doc__ or "")

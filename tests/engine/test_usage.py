"""Usage counters: counts per day only, summed over a window, nothing about a person."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import create_engine

from engine import usage

DAY = dt.date(2026, 12, 6)


def test_counts_add_up_per_day_and_window(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'u.sqlite3'}")
    usage.count(
        engine, [("corridor", "NP-QA"), ("language", "ne"), ("unknown", "QA/maternity")], DAY
    )
    usage.count(engine, [("corridor", "NP-QA"), ("corridor", "BD-SA")], DAY)
    usage.count(engine, [("corridor", "NP-QA")], DAY - dt.timedelta(days=40))  # outside 30 days
    usage.count(engine, [("bogus", "x"), ("topic", "")], DAY)  # ignored
    result = usage.report(engine, days=30, today=DAY)
    assert result.counts["corridor"] == {"NP-QA": 2, "BD-SA": 1}
    assert result.counts["unknown"] == {"QA/maternity": 1}
    text = "\n".join(result.lines())
    assert "NP-QA" in text and "Answers the tables did not know" in text
    assert usage.report(engine, days=60, today=DAY).counts["corridor"]["NP-QA"] == 3


def test_no_column_can_hold_a_person():
    assert {c.name for c in usage.usage.columns} == {"day", "kind", "key", "count"}

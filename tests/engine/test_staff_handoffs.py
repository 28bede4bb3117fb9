"""`entitlements handoffs list|close`: what a clerk reads, and exit codes a script can rely on."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import create_engine

from engine import cli, handoffs, staff_handoffs

PROFILE = {
    "origin": "NP",
    "destination": "QA",
    "status": "migrant_worker",
    "sector": "construction",
}


@pytest.fixture()
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'staff.sqlite3'}"


@pytest.fixture()
def waiting(url):
    """Two people waiting: one for two days (Nepali, Nepal → Qatar), one for three hours."""
    engine = create_engine(url)
    now = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    older, _ = handoffs.open_or_update(
        engine,
        "web-1",
        "ne",
        PROFILE,
        "मेरो तलब आएन, ९८४१२३४५६७",
        "Where to complain",
        now - dt.timedelta(days=2, minutes=5),
    )
    newer, _ = handoffs.open_or_update(
        engine,
        "wa-2",
        "ar",
        {"origin": "BD", "destination": "SA"},
        "أريد شخصاً",
        None,
        now - dt.timedelta(hours=3, minutes=1),
    )
    return older, newer


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_list_shows_the_longest_waiting_first_in_plain_words(capsys, url, waiting):
    older, newer = waiting
    code, out, _ = run(capsys, "handoffs", "list", "--database-url", url)
    assert code == 0
    assert "2 people are waiting" in out
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if older.reference in line)
    second = next(i for i, line in enumerate(lines) if newer.reference in line)
    assert first < second
    assert "2 days" in lines[first] and "Nepali" in lines[first]
    assert "Nepal → Qatar" in lines[first]
    assert "Where to complain" in out and "[number]" in out and "९८४१" not in out
    assert "3 h" in lines[second] and "Arabic" in lines[second]
    assert "Bangladesh → Saudi Arabia" in lines[second]
    assert "web-1" not in out  # the pseudonymous id is for scripts (--json), not the table


def test_list_json_is_machine_readable_with_utc_times(capsys, url, waiting):
    code, out, _ = run(capsys, "handoffs", "list", "--json", "--database-url", url)
    assert code == 0
    data = json.loads(out)
    assert [d["reference"] for d in data] == [h.reference for h in waiting]
    assert data[0]["sender_id"] == "web-1" and data[0]["language"] == "ne"
    assert data[0]["created_at"].endswith("+00:00")


def test_nobody_waiting_is_said_and_is_not_an_error(capsys, url):
    code, out, _ = run(capsys, "handoffs", "list", "--database-url", url)
    assert code == 0 and "Nobody is waiting" in out


def test_close_then_list_all_shows_it_closed_with_the_note(capsys, url, waiting):
    older, newer = waiting
    code, out, _ = run(
        capsys,
        "handoffs",
        "close",
        older.reference.lower(),
        "--note",
        "called the fund",
        "--database-url",
        url,
    )
    assert code == 0 and f"Closed {older.reference}" in out and "Nepali" in out
    code, out, _ = run(capsys, "handoffs", "list", "--database-url", url)
    assert older.reference not in out and newer.reference in out and "1 person is" in out
    code, out, _ = run(capsys, "handoffs", "list", "--all", "--database-url", url)
    assert older.reference in out and "closed" in out and "note: called the fund" in out


def test_closing_twice_or_a_wrong_reference_changes_nothing_and_exits_1(capsys, url, waiting):
    older, _ = waiting
    assert run(capsys, "handoffs", "close", older.reference, "--database-url", url)[0] == 0
    code, out, err = run(capsys, "handoffs", "close", older.reference, "--database-url", url)
    assert code == staff_handoffs.NOT_FOUND == 1
    assert "already closed" in err and "Nothing was changed" in err and not out
    code, _, err = run(capsys, "handoffs", "close", "H-ZZZZ", "--database-url", url)
    assert code == 1 and "No request has the reference H-ZZZZ" in err


def test_unreachable_database_exits_3(capsys):
    url = "postgresql://nobody@127.0.0.1:9/none"  # the discard port: nothing listens
    code, _, err = run(capsys, "handoffs", "list", "--database-url", url)
    assert code == staff_handoffs.DATABASE_DOWN == 3
    assert "Cannot read or write the database" in err and "nobody" not in err


def test_a_mistyped_command_exits_2():
    with pytest.raises(SystemExit) as raised:
        cli.main(["handoffs"])
    assert raised.value.code == 2
    with pytest.raises(SystemExit) as raised:
        cli.main(["handoffs", "close"])
    assert raised.value.code == 2


@pytest.mark.parametrize(
    "waited,shown",
    [
        (dt.timedelta(seconds=20), "just now"),
        (dt.timedelta(minutes=12), "12 min"),
        (dt.timedelta(hours=3, minutes=59), "3 h"),
        (dt.timedelta(days=1, hours=5), "1 day"),
        (dt.timedelta(days=9), "9 days"),
    ],
)
def test_age_in_words(waited, shown):
    now = dt.datetime(2026, 12, 6, 12, 0)
    assert staff_handoffs.age(now - waited, now) == shown

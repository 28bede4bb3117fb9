"""Handoffs: what is kept of a request for a person (and what never is), one open per sender,
closing, and deleting closed ones after the retention period."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from sqlalchemy import create_engine, delete, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.pool import StaticPool

from engine import handoffs
from engine.handoffs import handoffs as table

NOW = dt.datetime(2026, 12, 6, 9, 0)
PROFILE = {
    "origin": "NP",
    "destination": "QA",
    "status": "migrant_worker",
    "sector": "construction",
}
DIGITS = re.compile(r"\d")


@pytest.fixture(scope="module")
def postgresql_url():
    """A throwaway PostgreSQL database (the machine's server), dropped after the module."""
    psycopg2 = pytest.importorskip("psycopg2")
    try:
        admin = psycopg2.connect(host="127.0.0.1", port=5432, user="postgres", dbname="test")
    except psycopg2.Error as error:
        pytest.skip(f"PostgreSQL is not reachable at 127.0.0.1:5432: {error}")
    admin.autocommit = True
    database = f"handoffs_unit_{uuid.uuid4().hex[:12]}"
    with admin.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {database}")
    try:
        yield f"postgresql://postgres@127.0.0.1:5432/{database}"
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {database} WITH (FORCE)")
        admin.close()


@pytest.fixture(params=["sqlite-memory", "sqlite-file", "postgresql"])
def engine(request, tmp_path):
    if request.param == "sqlite-memory":
        yield create_engine(
            "sqlite://", connect_args={"check_same_thread": False}, poolclass=StaticPool
        )
        return
    if request.param == "sqlite-file":
        yield create_engine(f"sqlite:///{tmp_path / 'handoffs.sqlite3'}")
        return
    engine = create_engine(request.getfixturevalue("postgresql_url"))
    yield engine
    with engine.begin() as connection:
        connection.execute(delete(table))
    engine.dispose()


def rows(engine) -> list[dict]:
    with engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(table))]


def test_the_table_has_only_the_agreed_columns():
    assert {c.name for c in table.columns} == {
        "id",
        "reference",
        "sender_id",
        "language",
        "origin",
        "destination",
        "status",
        "sector",
        "need",
        "created_at",
        "state",
        "closed_at",
        "note",
    }


@pytest.mark.parametrize(
    "said,kept",
    [
        ("call me on +974 5555 1234 please", "call me on [number] please"),
        ("my number is (+977) 984-123-4567", "my number is ([number]"),
        ("mera number 0300.1234567 hai", "mera number [number] hai"),
        ("رقمي ٠٥٥٥١٢٣٤٥٦ أرجو الاتصال", "رقمي [number] أرجو الاتصال"),  # Arabic-Indic
        ("میرا نمبر ۰۳۰۰ ۱۲۳۴۵۶۷ ہے", "میرا نمبر [number] ہے"),  # Urdu (Extended Arabic-Indic)
        ("मेरो नम्बर ९८४१२३४५६७ हो", "मेरो नम्बर [number] हो"),  # Devanagari
        ("আমার নম্বর ০১৭১১-২৩৪৫৬৭", "আমার নম্বর [number]"),  # Bengali
        ("\u200f+974\u200f 5555\u200f 1234", "\u200f[number]"),  # direction marks inside
        ("passport N1234567 taken", "passport N[number] taken"),
        ("write to ram.bahadur_88@gmail.com now", "write to [e-mail] now"),
        ("unpaid 3 months, 1500 riyal, since 2024", "unpaid 3 months, 1500 riyal, since 2024"),
        ("line one\nline\ttwo\x00", "line one line two"),
    ],
)
def test_mask_hides_phone_numbers_long_digit_runs_and_email(said, kept):
    assert handoffs.mask(said) == kept


def test_need_is_the_topic_and_the_masked_words_cut_after_masking():
    words = "x" * 295 + " +974 5555 1234 and more words after the number"
    need = handoffs.stated_need(words, "Injury at work")
    assert need.startswith("Injury at work: xxx")
    assert len(need) <= handoffs.NEED_CHARS
    assert not DIGITS.search(need)  # the number at the cut is masked, not half-cut
    assert handoffs.stated_need("", "Where to complain") == "Where to complain"
    assert handoffs.stated_need("a person please", None) == "a person please"


def test_open_then_ask_again_updates_the_same_request(engine):
    said = "my boss did not pay, call 9841234567"
    first, new = handoffs.open_or_update(
        engine, "web-aaa", "ne", PROFILE, said, "Where to complain", NOW
    )
    assert new and re.fullmatch(r"H-[2345679ACDEFGHJKMNPQRTUVWXYZ]{4}", first.reference)
    assert first.need == "Where to complain: my boss did not pay, call [number]"
    later = NOW + dt.timedelta(hours=5)
    second, new = handoffs.open_or_update(
        engine, "web-aaa", "en", {"origin": "NP", "sector": None}, "human please", None, later
    )
    assert not new
    assert second.reference == first.reference
    assert second.created_at == NOW  # staff see how long the person has waited
    assert second.language == "en" and second.sector == "construction"  # None keeps the old
    assert second.need == "human please | Where to complain: my boss did not pay, call [number]"
    assert len(rows(engine)) == 1
    third, _ = handoffs.open_or_update(engine, "web-aaa", "en", {}, "human please", None, later)
    assert third.need == second.need  # the same words again add nothing
    other, new = handoffs.open_or_update(engine, "web-bbb", "ar", {}, "", None, later)
    assert new and other.reference != first.reference
    assert [h.reference for h in handoffs.list_open(engine)] == [first.reference, other.reference]


def test_nothing_but_the_masked_need_is_stored(engine):
    handoffs.open_or_update(
        engine, "wa-123abc", "hi", PROFILE, "Ram, +91 98765 43210, ram@example.org", None, NOW
    )
    (row,) = rows(engine)
    stored = " ".join(str(v) for v in row.values())
    assert "98765" not in stored and "ram@example.org" not in stored
    assert row["sender_id"] == "wa-123abc"


def test_only_one_open_request_per_sender_even_when_written_directly(engine):
    handoffs.open_or_update(engine, "web-aaa", "en", {}, "a person", None, NOW)
    duplicate = {
        "reference": "H-2222",
        "sender_id": "web-aaa",
        "language": "en",
        "need": "",
        "created_at": NOW,
        "state": handoffs.OPEN,
    }
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(insert(table).values(**duplicate))


def test_a_taken_reference_is_retried(engine, monkeypatch):
    first, _ = handoffs.open_or_update(engine, "web-aaa", "en", {}, "a person", None, NOW)
    codes = iter([first.reference, first.reference, "H-XYZW"])
    monkeypatch.setattr(handoffs, "new_reference", lambda: next(codes))
    second, new = handoffs.open_or_update(engine, "web-bbb", "en", {}, "a person", None, NOW)
    assert new and second.reference == "H-XYZW"


def test_close_records_when_and_a_masked_note(engine):
    item, _ = handoffs.open_or_update(engine, "web-aaa", "en", PROFILE, "a person", None, NOW)
    typed = item.reference.lower().replace("-", " ")  # as a clerk might type it
    closed = handoffs.close(engine, typed, "called back on +974 5555 1234", NOW + dt.timedelta(1))
    assert closed.state == handoffs.CLOSED and closed.closed_at == NOW + dt.timedelta(1)
    assert closed.note == "called back on [number]"
    assert handoffs.list_open(engine) == []
    assert [h.state for h in handoffs.list_all(engine)] == [handoffs.CLOSED]
    with pytest.raises(handoffs.AlreadyClosed):
        handoffs.close(engine, item.reference, "again")
    assert handoffs.get(engine, item.reference).note == "called back on [number]"
    with pytest.raises(handoffs.NotFound):
        handoffs.close(engine, "H-ZZZZ")
    again, new = handoffs.open_or_update(engine, "web-aaa", "en", {}, "again", None, NOW)
    assert new and again.reference != item.reference  # a closed request is not reopened


def test_purge_deletes_only_closed_requests_past_the_retention(engine):
    old, _ = handoffs.open_or_update(engine, "web-old", "en", {}, "a", None, NOW)
    recent, _ = handoffs.open_or_update(engine, "web-recent", "en", {}, "b", None, NOW)
    waiting, _ = handoffs.open_or_update(engine, "web-waiting", "en", {}, "c", None, NOW)
    handoffs.close(engine, old.reference, None, NOW)
    handoffs.close(engine, recent.reference, None, NOW + dt.timedelta(days=25))
    later = NOW + dt.timedelta(days=31)
    assert handoffs.purge_closed(engine, 30, later) == 1
    assert {h.reference for h in handoffs.list_all(engine)} == {recent.reference, waiting.reference}
    assert handoffs.purge_closed(engine, 0, NOW + dt.timedelta(days=400)) == 1
    assert [h.reference for h in handoffs.list_all(engine)] == [waiting.reference]  # never open
    with pytest.raises(ValueError):
        handoffs.purge_closed(engine, -1)


@pytest.mark.parametrize(
    "typed", ["H-7K3Q", "h-7k3q", "h7k3q", "7K3Q", " H 7K3Q ", "\u2068H-7K3Q\u2069"]
)
def test_references_as_typed_or_pasted(typed):
    assert handoffs.normalise_reference(typed) == "H-7K3Q"


def test_a_reference_starting_with_h_keeps_it():
    assert handoffs.normalise_reference("HK3Q") == "H-HK3Q"
    assert handoffs.normalise_reference("H-HK3Q") == "H-HK3Q"


def test_forget_deletes_every_request_of_one_person_only(tmp_path):
    url = f"sqlite:///{tmp_path / 'forget.sqlite3'}"
    engine = create_engine(url)
    first, _ = handoffs.open_or_update(engine, "web-gone", "en", {}, "a", None, NOW)
    handoffs.close(engine, first.reference, None, NOW)
    handoffs.open_or_update(engine, "web-gone", "en", {}, "b", None, NOW)
    kept, _ = handoffs.open_or_update(engine, "web-stays", "en", {}, "c", None, NOW)
    assert handoffs.forget(url, "web-gone") == 2  # by URL, as the tracker store calls it
    assert [h.reference for h in handoffs.list_all(engine)] == [kept.reference]
    assert handoffs.forget(engine, "web-nobody") == 0

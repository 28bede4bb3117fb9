"""Gazetteer on informal Indonesian (TKI/PMI vocabulary), with the language known and unknown.

The same entities must come out whether the message language is declared or unknown (the
channel often sends none): with no language, every language's cue words apply.
"""

from __future__ import annotations

import pytest

from nlu.gazetteer import Gazetteer

Triple = tuple[str, str, str | None]
O, D = "origin", "destination"  # noqa: E741


def found(gaz: Gazetteer, text: str, lang: str | None) -> set[Triple]:
    return {(m.entity, m.value, m.role) for m in gaz.extract(text, lang)}


CASES: list[tuple[str, set]] = [
    (
        "aku dr Cilacap, jaga lansia di Taiwan",
        {("country", "ID", O), ("country", "TW", D), ("sector", "care", None)},
    ),
    ("saya ABK kapal ikan di Korea", {("country", "KR", D), ("sector", "fishing", None)}),
    (
        "TKW Arab, udah pulang",
        {("country", "SA", D), ("status", "migrant_worker", None), ("status", "returnee", None)},
    ),
    ("kerja di Arab", {("country", "SA", D)}),
    ("Arab Saudi", {("country", "SA", None)}),
    ("pulang dari Malaysia, sekarang di rumah", {("country", "MY", D)}),
    ("saya pengungsi dari Afghanistan", {("country", "AF", O), ("status", "refugee", None)}),
    ("saya di PHK, dapat JHT?", {("branch", "old_age", None), ("branch", "unemployment", None)}),
    (
        "kecelakaan kerja di pabrik",
        {("branch", "employment_injury", None), ("sector", "manufacturing", None)},
    ),
    ("bahasa inggris aja", {("language", "en", None)}),
    ("pakai bahasa indonesia dong", {("language", "id", None)}),
    ("ganti bahasa", set()),
    ("ganti bahasa dong kak", set()),
    ("ini kecerdasan buatan?", set()),
    ("baca koran tiap pagi", set()),
    ("saya sekarang di rumah", set()),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_indonesian(gaz_all: Gazetteer, text: str, expected: set) -> None:
    assert found(gaz_all, text, "id") == expected
    assert found(gaz_all, text, None) == expected

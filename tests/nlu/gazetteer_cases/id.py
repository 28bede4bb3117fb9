"""Gazetteer on informal Indonesian (TKI/PMI vocabulary), with the language known and unknown.

The same entities must come out whether the message language is declared or unknown (the
channel often sends none): with no language, every language's cue words apply.
"""

from __future__ import annotations

O, D = "origin", "destination"  # noqa: E741

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

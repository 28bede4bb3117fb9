"""Gazetteer on Filipino / Tagalog and Taglish messages, with the language known and unknown.

The same entities must come out whether the message language is declared or unknown (the
channel often sends none): with no language, every language's cue words apply.
"""

from __future__ import annotations

O, D = "origin", "destination"  # noqa: E741

CASES: list[tuple[str, set]] = [
    ("taga Nepal po ako, nagtatrabaho sa Qatar", {("country", "NP", O), ("country", "QA", D)}),
    (
        "Pinay ako, kasambahay sa Hong Kong",
        {("country", "HK", D), ("country", "PH", O), ("sector", "domestic_work", None)},
    ),
    (
        "galing po ako ng Pilipinas, caregiver sa Israel",
        {("country", "IL", D), ("country", "PH", O), ("sector", "care", None)},
    ),
    ("nandito ako sa Riyadh, TNT na", {("country", "SA", D), ("status", "undocumented", None)}),
    ("umuwi na ako sa Pilipinas, ex-OFW", {("country", "PH", O), ("status", "returnee", None)}),
    ("tagalog na lang po", {("language", "fil", None)}),
    ("sa Filipino", {("language", "fil", None)}),
    ("pwede sa wikang Hindi", {("language", "hi", None)}),
    ("naaksidente ako sa trabaho", {("branch", "employment_injury", None)}),
    ("buntis po ako", {("branch", "maternity", None)}),
    ("nagtrabaho ako sa Hapon", {("country", "JP", D)}),
    ("hindi po ako sigurado", set()),
    ("hindi salamat", set()),
    ("mali po", set()),
    ("mali ang sahod ko", set()),
    ("maghanap ng trabaho sa Dubai", {("country", "AE", D)}),
    ("magandang hapon po", set()),
    ("pano sumali sa scheme", set()),
    ("kalimutan mo ako", set()),
]

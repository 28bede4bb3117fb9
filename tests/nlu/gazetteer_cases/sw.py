"""Gazetteer on Swahili (with Sheng and English), with the language known and unknown.

The same entities must come out whether the message language is declared or unknown (the
channel often sends none): with no language, every language's cue words apply.
"""

from __future__ import annotations

O, D = "origin", "destination"  # noqa: E741

CASES: list[tuple[str, set]] = [
    ("mimi ni Mkenya, niko Saudia", {("country", "KE", O), ("country", "SA", D)}),
    (
        "natokea Mombasa, house girl Dubai",
        {("country", "AE", None), ("country", "KE", O), ("sector", "domestic_work", None)},
    ),
    ("nimerudi kutoka Uarabuni", {("country", "SA", D), ("status", "returnee", None)}),
    ("nikirudi Tanzania pensheni yangu?", {("branch", "old_age", None), ("country", "TZ", O)}),
    (
        "mkimbizi kutoka Somalia, niko Kenya",
        {("country", "KE", D), ("country", "SO", O), ("status", "refugee", None)},
    ),
    ("sina vibali, niko Lebanon", {("country", "LB", D), ("status", "undocumented", None)}),
    ("kiswahili tafadhali", {("language", "sw", None)}),
    ("kwa kiingereza", {("language", "en", None)}),
    ("nimeumia kazini", {("branch", "employment_injury", None)}),
    ("nina mimba", {("branch", "maternity", None)}),
    ("Mali", {("country", "ML", None)}),
    ("nina mali nyingi", set()),
    ("alichukua pesa zangu", set()),
    ("mwajiri amechukua pasipoti yangu", set()),
    ("naomba hifadhi ya jamii", set()),
    ("naomba hifadhi ya kisiasa", {("status", "asylum_seeker", None)}),
]

"""Gazetteer on Nepali (Devanagari and romanized chat), with the language known and unknown.

The same entities must come out whether the message language is declared or unknown (the
channel often sends none): with no language, every language's cue words apply.
"""

from __future__ import annotations

O, D = "origin", "destination"  # noqa: E741

CASES: list[tuple[str, set]] = [
    ("म नेपालबाट हुँ, कतारमा काम गर्छु", {("country", "NP", O), ("country", "QA", D)}),
    (
        "ma nepal bata ho, saudi ma driver",
        {("country", "NP", O), ("country", "SA", D), ("sector", "transport", None)},
    ),
    (
        "कुवेतमा घरेलु कामदार, भिसा सकियो",
        {("country", "KW", D), ("sector", "domestic_work", None), ("status", "undocumented", None)},
    ),
    # back FROM the destination ("bata farkeko") beats the bare "bata" (from = origin)
    ("Malaysia bata farkeko 2 barsa bhayo", {("country", "MY", D), ("status", "returnee", None)}),
    ("नेपाल फर्केपछि पेन्सन पाइन्छ?", {("country", "NP", O), ("branch", "old_age", None)}),
    ("mero desh nepal, ahile dubai ma", {("country", "NP", O), ("country", "AE", D)}),
    ("काठमाडौंबाट आएको, दोहामा छु", {("country", "NP", O), ("country", "QA", D)}),
    ("qatarma chu, hotelma kam", {("country", "QA", D), ("sector", "hospitality", None)}),
    # "नेपालीमा" (in Nepali) is the language, never "in Nepal(i)"
    ("नेपालीमा बोल्नुस्", {("language", "ne", None)}),
    ("nepali ma bolnus", {("language", "ne", None)}),
    ("अंग्रेजीमा", {("language", "en", None)}),
    ("सुत्केरी बिदा कति दिन हो?", {("branch", "maternity", None)}),
    ("kam garda chot lagyo", {("branch", "employment_injury", None)}),
    ("kagaj chaina", {("status", "undocumented", None)}),
    # traps: मालिक (employer) and माली (gardener) are not Mali; "didi" (sister) is not DiDi
    ("मालिकले तलब दिएन", set()),
    ("बगैंचाको माली हुँ", set()),
    ("म साउदीमा मालीको काम गर्छु", {("country", "SA", D), ("sector", "other", None)}),
    ("hi didi, namaste", set()),
    ("दशैंको चाड आयो", set()),
]

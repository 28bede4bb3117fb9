"""Gazetteer on Bengali (Bengali script and romanized chat), with the language known and unknown.

The same entities must come out whether the message language is declared or unknown (the
channel often sends none): with no language, every language's cue words apply.
"""

from __future__ import annotations

O, D = "origin", "destination"  # noqa: E741

CASES: list[tuple[str, set]] = [
    ("আমি বাংলাদেশ থেকে এসেছি, সৌদিতে কাজ করি", {("country", "BD", O), ("country", "SA", D)}),
    (
        "ami bangladesh theke, dubai te driver",
        {("country", "BD", O), ("country", "AE", D), ("sector", "transport", None)},
    ),
    (
        "আমি বাংলাদেশি, কাতারে নির্মাণ শ্রমিক",
        {("country", "BD", O), ("country", "QA", D), ("sector", "construction", None)},
    ),
    ("soudi te gari chalai", {("country", "SA", D), ("sector", "transport", None)}),
    # back from the destination / back home to the origin
    ("মালয়েশিয়া থেকে ফিরে এসেছি", {("country", "MY", D), ("status", "returnee", None)}),
    ("Bangladesh e fire eshechi", {("country", "BD", O), ("status", "returnee", None)}),
    ("কুয়েতের মালিক বেতন দেয় না", {("country", "KW", D)}),
    ("বাংলায় বলুন", {("language", "bn", None)}),
    ("english e bolen", {("language", "en", None)}),
    ("হাসপাতালের খরচ কে দেবে?", {("branch", "health_care", None)}),
    (
        "ami probashi, akama nai",
        {("status", "migrant_worker", None), ("status", "undocumented", None)},
    ),
    # traps: মালিক / malik (employer) is not মালি (Mali), nor is মালি the gardener
    ("আমার মালিক বেতন দেয় না", set()),
    ("মালিকের বিরুদ্ধে অভিযোগ করব", set()),
    ("amar malik khub kharap", set()),
    ("আমি বাগানের মালি", set()),
    ("আমি সৌদিতে মালির কাজ করি", {("country", "SA", D), ("sector", "other", None)}),
    ("চাদ দেখা যায়", set()),
    ("জেলে আছি", set()),
]

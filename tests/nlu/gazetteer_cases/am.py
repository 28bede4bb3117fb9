"""Gazetteer on Amharic (Ge'ez script, some romanized), with the language known and unknown.

The same entities must come out whether the message language is declared or unknown (the
channel often sends none): with no language, every language's cue words apply.
"""

from __future__ import annotations

O, D = "origin", "destination"  # noqa: E741

CASES: list[tuple[str, set]] = [
    (
        "ከኢትዮጵያ ነኝ በሳውዲ የቤት ሰራተኛ ነኝ",
        {("country", "ET", O), ("country", "SA", D), ("sector", "domestic_work", None)},
    ),
    ("እኔ ኢትዮጵያዊ ነኝ ሊባኖስ ውስጥ እሰራለሁ", {("country", "ET", O), ("country", "LB", D)}),
    ("ሀገሬ ኢትዮጵያ ነው አሁን ዱባይ ነው ያለሁት", {("country", "ET", O), ("country", "AE", D)}),
    (
        "ከጅማ ነኝ በቤሩት ሞግዚት",
        {("country", "ET", O), ("country", "LB", D), ("sector", "domestic_work", None)},
    ),
    ("ወደ ኩዌት ልሄድ ነው", {("country", "KW", D), ("status", "prospective_migrant", None)}),
    ("ኢትዮጵያ ተመልሻለሁ", {("country", "ET", O), ("status", "returnee", None)}),
    ("dubai wust shufer negn", {("country", "AE", D), ("sector", "transport", None)}),
    ("ኢትዮጲያ", {("country", "ET", None)}),
    ("በአማርኛ አውራኝ", {("language", "am", None)}),
    ("ቪዛዬ አልቋል", {("status", "undocumented", None)}),
    ("በሆስፒታል ህክምና", {("branch", "health_care", None)}),
    # the longer "አካል ጉዳት" (disability) beats "ጉዳት" (injury)
    ("አካል ጉዳተኛ ብሆን", {("branch", "invalidity", None)}),
    # traps: a greeting, "danger", social "protection", "if I return" (not a returnee)
    ("ጤና ይስጥልኝ", set()),
    ("ህይወቴ አደጋ ላይ ነው", set()),
    ("ምን አይነት ጥበቃ አለኝ?", set()),
    ("ሀገሬ ከተመለስኩ ጡረታዬን አገኛለሁ?", {("branch", "old_age", None)}),
]

"""Gazetteer on Hindi (Devanagari and romanized Hinglish), with the language known and unknown.

The same entities must come out whether the message language is declared or unknown (the
channel often sends none): with no language, every language's cue words apply.
"""

from __future__ import annotations

O, D = "origin", "destination"  # noqa: E741

CASES: list[tuple[str, set]] = [
    ("मैं नेपाल से हूँ और कतर में काम करता हूँ", {("country", "NP", O), ("country", "QA", D)}),
    # nukta and chandrabindu do not matter
    (
        "मैं भारत से हूं, क़तर में ड्राइवर हूं",
        {("country", "IN", O), ("country", "QA", D), ("sector", "transport", None)},
    ),
    (
        "main bihar se hu saudi me driver hu",
        {("country", "IN", O), ("country", "SA", D), ("sector", "transport", None)},
    ),
    (
        "mai nepal ka hu dubai mai construction me hu",
        {("country", "NP", O), ("country", "AE", D), ("sector", "construction", None)},
    ),
    # "from X back" is the country worked in; "X back" is home
    ("qatar se wapas aa gaya", {("country", "QA", D), ("status", "returnee", None)}),
    ("भारत वापस जाऊं तो पैसा", {("country", "IN", O)}),
    ("mera visa khatam ho gaya", {("status", "undocumented", None)}),
    ("बिना कागज के दुबई में हूँ", {("status", "undocumented", None), ("country", "AE", D)}),
    ("शरणार्थी हूँ अफगानिस्तान से", {("status", "refugee", None), ("country", "AF", O)}),
    ("हिंदी में बात करो", {("language", "hi", None)}),
    ("nepali me bolo", {("language", "ne", None)}),
    ("काम पर चोट लग गई", {("branch", "employment_injury", None)}),
    (
        "naukri chali gayi pension milegi",
        {("branch", "unemployment", None), ("branch", "old_age", None)},
    ),
    # traps: माली (gardener) is not Mali, "karo" (do) is not a Swahili school fee, "didi"
    # (sister) is not an app, "social security" is not a security guard, "before going home"
    # is not a prospective migrant
    ("माली का काम", set()),
    ("restart karo didi", set()),
    ("social security kya hai", set()),
    ("ghar jane se pehle paisa", set()),
]

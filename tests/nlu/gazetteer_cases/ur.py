"""Gazetteer on Urdu (Urdu script and Roman Urdu), with the language known and unknown.

The same entities must come out whether the message language is declared or unknown (the
channel often sends none): with no language, every language's cue words apply.
"""

from __future__ import annotations

O, D = "origin", "destination"  # noqa: E741

CASES: list[tuple[str, set]] = [
    ("میں پاکستان سے ہوں اور دبئی میں کام کرتا ہوں", {("country", "PK", O), ("country", "AE", D)}),
    (
        "میں لاہور سے ہوں، سعودیہ میں ڈرائیور ہوں",
        {("country", "PK", O), ("country", "SA", D), ("sector", "transport", None)},
    ),
    ("میں سیالکوٹ کا رہنے والا ہوں", {("country", "PK", O)}),
    (
        "main pakistan sy hn aur saudia mai driver hn",
        {("country", "PK", O), ("country", "SA", D), ("sector", "transport", None)},
    ),
    (
        "main karachi se hoon qatar mein mistri hoon",
        {("country", "PK", O), ("country", "QA", D), ("sector", "construction", None)},
    ),
    ("میں سعودیہ سے واپس آ گیا ہوں", {("country", "SA", D), ("status", "returnee", None)}),
    (
        "mera iqama khatam ho gaya riyadh mein",
        {("status", "undocumented", None), ("country", "SA", D)},
    ),
    ("افغان مہاجر ہوں", {("status", "refugee", None)}),
    ("اردو میں بات کریں", {("language", "ur", None)}),
    ("urdu mein likho", {("language", "ur", None)}),
    ("ہسپتال کا بل کون دے گا", {("branch", "health_care", None)}),
    ("biwi hamla hai", {("branch", "maternity", None)}),
    # Riyadh needs a cue: ریاض is also the name Riaz
    ("ریاض میں ہوں", {("country", "SA", D)}),
    # traps: شام (evening) is not Syria, چین (peace) is not China, مالی (financial) is not
    # Mali, Riaz the person is not Riyadh, "social security" is not a security guard
    ("شام کو بات کریں", set()),
    ("دل کو چین نہیں", set()),
    ("مالی مدد چاہیے", set()),
    ("ریاض بھائی سے بات کرنی ہے", set()),
    ("سوشل سیکیورٹی کیا ہے", set()),
]

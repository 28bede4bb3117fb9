"""Gazetteer on Arabic (MSA, Gulf, Levantine, Egyptian, and Arabizi with digits), with the
language known and unknown.

The same entities must come out whether the message language is declared or unknown (the
channel often sends none): with no language, every language's cue words apply.
"""

from __future__ import annotations

O, D = "origin", "destination"  # noqa: E741

CASES: list[tuple[str, set]] = [
    ("انا من مصر وأشتغل في السعودية", {("country", "EG", O), ("country", "SA", D)}),
    # glued clitics: ب / بال = in, و = and
    (
        "انا اثيوبية عاملة منزلية بلبنان",
        {("country", "ET", O), ("sector", "domestic_work", None), ("country", "LB", D)},
    ),
    ("بشتغل بمصنع بالاردن", {("sector", "manufacturing", None), ("country", "JO", D)}),
    # Arabizi: min = from, fel = in the, digits for letters
    ("ana min masr w bashtaghal fel sa3odeya", {("country", "EG", O), ("country", "SA", D)}),
    (
        "ana mn nepal sawa2 fi qatar",
        {("country", "NP", O), ("sector", "transport", None), ("country", "QA", D)},
    ),
    # "came back from X" is the country worked in; "back to X" is home
    ("رجعت بلدي من الكويت", {("status", "returnee", None), ("country", "KW", D)}),
    ("rje3t 3al nepal", {("country", "NP", O)}),
    # a Gulf nationality word after "my sponsor" is the destination
    ("كفيلي كويتي ما دفعلي", {("country", "KW", D)}),
    ("اقامتي خلصت", {("status", "undocumented", None)}),
    ("ma3ndi awra2", {("status", "undocumented", None)}),
    ("انا لاجئ سوري", {("status", "refugee", None), ("country", "SY", O)}),
    ("كلمني بالعربي", {("language", "ar", None)}),
    ("abi hindi law sama7t", {("language", "hi", None)}),
    (
        "انصبت بالشغل ومين بيدفع المستشفى",
        {("branch", "employment_injury", None), ("branch", "health_care", None)},
    ),
    ("ana 7amel fi ejazet omoma", {("branch", "maternity", None)}),
    # traps: "after maghrib prayer" is not Morocco, "my money" is not Mali, "the right" is not
    # Yemen, "Mr" is not Sweden, the Levantine "salary" (معاش) is not a pension, "born in"
    # (ولدت) is not maternity
    ("بعد المغرب بكلمك", set()),
    ("وين مالي", set()),
    ("على اليمين", set()),
    ("السيد احمد", set()),
    ("ما قبضت معاشي", set()),
    ("ولدت في نيبال", {("country", "NP", O)}),
]

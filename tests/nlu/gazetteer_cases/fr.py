"""French (fr) gazetteer cases: informal West/Central African and Maghreb French (SMS spellings,
no accents), roles, statuses, sectors, branches, language choice and the false hits found on
French words. Each case gives the (entity, value, role) set with lang="fr" and with lang=None.

The same entities must come out whether the message language is declared or unknown (the
channel often sends none): with no language, every language's cue words apply.
"""

from __future__ import annotations

O, D = "origin", "destination"  # noqa: E741

CASES: list[tuple[str, set]] = [
    (
        "jsuis du Senegal je travaille en Arabie saoudite",
        {("country", "SA", D), ("country", "SN", O)},
    ),
    (
        "je viens d'Algerie, femme de menage au Liban",
        {("country", "DZ", O), ("country", "LB", D), ("sector", "domestic_work", None)},
    ),
    (
        "jviens de Cote d'Ivoire, je bosse au Qatar dans le batiment",
        {("country", "CI", O), ("country", "QA", D), ("sector", "construction", None)},
    ),
    (
        "jsui malienne, menagere o Koweit",
        {("country", "KW", D), ("country", "ML", O), ("sector", "domestic_work", None)},
    ),
    ("je suis rentree du Liban", {("country", "LB", D), ("status", "returnee", None)}),
    (
        "refugie soudanais au Tchad",
        {("country", "SD", O), ("country", "TD", D), ("status", "refugee", None)},
    ),
    (
        "sans papiers en Espagne, ouvrier agricole",
        {("country", "ES", D), ("sector", "agriculture", None), ("status", "undocumented", None)},
    ),
    ("je suis nigerien", {("country", "NE", O)}),
    ("je suis enceinte, j'ai droit au conge maternite?", {("branch", "maternity", None)}),
    ("reponds moi en anglais stp", {("language", "en", None)}),
    ("c'est gratuit l'hopital?", {("branch", "health_care", None)}),
    ("mon patron me doit 3 mois, je veux porter plainte", set()),
    ("Maurice est mon patron", set()),
    ("sauce chili piquante", set()),
    ("il a lance une grenade", set()),
    ("le chien de madame me mord", set()),
    ("je retire mes donnees", set()),
    ("je suis africaine", set()),
]

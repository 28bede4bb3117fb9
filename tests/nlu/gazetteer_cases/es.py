"""Spanish (es) gazetteer cases: informal Latin American Spanish ("soy d", "toy en", "pa", "q",
no accents), roles, statuses, sectors, branches, language choice and the false hits found on
Spanish words. Each case gives the (entity, value, role) set with lang="es" and with lang=None.

The same entities must come out whether the message language is declared or unknown (the
channel often sends none): with no language, every language's cue words apply.
"""

from __future__ import annotations

O, D = "origin", "destination"  # noqa: E741

CASES: list[tuple[str, set]] = [
    (
        "soy d colombia toy en chile en la construccion",
        {("country", "CL", D), ("country", "CO", O), ("sector", "construction", None)},
    ),
    (
        "soy venezolana, empleada domestica en Peru",
        {("country", "PE", D), ("country", "VE", O), ("sector", "domestic_work", None)},
    ),
    (
        "pedi asilo en Mexico, soy hondureño",
        {("country", "HN", O), ("country", "MX", D), ("status", "asylum_seeker", None)},
    ),
    ("me vine pa Chile desde Venezuela", {("country", "CL", D), ("country", "VE", O)}),
    ("me deportaron de Estados Unidos", {("country", "US", D), ("status", "returnee", None)}),
    ("regrese a Venezuela", {("country", "VE", O)}),
    ("trabajo en un bar en Madrid", {("country", "ES", D), ("sector", "hospitality", None)}),
    ("estoy embarazada, q pasa con mi licencia de maternidad", {("branch", "maternity", None)}),
    ("hablame en ingles porfa", {("language", "en", None)}),
    ("Chile", {("country", "CL", None)}),
    ("trabajo en un asilo de ancianos", {("sector", "care", None)}),
    ("vivo en el campo de refugiados", {("status", "refugee", None)}),
    ("el chile de la comida pica", set()),
    ("estoy cansada", set()),
    ("mi cuñada me manda plata", set()),
    ("la señora me quito el pasaporte", set()),
    ("bueno me despido, gracias", set()),
    ("resultado del real madrid", set()),
    ("koren", set()),
]

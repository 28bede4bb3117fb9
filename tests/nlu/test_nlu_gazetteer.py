"""Behaviour of the gazetteer: what it must find, and the false hits it must not produce."""

from __future__ import annotations

import pytest

from engine import vocab
from nlu.gazetteer import Gazetteer, Match, canonical_language


def found(gaz: Gazetteer, text: str, lang: str | None = "en") -> list[tuple[str, str, str | None]]:
    return [(m.entity, m.value, m.role) for m in gaz.extract(text, lang)]


def countries(gaz: Gazetteer, text: str, lang: str | None = "en") -> list[tuple[str, str | None]]:
    return [(m.value, m.role) for m in gaz.extract(text, lang) if m.entity == "country"]


# ------------------------------------------------------------------------- whole sentences


def test_multi_entity_sentence(gaz_en: Gazetteer) -> None:
    text = "I'm from Nepal, working in construction in Qatar"
    matches = gaz_en.extract(text, "en")
    assert [(m.entity, m.value, m.role) for m in matches] == [
        ("country", "NP", "origin"),
        ("sector", "construction", None),
        ("country", "QA", "destination"),
    ]
    assert [m.text for m in matches] == ["Nepal", "construction", "Qatar"]
    assert all(text[m.start : m.end] == m.text for m in matches)
    assert all(isinstance(m, Match) and m.score == 1.0 for m in matches)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Filipino domestic helper in Hong Kong",
            [("country", "PH", "origin"), ("sector", "domestic_work", None),
             ("country", "HK", "destination")],
        ),
        (
            "Ethiopian housemaid in Lebanon, my visa expired",
            [("country", "ET", "origin"), ("sector", "domestic_work", None),
             ("country", "LB", "destination"), ("status", "undocumented", None)],
        ),
        (
            "i am from bangaldesh working in saudi arabia as a maid",
            [("country", "BD", "origin"), ("country", "SA", "destination"),
             ("sector", "domestic_work", None)],
        ),
        (
            "I was injured at work on a palm oil plantation in Malaysia",
            [("branch", "employment_injury", None), ("sector", "agriculture", None),
             ("country", "MY", "destination")],
        ),
    ],
)  # fmt: skip
def test_sentences(
    gaz_en: Gazetteer, text: str, expected: list[tuple[str, str, str | None]]
) -> None:
    assert found(gaz_en, text) == expected


def test_offsets_are_into_the_original_text(gaz_en: Gazetteer) -> None:
    text = "  Working in  the U.A.E.   — from Côte d’Ivoire!!"
    matches = gaz_en.extract(text, "en")
    assert [(m.value, m.text) for m in matches] == [("AE", "U.A.E"), ("CI", "Côte d’Ivoire")]
    assert all(text[m.start : m.end] == m.text for m in matches)


# ------------------------------------------------------------------------- misspellings


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Qatr", "QA"),
        ("Malaysa", "MY"),
        ("Saudia Arabia", "SA"),
        ("Phillipines", "PH"),
        ("Nepall", "NP"),
        ("Bangaldesh", "BD"),
        ("Kuala Lumpor", "MY"),
        ("Isreal", "IL"),
        ("Jordon", "JO"),
    ],
)
def test_misspelt_countries(gaz_en: Gazetteer, text: str, code: str) -> None:
    matches = gaz_en.extract(f"I work in {text}", "en")
    assert [(m.value, m.role, m.text) for m in matches] == [(code, "destination", text)]


def test_fuzzy_scores_are_below_exact(gaz_en: Gazetteer) -> None:
    (match,) = gaz_en.extract("Malaysa", "en")
    assert 0.7 < match.score < 1.0


def test_misspelt_synonym(gaz_en: Gazetteer) -> None:
    assert found(gaz_en, "I am a constrcution worker") == [("sector", "construction", None)]
    assert found(gaz_en, "I am undocumeted") == [("status", "undocumented", None)]


# ------------------------------------------------------------------------- false hits


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("maghanap ako ng trabaho", "fil"),  # "Ghana" inside a Tagalog word
        ("maghanap ako ng trabaho", None),
        ("alichukua pesa zangu", "sw"),  # "UK" inside a Swahili word
        ("alichukua pesa zangu", None),
        ("Malik is my employer", "en"),  # "Mali" inside a name
        ("I am a woman", "en"),  # one edit from Oman
        ("I am a roman catholic", "en"),
        ("I want to go home", "en"),  # "to go" vs Togo
        ("my child is with me", "en"),  # Chile
        ("please help us", "en"),  # US
        ("HELP US NOW", "en"),  # capitals mean nothing when everything is in capitals
        ("let me begin", "en"),  # Benin
        ("what is your surname", "en"),  # Suriname
        ("I hurt my chin", "en"),  # China
        ("I need to spin", "en"),  # Spain
        ("I was born in the main city", "en"),
        ("mali ang sweldo ko", "fil"),  # Tagalog "wrong", not the country
        ("mali ang sweldo ko", None),
        ("Hindi ko alam", "fil"),  # Tagalog "not", not the language
        ("nina mali nyingi", "sw"),  # Swahili "property"
        ("Maurice is my boss", "en"),  # a French name for Mauritius, not active in English
        ("I love South America", "en"),  # blocked phrase, not US
        ("saya sekarang di rumah", "id"),  # "now" in Indonesian, one edit from Semarang
        ("I work in a Chinese restaurant", "en"),
    ],
)
def test_no_false_country_or_language(gaz_all: Gazetteer, text: str, lang: str | None) -> None:
    hits = [m for m in gaz_all.extract(text, lang) if m.entity in ("country", "language")]
    assert hits == []


def test_ambiguous_word_counts_with_a_cue_or_alone(gaz_all: Gazetteer) -> None:
    assert countries(gaz_all, "taga Mali ako", "fil") == [("ML", "origin")]
    assert countries(gaz_all, "Mali", "fil") == [("ML", None)]
    assert found(gaz_all, "Hindi po", "fil") == []  # a polite "no" in Tagalog
    assert found(gaz_all, "Hindi po", None) == []
    assert found(gaz_all, "Hindi please") == [("language", "hi", None)]
    assert countries(gaz_all, "I WORK IN THE US") == [("US", "destination")]


# ------------------------------------------------------------------------- cities, short forms


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I work in Dubai", [("AE", "destination")]),
        ("Dubai", [("AE", None)]),
        ("I am from Kathmandu", [("NP", "origin")]),
        ("going to Kuala Lumpur next month", [("MY", "destination")]),
        ("I live in Riyadh", [("SA", "destination")]),
        ("working in Doha", [("QA", "destination")]),
        ("based in Abu Dhabi", [("AE", "destination")]),
        ("my employer in Tel Aviv", [("IL", "destination")]),
        ("I work in KSA", [("SA", "destination")]),
        ("I work in UAE", [("AE", "destination")]),
        ("i work in uae", [("AE", "destination")]),
        ("I work in the UK", [("GB", "destination")]),
        ("I want to go to USA", [("US", "destination")]),
        ("I am in Saudi", [("SA", "destination")]),
        ("I worked in Qatar, Dubai and Oman", [("QA", "destination")] * 1
         + [("AE", "destination"), ("OM", "destination")]),
    ],
)  # fmt: skip
def test_cities_and_short_forms(
    gaz_en: Gazetteer, text: str, expected: list[tuple[str, str | None]]
) -> None:
    assert countries(gaz_en, text) == expected


def test_short_forms_need_whole_words_and_exact_spelling(gaz_en: Gazetteer) -> None:
    assert countries(gaz_en, "UKRAINE") == [("UA", None)]
    assert countries(gaz_en, "ksa1") == []
    assert countries(gaz_en, "help us") == []


# ------------------------------------------------------------------------- roles


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I am Nepali", [("NP", "origin")]),
        ("I am a Nepali in Qatar", [("NP", "origin"), ("QA", "destination")]),
        ("Pinoy ako", [("PH", "origin")]),
        ("my Qatari employer took my passport", [("QA", "destination")]),
        ("the Nepal embassy", [("NP", "origin")]),
        ("I was born in India but live in Kuwait", [("IN", "origin"), ("KW", "destination")]),
        ("I came back from Malaysia", [("MY", "destination")]),
        ("I went back to Nepal", [("NP", "origin")]),
        ("i am back in nepal now", [("NP", "origin")]),
        ("citizen of Sri Lanka", [("LK", "origin")]),
        ("my country is Myanmar", [("MM", "origin")]),
        ("Nepal", [("NP", None)]),
        ("Qatar labour law", [("QA", "destination")]),
    ],
)
def test_roles(gaz_en: Gazetteer, text: str, expected: list[tuple[str, str | None]]) -> None:
    assert countries(gaz_en, text) == expected


def test_demonym_that_is_also_a_language(gaz_en: Gazetteer) -> None:
    assert found(gaz_en, "I speak Nepali") == [("language", "ne", None)]
    assert found(gaz_en, "can you answer in Filipino") == [("language", "fil", None)]
    assert found(gaz_en, "I am Filipino") == [("country", "PH", "origin")]
    assert found(gaz_en, "I speak Russian") == []  # a language we do not offer, not a nationality
    # "in" makes a language only at the end of the message; elsewhere a nationality word after
    # "in" is an adjective, never the destination.
    assert found(gaz_en, "answer in Nepali please") == [("language", "ne", None)]
    assert found(gaz_en, "I work in Nepalese company") == [("country", "NP", "origin")]
    assert countries(gaz_en, "my Kuwaiti madam") == [("KW", "destination")]


# ------------------------------------------------------------------------- vocabularies


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("my visa expired", "undocumented"),
        ("I have no papers", "undocumented"),
        ("I am an overstayer", "undocumented"),
        ("I am illegal here", "undocumented"),
        ("I am a refugee", "refugee"),
        ("I am an asylum seeker", "asylum_seeker"),
        ("I am a returnee", "returnee"),
        ("I am an OFW", "migrant_worker"),
        ("I want to work abroad", "prospective_migrant"),
        ("I am a family member of a worker", "family_member"),
        ("i dont have papers", "undocumented"),
        ("i came with my husband visa", "family_member"),
    ],
)
def test_statuses(gaz_en: Gazetteer, text: str, value: str) -> None:
    assert [m.value for m in gaz_en.extract(text, "en") if m.entity == "status"] == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("I was injured", "employment_injury"),
        ("accident at work", "employment_injury"),
        ("I got hurt at work", "employment_injury"),
        ("what about my pension", "old_age"),
        ("when I retire", "old_age"),
        ("I am sick", "sickness"),
        ("can I get sick leave", "sickness"),
        ("I need a doctor", "health_care"),
        ("hospital bills", "health_care"),
        ("I am pregnant", "maternity"),
        ("maternity leave", "maternity"),
        ("my husband died", "survivors"),
        ("I am a widow", "survivors"),
        ("I am disabled", "invalidity"),
        ("I lost my job", "unemployment"),
        ("I am jobless", "unemployment"),
        ("children allowance", "family"),
        ("family benefit", "family"),
        ("who pays if i get hurt", "employment_injury"),
        ("if i cannot work again", "invalidity"),
        ("they fire me do i get money", "unemployment"),
    ],
)
def test_branches(gaz_en: Gazetteer, text: str, value: str) -> None:
    assert [m.value for m in gaz_en.extract(text, "en") if m.entity == "branch"] == [value]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("I am a housemaid", "domestic_work"),
        ("I work as a nanny", "domestic_work"),
        ("kasambahay", "domestic_work"),
        ("I work on a farm", "agriculture"),
        ("palm oil", "agriculture"),
        ("factory worker", "manufacturing"),
        ("I am a cook in a hotel", "hospitality"),
        ("caregiver for an old man", "care"),
        ("I am a fisherman", "fishing"),
        ("truck driver", "transport"),
        ("delivery rider", "platform"),
        ("security guard", "other"),
    ],
)
def test_sectors(gaz_en: Gazetteer, text: str, value: str) -> None:
    assert {m.value for m in gaz_en.extract(text, "en") if m.entity == "sector"} == {value}


def test_longest_synonym_wins(gaz_en: Gazetteer) -> None:
    assert found(gaz_en, "health care") == [("branch", "health_care", None)]
    assert found(gaz_en, "care worker") == [("sector", "care", None)]
    assert found(gaz_en, "family reunion") == [("status", "family_member", None)]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Tagalog please", "fil"),
        ("English", "en"),
        ("Bahasa Indonesia", "id"),
        ("Kiswahili", "sw"),
        ("Bangla", "bn"),
        ("नेपाली", "ne"),
        ("العربية", "ar"),
        ("አማርኛ", "am"),
        ("français", "fr"),
    ],
)
def test_language_names(gaz_en: Gazetteer, text: str, code: str) -> None:
    assert found(gaz_en, text) == [("language", code, None)]


def test_a_language_name_that_is_a_country_name_is_the_country(gaz_all: Gazetteer) -> None:
    # Babel calls Indonesian "Indonesia" in Indonesian; the word is the country.
    assert found(gaz_all, "Indonesia", None) == [("country", "ID", None)]


def test_values_are_the_contracts(gaz_all: Gazetteer) -> None:
    assert gaz_all.values("status") == set(vocab.STATUSES)
    assert gaz_all.values("sector") == set(vocab.SECTORS)
    assert gaz_all.values("branch") == set(vocab.BRANCHES)
    assert gaz_all.values("language") == {
        "ar", "ur", "ne", "hi", "bn", "fil", "id", "am", "sw", "fr", "es", "en",
    }  # fmt: skip
    codes = gaz_all.values("country")
    assert all(len(c) == 2 and c.isupper() for c in codes)
    assert {"NP", "QA", "AE", "SA", "PH", "HK", "MO", "PS"} <= codes
    assert not {"EU", "UN", "ZZ", "XK", "QO"} & codes


# ------------------------------------------------------------------------- other languages


ORIG, DEST = "origin", "destination"


@pytest.mark.parametrize(
    ("text", "lang", "expected"),
    [
        ("म नेपालबाट हुँ, कतारमा काम गर्छु", "ne", [("NP", ORIG), ("QA", DEST)]),
        ("मैं नेपाल से हूँ और क़तर में काम करता हूँ", "hi", [("NP", ORIG), ("QA", DEST)]),
        ("میں پاکستان سے ہوں اور دبئی میں کام کرتا ہوں", "ur", [("PK", ORIG), ("AE", DEST)]),
        ("আমি বাংলাদেশ থেকে, সৌদি আরবে কাজ করি", "bn", [("BD", ORIG), ("SA", DEST)]),
        ("أنا من مصر وأعمل في السعودية", "ar", [("EG", ORIG), ("SA", DEST)]),
        ("أعمل بالسعودية", None, [("SA", DEST)]),
        ("ከኢትዮጵያ ነኝ በሳውዲ እሰራለሁ", "am", [("ET", ORIG), ("SA", DEST)]),
        ("taga Nepal ako, nagtatrabaho sa Hong Kong", "tl", [("NP", ORIG), ("HK", DEST)]),
        ("Saya dari Indonesia, bekerja di Malaysia", "id", [("ID", ORIG), ("MY", DEST)]),
        ("Ninatoka Kenya, ninafanya kazi Qatar", "sw", [("KE", ORIG), ("QA", DEST)]),
        ("Je viens du Népal et je travaille au Qatar", "fr", [("NP", ORIG), ("QA", DEST)]),
        ("Soy de Nicaragua y trabajo en España", "es", [("NI", ORIG), ("ES", DEST)]),
    ],
)  # fmt: skip
def test_other_languages(
    gaz_all: Gazetteer, text: str, lang: str | None, expected: list[tuple[str, str | None]]
) -> None:
    matches = [m for m in gaz_all.extract(text, lang) if m.entity == "country"]
    assert [(m.value, m.role) for m in matches] == expected
    assert all(text[m.start : m.end] == m.text for m in matches)


def test_cldr_names_of_other_languages_only_with_that_language(gaz_all: Gazetteer) -> None:
    assert countries(gaz_all, "Marekani", "sw") == [("US", None)]
    assert countries(gaz_all, "Marekani", None) == [("US", None)]
    assert countries(gaz_all, "Marekani", "en") == []


@pytest.mark.parametrize(
    ("code", "expected"),
    [("tl", "fil"), ("fil-PH", "fil"), ("EN_us", "en"), ("ne", "ne"), ("", None), (None, None)],
)
def test_canonical_language(code: str | None, expected: str | None) -> None:
    assert canonical_language(code) == expected


def test_empty_and_odd_input(gaz_en: Gazetteer) -> None:
    assert gaz_en.extract("", "en") == []
    assert gaz_en.extract("   ", None) == []
    assert gaz_en.extract("!!! ???", "en") == []
    assert gaz_en.extract("Nepal", "xx") == gaz_en.extract("Nepal", None)  # unknown language

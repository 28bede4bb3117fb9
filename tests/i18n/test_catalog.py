"""Translations fall back to English with nothing lost; labels fit the channels' limits."""

from __future__ import annotations

import textwrap

import pytest

from engine import vocab
from i18n import catalog as catalog_module
from i18n.catalog import Translator, normalise_language, strings
from i18n.extract import bot_catalog, tables_catalog
from i18n.responses import translate_response

PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"

msgctxt "level.covered"
msgid "covered"
msgstr "cubierto"

msgctxt "summary.header"
msgid "What applies to you: {status}, {sector}, from {origin}, in {destination}."
msgstr "Lo que te corresponde: {estado}"

msgctxt "summary.unknown"
msgid "My table does not know {count} of these. I will not guess: ask {help}."
msgid_plural "My table does not know {count} of these. I will not guess: ask {help}."
msgstr[0] "Mi tabla no conoce {count} de estos. Pregunta a {help}."
msgstr[1] "Mi tabla no conoce {count} de estos ({count}). Pregunta a {help}."

msgctxt "utter_greet"
msgid "Hello"
msgstr "Hola"

msgctxt "utter_greet"
msgid "Yes"
msgstr "Sí"

#, fuzzy
msgctxt "level.unknown"
msgid "not known"
msgstr "desconocido (borrador)"
"""


@pytest.fixture()
def spanish(tmp_path, monkeypatch):
    folder = tmp_path / "xx" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "bot.po").write_text(textwrap.dedent(PO))
    monkeypatch.setattr(catalog_module, "LOCALES_DIR", tmp_path)
    catalog_module.catalog.cache_clear()
    catalog_module.available_languages.cache_clear()
    yield Translator("xx")
    catalog_module.catalog.cache_clear()
    catalog_module.available_languages.cache_clear()


def test_translated_text(spanish):
    assert spanish.text("level.covered") == "cubierto"


def test_missing_translation_falls_back_to_english(spanish):
    assert spanish.text("level.not_covered") == "not covered"


def test_fuzzy_entries_are_not_shown(spanish):
    assert spanish.text("level.unknown") == "not known"


def test_broken_placeholder_falls_back_to_the_source(spanish):
    text = spanish.text("summary.header", status="S", sector="C", origin="O", destination="D")
    assert text == "What applies to you: S, C, from O, in D."


def test_plural_forms(spanish):
    assert (
        spanish.text("summary.unknown", count=1, help="H")
        == "Mi tabla no conoce 1 de estos. Pregunta a H."
    )
    assert "(3)" in spanish.text("summary.unknown", count=3, help="H")


def test_response_and_buttons_translated_with_payloads_intact(spanish):
    response = {
        "text": "Hello",
        "buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}],
    }
    out = translate_response("utter_greet", response, "xx")
    assert out["text"] == "Hola"
    assert out["buttons"] == [
        {"title": "Sí", "payload": "/affirm"},
        {"title": "No", "payload": "/deny"},
    ]
    assert response["text"] == "Hello"  # the domain's copy is untouched


def test_tagalog_is_filipino():
    assert normalise_language("tl") == "fil"
    assert normalise_language("fr-CA") == "fr"
    assert normalise_language(None) == "en"


@pytest.mark.parametrize(
    "prefix,values",
    [
        ("status", vocab.STATUSES),
        ("sector", vocab.SECTORS),
        ("branch", vocab.BRANCHES),
        ("level", (*vocab.COVERAGE_LEVELS, vocab.UNCERTAIN)),
        ("answer", vocab.YES_NO_UNKNOWN),
    ],
)
def test_every_vocabulary_value_has_a_label(prefix, values):
    for value in values:
        assert f"{prefix}.{value}" in strings()


@pytest.mark.parametrize("prefix", ["branch.", "button.", "status.", "sector."])
def test_button_labels_fit_whatsapp(prefix):
    for key, text in strings().items():
        if key.startswith(prefix):
            assert len(text) <= 20, f"{key} is {len(text)} characters"


def test_domain_button_titles_fit_whatsapp():
    titles = [
        (name, button["title"])
        for name, variations in _responses().items()
        for variation in variations
        for button in variation.get("buttons") or []
    ]
    assert titles
    for name, title in titles:
        assert len(title) <= 20, f"{name}: {title!r}"


def _responses():
    import yaml

    responses = {}
    for path in sorted(catalog_module.LOCALES_DIR.parent.joinpath("bot", "domain").glob("*.yml")):
        responses.update(yaml.safe_load(path.read_text()).get("responses") or {})
    return responses


def test_extraction_covers_responses_strings_and_tables():
    bot = bot_catalog()
    contexts = {m.context for m in bot if m.id}
    assert set(_responses()) <= contexts
    assert set(strings()) <= contexts
    tables = tables_catalog()
    assert len(tables) > 50
    assert all(m.locations for m in tables if m.id)

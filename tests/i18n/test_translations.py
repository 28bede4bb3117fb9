"""Every shipped language: every text renders, placeholders and buttons intact, labels fit.

These run on the real catalogs in locales/. A translation that drops or renames a placeholder,
a button title longer than WhatsApp allows, or a catalog out of step with the sources fails here
(and `python -m i18n.catalogs check` fails CI below 95 % translated).
"""

from __future__ import annotations

import re
import string

import pytest
from babel.messages.pofile import read_po

from i18n import catalog as catalog_module
from i18n.catalog import LOCALES_DIR, Translator, strings
from i18n.catalogs import DRAFT_MARK, SHIPPED, po_path, stats
from i18n.extract import BUTTON_NOTE, bot_catalog, tables_catalog
from i18n.languages import direction, mark, picker_buttons
from i18n.names import language_name
from i18n.responses import translate_response

PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


@pytest.fixture(autouse=True, scope="module")
def _fresh_catalogs():
    catalog_module.catalog.cache_clear()
    yield
    catalog_module.catalog.cache_clear()


def _messages(language: str, domain: str):
    with po_path(language, domain).open("rb") as handle:
        return [m for m in read_po(handle, locale=language) if m.id]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("language", SHIPPED)
@pytest.mark.parametrize("domain", ["bot", "tables"])
def test_placeholders_survive_translation(language, domain):
    broken = []
    for message in _messages(language, domain):
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strs = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set().union(*(_fields(i) for i in ids))
        for translated in strs:
            if translated and _fields(translated) - wanted:
                broken.append((message.context, translated))
            if translated and not isinstance(message.id, tuple) and _fields(translated) != wanted:
                broken.append((message.context, translated))
    assert not broken, broken[:5]


@pytest.mark.parametrize("language", SHIPPED)
def test_every_composed_text_renders(language):
    t = Translator(language)
    for key, source in strings().items():
        params = {name: f"<{name}>" for name in PLACEHOLDER.findall(str(source))}
        if isinstance(source, dict):
            for count in (0, 1, 2, 5, 11, 21, 100):
                text = t.text(key, count=count, **{k: v for k, v in params.items() if k != "count"})
                assert text and "{" not in text.replace("{{", ""), (key, text)
            continue
        text = t.text(key, **params)
        assert text, key
        for value in params.values():
            assert value in text, (language, key, text)


@pytest.mark.parametrize("language", SHIPPED)
def test_responses_keep_buttons_and_payloads(language):
    catalog = bot_catalog()
    names = {m.context for m in catalog if m.context and m.context.startswith("utter_")}
    from engine.loader import read_document
    from i18n.extract import DOMAIN_DIR

    for path in DOMAIN_DIR.glob("*.yml"):
        document, _ = read_document(path)
        for name, variations in (document.data.get("responses") or {}).items():
            assert name in names
            for variation in variations:
                translated = translate_response(name, variation, language)
                assert len(translated.get("buttons") or []) == len(variation.get("buttons") or [])
                for before, after in zip(
                    variation.get("buttons") or [], translated.get("buttons") or [], strict=True
                ):
                    assert after["payload"] == before["payload"]
                    assert after["title"]
                assert translated["language"] == language
                assert translated["direction"] == direction(language)


@pytest.mark.parametrize("language", SHIPPED)
def test_button_titles_fit_whatsapp(language):
    too_long = [
        (m.context, m.string)
        for m in _messages(language, "bot")
        if BUTTON_NOTE in m.auto_comments and isinstance(m.string, str) and len(m.string) > 20
    ]
    assert not too_long


@pytest.mark.parametrize("language", SHIPPED)
def test_table_texts_are_translated(language):
    t = Translator(language)
    sources = [m.id for m in tables_catalog() if m.id]
    translated = [text for text in sources if t.table(text) != text]
    assert len(translated) >= 0.95 * len(sources)


@pytest.mark.parametrize("language", SHIPPED)
def test_catalogs_are_at_least_95_percent_translated(language):
    assert stats(language).translated_pct >= 95.0


@pytest.mark.parametrize("language", SHIPPED)
def test_drafts_are_marked(language):
    """Every entry is either marked machine-drafted or has been reviewed: the marker exists."""
    for domain in ("bot", "tables"):
        for message in _messages(language, domain):
            for comment in message.user_comments:
                assert comment.strip() == DRAFT_MARK or DRAFT_MARK not in comment


def test_templates_match_sources():
    """locales/*.pot hold exactly what `make messages` would extract now."""
    for name, fresh in (("bot", bot_catalog()), ("tables", tables_catalog())):
        with (LOCALES_DIR / f"{name}.pot").open("rb") as handle:
            template = read_po(handle)
        assert {
            (m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in template if m.id
        } == {(m.context, m.id if isinstance(m.id, str) else m.id[0]) for m in fresh if m.id}, (
            f"locales/{name}.pot is stale: run `make messages`"
        )


@pytest.mark.parametrize("language", ["ar", "ur"])
def test_right_to_left_languages(language):
    assert direction(language) == "rtl"
    marked = mark("GOSI\n123", language)
    assert all(line.startswith("\u200f") for line in marked.split("\n"))
    assert mark(marked, language) == marked


@pytest.mark.parametrize("language", [lang for lang in SHIPPED if lang not in ("ar", "ur")])
def test_left_to_right_languages(language):
    assert direction(language) == "ltr"
    assert mark("GOSI", language) == "GOSI"


def test_picker_names_each_language_in_itself():
    buttons = picker_buttons(["ne"])
    titles = [b["title"] for b in buttons]
    assert titles[0] == "नेपाली" and titles[1] == "English"
    assert {"العربية", "اردو", "አማርኛ", "বাংলা", "हिन्दी", "Kiswahili", "Français", "Español"} <= set(
        titles
    )
    assert language_name("fil") == "Filipino"
    assert all(len(title) <= 20 for title in titles)
    assert buttons[0]["payload"] == '/choose_language{"language":"ne"}'

"""Safety answers: emergency numbers first and in order, complaint routes that warn people without
papers before any government office, and the privacy notice keeping the promises the code keeps."""

from __future__ import annotations

import re

import pytest

from engine.model import Institution
from engine.resolve import Profile, resolve
from engine.store import Store
from i18n import render
from i18n.catalog import Translator
from i18n.catalogs import SHIPPED
from i18n.names import country_name

LANGUAGES = ("en", *SHIPPED)


@pytest.fixture(scope="module")
def store() -> Store:
    return Store.from_tables("entitlements")


def positions(text: str, items: list[Institution], t: Translator) -> list[int]:
    return [text.index(t.table(i.name)) for i in items]


@pytest.mark.parametrize("language", LANGUAGES)
def test_emergency_numbers_come_first_destination_before_origin(store, language) -> None:
    t = Translator(language)
    res = resolve(store, Profile("undocumented", "domestic_work", "NP", "QA"))
    [message] = render.emergency(res, t, store.country_codes("destination"))
    assert message.text.startswith(t.text("emergency.header"))
    contacts = render._emergency_contacts(res)
    assert contacts, "the tables must have emergency contacts for Qatar or Nepal"
    where = [i.where for i in sorted(contacts, key=lambda i: render._emergency_rank(i, res))]
    spots = positions(
        message.text, sorted(contacts, key=lambda i: render._emergency_rank(i, res)), t
    )
    assert spots == sorted(spots)
    # every contact located in the destination is listed before any located elsewhere
    assert where == sorted(where, key=lambda code: code != "QA")
    for item in contacts:
        for number in (item.phone, item.whatsapp):
            if number:
                assert number in message.text


@pytest.mark.parametrize("language", ["en", "ar", "ne"])
def test_emergency_without_a_country_advises_and_asks_where_with_buttons(store, language) -> None:
    t = Translator(language)
    destinations = store.country_codes("destination")
    [message] = render.emergency(resolve(store, Profile()), t, destinations)
    assert t.text("emergency.where") in message.text
    assert "{" not in message.text
    assert [b["payload"] for b in message.buttons] == [
        f'/emergency{{"country":"{code}"}}' for code in destinations
    ]
    assert [b["title"] for b in message.buttons] == [
        country_name(code, language) for code in destinations
    ]


def test_emergency_with_only_the_origin_known_gives_the_origin_line_and_asks(store) -> None:
    t = Translator("en")
    res = resolve(store, Profile(origin="PH"))
    [message] = render.emergency(res, t, store.country_codes("destination"))
    assert message.text.startswith(t.text("emergency.header"))
    assert "1348" in message.text
    assert t.text("emergency.where") in message.text


@pytest.mark.parametrize("language", LANGUAGES)
def test_people_without_papers_are_warned_before_any_government_office(store, language) -> None:
    t = Translator(language)
    res = resolve(store, Profile("undocumented", "construction", "NP", "QA"))
    [message] = render.complaints(res, t)
    text = message.text
    warning = text.index(
        t.text("complain.safety_warning", destination=country_name("QA", language))
    )
    contacts = [*res.complain, *[i for i in res.help if i.id not in {c.id for c in res.complain}]]
    official = [i for i in contacts if i.kind not in render.SAFER_KINDS]
    safer = [i for i in contacts if i.kind in render.SAFER_KINDS]
    assert official and safer
    assert warning < min(positions(text, safer + official, t))
    assert max(positions(text, safer, t)) < min(positions(text, official, t))
    assert text.index(
        t.text("complain.official_header", destination=country_name("QA", language))
    ) < min(positions(text, official, t))


def test_documented_workers_get_no_immigration_warning(store) -> None:
    t = Translator("en")
    res = resolve(store, Profile("migrant_worker", "construction", "NP", "QA"))
    text = render.complaints(res, t)[0].text
    assert "immigration" not in text


def test_without_safer_contacts_the_warning_says_where_to_ask_first(store) -> None:
    t = Translator("en")
    res = resolve(store, Profile("undocumented", "construction", "NP", "QA"))
    res.help[:] = [i for i in res.help if i.kind not in render.SAFER_KINDS]
    res.complain[:] = [i for i in res.complain if i.kind not in render.SAFER_KINDS]
    text = render.complaints(res, t)[0].text
    assert t.text("complain.safer_none", destination="Qatar") in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_privacy_notice_states_the_configured_retention_in_every_language(language) -> None:
    t = Translator(language)
    for days in (1, 30, 90):
        paragraphs = render.privacy_notice(t, days)
        assert len(paragraphs) == len(render.PRIVACY_PARAGRAPHS)
        assert all(p.strip() and "{" not in p for p in paragraphs)
        assert re.search(rf"(?<!\d){days}(?!\d)", paragraphs[2]), paragraphs[2]
    [message] = render.privacy(t, 30)
    assert message.buttons == [{"title": t.text("button.forget_me"), "payload": "/forget_me"}]


def test_no_bot_text_asks_for_proof_of_status() -> None:
    """The bot never asks for documents: no question in the English source mentions them."""
    import yaml

    from i18n.catalog import strings

    responses = yaml.safe_load(open("bot/domain/responses.yml", encoding="utf-8"))["responses"]
    texts = [v["text"] for variants in responses.values() for v in variants]
    texts += [v for v in strings().values() if isinstance(v, str)]
    asks = re.compile(
        r"(send|show|upload|type|give|enter|what is) (me )?(your|a) (passport|visa|permit|iqama|"
        r"id|document|papers|residence card|phone number|name)",
        re.IGNORECASE,
    )
    offenders = [text for text in texts if asks.search(text)]
    assert offenders == []

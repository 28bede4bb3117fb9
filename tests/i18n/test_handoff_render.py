"""The handoff answer in every shipped language: the reference, the promised working days in the
language's plural form, the contacts from the tables, and a way to the emergency numbers."""

from __future__ import annotations

import dataclasses

import pytest

from engine.resolve import Profile, resolve
from engine.store import Store
from i18n import catalog as catalog_module
from i18n import render
from i18n.catalog import Translator
from i18n.catalogs import SHIPPED

REFERENCE = "H-7K3Q"
english = Translator("en")


@pytest.fixture(autouse=True, scope="module")
def _fresh_catalogs():
    catalog_module.catalog.cache_clear()
    yield
    catalog_module.catalog.cache_clear()


@pytest.fixture(scope="module")
def store():
    return Store.from_tables("entitlements")


@pytest.fixture(scope="module")
def corridor(store):
    return resolve(store, Profile("migrant_worker", "construction", "NP", "QA"))


@pytest.mark.parametrize("language", ["en", *SHIPPED])
@pytest.mark.parametrize("days", [1, 2, 5])
def test_reference_working_days_and_contacts_in_every_language(language, days, corridor):
    t = Translator(language)
    (message,) = render.handoff(corridor, t, REFERENCE, days)
    text = message.text
    assert text.count(REFERENCE) >= 2  # said with the request and with the contacts
    promise = t.text("handoff.reply_time", count=days)
    assert promise in text and str(days) in promise
    if language != "en":
        assert promise != english.text("handoff.reply_time", count=days), "not translated"
        assert t.text("handoff.passed", reference="R") != english.text(
            "handoff.passed", reference="R"
        )
    for institution in corridor.help:
        assert t.table(institution.name) in text
    assert t.text("sources.header") in text
    assert message.buttons == [{"title": t.text("button.emergency"), "payload": "/emergency"}]


@pytest.mark.parametrize("language", ["en", *SHIPPED])
def test_without_emergency_numbers_it_points_to_sos_and_the_button(language, corridor):
    t = Translator(language)
    (message,) = render.handoff(dataclasses.replace(corridor, emergency=[]), t, REFERENCE, 2)
    assert t.text("handoff.danger", button=t.text("button.emergency")) in message.text
    assert "SOS" in message.text  # a safety word that works in every language
    assert t.text("emergency.header") not in message.text


def test_emergency_numbers_are_listed_once(corridor):
    listed = corridor.help[0]
    hotline = dataclasses.replace(listed, id="test-hotline", name="Test hotline", phone="999")
    variant = dataclasses.replace(corridor, emergency=[listed, hotline])
    (message,) = render.handoff(variant, english, REFERENCE, 2)
    before, after = message.text.split(english.text("emergency.header"), 1)
    assert "Test hotline" in after and "Phone 999" in after
    assert listed.name in before and listed.name not in after
    assert english.text("handoff.danger", button="Emergency") not in message.text


@pytest.mark.parametrize("language", ["en", "ar", "fr", "sw", "hi"])
def test_one_and_several_days_use_different_plural_forms(language):
    t = Translator(language)
    assert t.text("handoff.reply_time", count=1) != t.text("handoff.reply_time", count=2).replace(
        "2", "1"
    )


@pytest.mark.parametrize("language", ["en", *SHIPPED])
def test_no_contact_in_the_table_still_gives_the_reference(language, store):
    t = Translator(language)
    nobody = resolve(store, Profile(None, None, None, None))
    (message,) = render.handoff(nobody, t, REFERENCE, 2, new=False)
    assert t.text("handoff.updated", reference=f"\u2068{REFERENCE}\u2069") in message.text
    assert t.text("handoff.no_contacts", reference=f"\u2068{REFERENCE}\u2069") in message.text

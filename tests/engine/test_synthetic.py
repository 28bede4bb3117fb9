"""bench.synthetic grows a valid table of exactly the asked number of corridors."""

from __future__ import annotations

import pytest

from bench.synthetic import Grown, factor, grow, load
from engine.resolve import Profile, resolve
from engine.settings import PROJECT_ROOT
from engine.store import Store


@pytest.mark.parametrize(("n", "expected"), [(100, (10, 10)), (1000, (25, 40)), (7, (1, 7))])
def test_factor_is_exact_and_close_to_square(n, expected):
    assert factor(n) == expected


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> tuple[Grown, Store]:
    grown = grow(12, tmp_path_factory.mktemp("synthetic") / "tables")
    store = Store.open("sqlite://")
    store.replace(load(grown))  # load() raises on any validation error
    return grown, store


def test_grown_table_validates_and_has_the_asked_size(small):
    grown, store = small

    assert grown.corridors == 12
    assert store.country_codes("destination") == sorted(grown.destinations)
    assert store.country_codes("origin") == sorted(grown.origins)
    assert not set(grown.destinations) & set(grown.origins)
    agreements = {
        a.id
        for d in grown.destinations
        for o in grown.origins
        for a in store.agreements_between(o, d)
    }
    assert len(agreements) == grown.agreements > 0

    real = Store.from_tables(PROJECT_ROOT / "entitlements")
    for destination in grown.destinations:
        for origin in grown.origins:
            answer = resolve(store, Profile("migrant_worker", "construction", origin, destination))
            assert answer.destination_known and answer.origin_known
            # A copy answers like the real corridor it was copied from.
            model = resolve(
                real,
                Profile(
                    "migrant_worker",
                    "construction",
                    grown.templates[origin],
                    grown.templates[destination],
                ),
            )
            assert levels(answer) == levels(model)
            assert [i.kind for i in answer.complain if i.country == destination] == [
                i.kind for i in model.complain if i.country == grown.templates[destination]
            ]
            assert [s.kind for s in answer.schemes] == [s.kind for s in model.schemes]


def levels(answer) -> dict[str, str]:
    return {branch: finding.level for branch, finding in answer.findings.items()}


def test_origins_with_offices_abroad_get_one_in_every_destination(small):
    grown, store = small
    offices = {
        (origin, destination)
        for origin in grown.origins
        for destination in grown.destinations
        for i in store.institutions_for([origin])
        if i.country == origin and i.where == destination
    }
    with_offices = {o for o, _ in offices}
    assert with_offices  # the real Indian and Philippine offices abroad were copied
    assert offices == {(o, d) for o in with_offices for d in grown.destinations}

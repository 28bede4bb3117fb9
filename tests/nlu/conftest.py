"""Shared fixtures: gazetteers are built once per test session, as in production."""

from __future__ import annotations

import pytest

from nlu.gazetteer import SUPPORTED_LANGUAGES, Gazetteer, get_gazetteer


@pytest.fixture(scope="session")
def gaz_en() -> Gazetteer:
    """English only: what the brief starts with."""
    return get_gazetteer(["en"])


@pytest.fixture(scope="session")
def gaz_all() -> Gazetteer:
    """All twelve supported languages: what the Rasa component loads by default."""
    return get_gazetteer(SUPPORTED_LANGUAGES)

"""A fixed sender-id key for the channel unit tests (no key file written under var/)."""

from __future__ import annotations

import pytest

from channels import identity


@pytest.fixture(autouse=True)
def key(monkeypatch):
    monkeypatch.setenv(identity.KEY_ENV, "unit-test-key")
    identity.reset_key_cache()
    yield
    identity.reset_key_cache()

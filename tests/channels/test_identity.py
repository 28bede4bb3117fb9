"""Sender ids are keyed hashes: stable per key, different across keys and channels, no number."""

from __future__ import annotations

import pytest

from channels import identity


@pytest.fixture()
def key(monkeypatch):
    def use(value: str) -> None:
        monkeypatch.setenv(identity.KEY_ENV, value)
        identity.reset_key_cache()

    yield use
    identity.reset_key_cache()


def test_stable_and_without_the_number(key):
    key("k1")
    first = identity.pseudonymize("wa", "+9779812345678")
    assert first == identity.pseudonymize("wa", "+9779812345678")
    assert "9812345678" not in first and first.startswith("wa-")
    assert first != identity.pseudonymize("twilio", "+9779812345678")
    key("k2")
    assert identity.pseudonymize("wa", "+9779812345678") != first


def test_a_local_key_is_created_once_with_private_permissions(tmp_path, monkeypatch):
    monkeypatch.delenv(identity.KEY_ENV, raising=False)
    path = tmp_path / "sender.key"
    monkeypatch.setenv(identity.KEY_FILE_ENV, str(path))
    identity.reset_key_cache()
    first = identity.pseudonymize("wa", "123")
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    identity.reset_key_cache()
    assert identity.pseudonymize("wa", "123") == first
    identity.reset_key_cache()

"""Rasa's structured logs lose the user's words; its text-quoting warnings are silenced."""

from __future__ import annotations

import warnings

import rasa.shared.utils.io
import structlog

from privacy import logs


def test_text_keys_are_replaced_by_their_size() -> None:
    event = {"event": "processor.message", "text": "my number is 0771234567", "level": "info"}
    out = logs.redact_event(None, "info", dict(event))
    assert "0771234567" not in str(out)
    assert out["text"] == "<redacted 23 chars>"
    assert out["event"] == "processor.message"


def test_install_is_idempotent_and_first() -> None:
    logs.install()
    logs.install()
    processors = structlog.get_config()["processors"]
    assert processors.count(logs.redact_event) == 1
    assert processors[0] is logs.redact_event


def test_regex_handler_warning_with_the_line_is_silenced() -> None:
    logs.install()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        logs.install()  # catch_warnings reset the filters: install again inside
        rasa.shared.utils.io.raise_warning("Failed to parse arguments in line '/lang 0771234567'.")
        rasa.shared.utils.io.raise_warning("Some other warning")
    texts = [str(w.message) for w in caught]
    assert texts == ["Some other warning"]

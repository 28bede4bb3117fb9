"""Keep what people write out of the server's logs.

Rasa 3.6 logs user text in a few places at WARNING or ERROR: its `/intent` regex handler warns
with the whole line ("/lang ar", "/anything"), the REST channel logs the message on an exception,
and several structured events carry `text`, `user_text` or parsed messages. Rasa's own anonymizer
only works with a Rasa Pro plugin, so we install two guards in the Rasa server process: a structlog
processor that replaces those values by their length, and warning filters for the text-bearing
warnings. `install()` is idempotent and is called when Rasa imports our channels and NLU
components, i.e. after Rasa configured its logging.
"""

from __future__ import annotations

import warnings
from typing import Any

# The keys Rasa's own anonymizer would treat (rasa/utils/log_utils.py), plus parse results.
TEXT_KEYS = frozenset(
    {
        "text",
        "response_text",
        "user_text",
        "slot_values",
        "parse_data",
        "parse_data_text",
        "parse_data_entities",
        "prediction_events",
        "tracker_latest_message",
        "prefilled_slots",
        "message",
        "response",
        "slot_candidates",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "successes",
        "current_entity",
        "next_entity",
        "states",
        "entity",
        "token_text",
        "user_message",
        "json_message",
    }
)

# Rasa warnings whose message quotes the user's line (yaml_story_reader.unpack_regex_message).
TEXT_WARNINGS = (r"Failed to parse arguments in line",)


def redact(value: Any) -> str:
    """What is left of a value that may hold someone's words: its size, for debugging."""
    return f"<redacted {len(str(value))} chars>"


def redact_event(_logger: Any, _method: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    """structlog processor: replace every text-bearing value, whatever the level."""
    for key in TEXT_KEYS.intersection(event_dict):
        event_dict[key] = redact(event_dict[key])
    return event_dict


def install() -> None:
    """Put the guards in place in this process (safe to call many times)."""
    try:
        import structlog
    except ImportError:  # the action server does not need structlog
        structlog = None
    if structlog is not None:
        processors = list(structlog.get_config().get("processors", []))
        if redact_event not in processors:
            structlog.configure(processors=[redact_event, *processors])
    for pattern in TEXT_WARNINGS:
        warnings.filterwarnings("ignore", message=pattern)

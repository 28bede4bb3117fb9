"""What every action needs: the store, the user's profile and language, and a way to reply.

Actions stay a few lines each: they read the tracker, ask the engine, and send what the i18n
layer rendered. The store is opened once per process; an empty store is compiled from the
tables so a fresh checkout answers without a manual step.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from engine.resolve import Profile, Resolution, resolve
from engine.store import Store, compile_tables
from i18n.catalog import Translator
from i18n.languages import channel_fields, mark, user_language
from i18n.render import Message

logger = logging.getLogger(__name__)

PROFILE_SLOTS = ("status", "sector", "origin", "destination")


@lru_cache(maxsize=1)
def store() -> Store:
    opened = Store.open()
    if opened.is_empty():
        _, version = compile_tables()
        if version is None:
            raise RuntimeError("the entitlement tables have errors: run `entitlements validate`")
        logger.info("compiled entitlement table version %s", version.content_hash)
    return opened


def profile(tracker: Tracker) -> Profile:
    return Profile(*(tracker.get_slot(name) for name in PROFILE_SLOTS))


def language(tracker: Tracker) -> str:
    """The language to answer in: chosen (slot) > declared by the channel (metadata) > English."""
    metadata = (tracker.latest_message or {}).get("metadata")
    return user_language(tracker.get_slot("language"), metadata)


def translator(tracker: Tracker) -> Translator:
    return Translator(language(tracker))


def resolution(tracker: Tracker) -> Resolution:
    return resolve(store(), profile(tracker))


def say(
    dispatcher: CollectingDispatcher,
    t: Translator,
    text: str,
    buttons: list[dict[str, str]] | None = None,
) -> None:
    """Send one message in `t`'s language, marked for right-to-left channels where needed."""
    dispatcher.utter_message(
        text=mark(text, t.language), buttons=buttons or None, **channel_fields(t.language)
    )


def send(dispatcher: CollectingDispatcher, t: Translator, messages: Iterable[Message]) -> None:
    for message in messages:
        say(dispatcher, t, message.text, message.buttons)

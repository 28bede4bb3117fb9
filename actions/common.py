"""What every action needs: the store, the user's profile and language, and a way to reply.

Actions stay a few lines each: they read the tracker, ask the engine, and send what the i18n
layer rendered. The store is opened once per process and kept up to date with the table files by
`engine.live.LiveTables` (an empty store is compiled at once, so a fresh checkout answers without a
manual step; later edits go live within about two seconds, a broken edit never does).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import cache, lru_cache

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from engine import settings
from engine.live import LiveTables
from engine.resolve import Profile, Resolution, resolve
from engine.store import Store
from i18n.catalog import Translator
from i18n.languages import channel_fields, mark, user_language
from i18n.render import Message

logger = logging.getLogger(__name__)

PROFILE_SLOTS = ("status", "sector", "origin", "destination")


@cache
def _live(url: str, root: str) -> LiveTables:
    return LiveTables(Store.open(url), root).start()


def live() -> LiveTables:
    """The watcher of this process's store and tables (started on first use)."""
    return _live(settings.database_url(), str(settings.tables_dir()))


@lru_cache(maxsize=1)
def store() -> Store:
    opened = live().store
    if opened.is_empty():
        raise RuntimeError("the entitlement tables have errors: run `entitlements validate`")
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
    """Resolve on one table version: if an edit went live meanwhile, resolve again."""
    for _ in range(3):
        result = resolve(store(), profile(tracker))
        if store().version().id == result.version.id:
            break
    return result


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

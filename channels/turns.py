"""What every channel does around one turn: clean and cap what arrives, never answer with silence.

Intake. A message is cleaned before the NLU sees it (`clean`): control characters, stray
formatting characters, lone surrogates and non-characters go; line breaks become "\\n"; what
scripts need stays (ZERO WIDTH JOINER and NON-JOINER for Devanagari, Bengali and Persian-style
Urdu, the direction marks LRM/RLM/ALM, emoji tags and variation selectors); the text is put in
NFC. A text longer than `MAX_CHARS` is not fed to the NLU at all: the person is asked, in their
language, for a shorter message (`too_long_text`). Nothing here logs the text.

Degradation. When the action server is down, hangs or fails, Rasa logs an exception and sends
nothing: the person would wait for an answer that never comes. `run_turn` runs one turn and
reports why it needs the fallback:
- `action_server`: a custom action failed in this turn (connection refused, 5xx, or no answer
  within the action endpoint's `timeout`). `install()` wraps Rasa's `RemoteAction.run` once per
  process to notice it (a form's "400 rejection" is normal dialogue and does not count), to apply
  the timeout (Rasa 3.6 waits 5 minutes, whatever endpoints.yml says; `within` does not count
  time the event loop spent on other conversations, so load alone does not trip it), and to fail
  the turn's later custom actions at once, so a hung action server costs one timeout, not ten.
  A call whose connection failed before the request was sent (refused, reset while writing)
  is tried once more: the action did not run.
- `slow`: the turn took longer than `TURN_DEADLINE` seconds (a last resort: an overloaded
  server). It is not cancelled (the tracker stays whole and late replies still reach a messaging
  app); the person gets the fallback now.
- `error`: the turn raised.
- a silent turn (nothing said, nothing failed): a quick health check of the action server
  decides between `action_server` (the "cannot look this up" fallback) and `no_reply` (a plain
  "say it another way").
The fallback (`fallback_text`) is in the person's language (tracker slot > channel metadata >
the channel's hint > English) and names a hotline that can help: the destination's (and the
origin's) hotlines from the entitlement store the action server compiled (same DATABASE_URL),
else a general line from the catalogs (embassy, local emergency number).
"""

from __future__ import annotations

import asyncio
import contextvars
import logging
import time
import unicodedata
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import aiohttp
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import UserMessage
from rasa.shared.exceptions import RasaException

from engine import settings
from engine.model import Institution
from engine.resolve import Profile, resolve
from engine.store import Store
from i18n.catalog import SOURCE_LANGUAGE, Translator
from i18n.languages import mark, metadata_language, supported
from i18n.names import is_rtl

logger = logging.getLogger(__name__)

MAX_CHARS = 4096  # what WhatsApp itself accepts; far more than any question needs
TURN_DEADLINE = 30.0  # seconds until the person gets the fallback, whatever the turn does
DEFAULT_ACTION_TIMEOUT = 5.0  # when endpoints.yml's action_endpoint sets no `timeout`
HEALTH_TIMEOUT = 1.0
TIMEOUT_STEP = 0.25  # how often `within` looks at the clock
RETRY_PAUSE = 0.2  # before the one retry of a call whose connection failed before sending
MAX_HOTLINES = 3
CONTACT_FIELDS = ("phone", "whatsapp", "sms")  # what someone can call or write to at once

# Formatting characters that scripts and mixed-direction text need; every other one goes.
KEEP_FORMAT = frozenset(
    "\u200c"  # ZERO WIDTH NON-JOINER (Persian-style Urdu, Bengali, Devanagari half forms)
    "\u200d"  # ZERO WIDTH JOINER (conjuncts, emoji sequences)
    "\u200e\u200f\u061c"  # LEFT-TO-RIGHT, RIGHT-TO-LEFT and ARABIC LETTER MARK
)
NEWLINES = ("\r\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c")


# ---------------------------------------------------------------------------------------------
# Intake


def _kept(char: str) -> bool:
    if char in "\n\t":
        return True
    category = unicodedata.category(char)
    if category in ("Cc", "Cs"):  # control characters; lone surrogates ("\\ud800" in JSON)
        return False
    if category == "Cf":
        # emoji tag sequences (subdivision flags) are Cf too, and harmless
        return char in KEEP_FORMAT or 0xE0020 <= ord(char) <= 0xE007F
    code = ord(char)
    return not (0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE)  # non-characters


def clean(text: str) -> str:
    """The text a person meant: no control characters, one kind of line break, NFC, trimmed."""
    for newline in NEWLINES:
        text = text.replace(newline, "\n")
    kept = "".join(char for char in text if _kept(char)).replace("\t", " ")
    return unicodedata.normalize("NFC", kept).strip()


def too_long(text: str) -> bool:
    return len(text) > MAX_CHARS


def too_long_text(language: str) -> str:
    t = Translator(language)
    return mark(t.text("input.too_long", limit=MAX_CHARS), t.language)


# ---------------------------------------------------------------------------------------------
# What the bot knows about the person (from the tracker store, without creating a tracker)


@dataclass(frozen=True)
class Known:
    language: str | None = None
    origin: str | None = None
    destination: str | None = None


async def known(agent: Any, sender_id: str) -> Known:
    """The person's language and corridor slots, if Rasa has a conversation with them.

    `retrieve` never creates a conversation; any failure of the store means "nothing known":
    a fallback must not fail because the store is what is broken.
    """
    store = getattr(agent, "tracker_store", None)
    if store is None:
        return Known()
    try:
        tracker = await store.retrieve(sender_id)
    except Exception:
        logger.warning("the tracker store could not be read for a fallback", exc_info=True)
        return Known()
    if tracker is None:
        return Known()

    def slot(name: str) -> str | None:
        try:
            value = tracker.get_slot(name)
        except Exception:  # a slot this domain does not have
            return None
        return value if isinstance(value, str) and value else None

    return Known(slot("language"), slot("origin"), slot("destination"))


def answer_language(
    known_: Known, metadata: Mapping[str, Any] | None = None, hint: str | None = None
) -> str:
    """Chosen (slot) > declared by the channel (metadata) > the channel's own hint > English."""
    return (
        supported(known_.language)
        or metadata_language(metadata)
        or supported(hint)
        or SOURCE_LANGUAGE
    )


# ---------------------------------------------------------------------------------------------
# Hotlines from the entitlement store


@lru_cache(maxsize=4)
def _store(url: str) -> Store:
    return Store.open(url)


def entitlement_store() -> Store:
    """The store the action server compiles (same DATABASE_URL), opened once per process."""
    return _store(settings.database_url())


def _rank(item: Institution, destination: str | None) -> tuple:
    return (
        "emergency" not in item.roles,
        "help" not in item.roles,
        item.kind != "hotline",
        item.where != destination,
        item.id,
    )


def hotlines(
    store: Store, origin: str | None, destination: str | None, limit: int = MAX_HOTLINES
) -> list[Institution]:
    """Who a person can call or write to now: emergency lines first, then help hotlines.

    With a destination, its offices and the origin's offices there or at home (the engine's own
    `resolve`, so the fallback names what the answers name); with only an origin, the origin's.
    Only entries with a phone, WhatsApp or SMS number: a web site is no help in a hurry.
    """
    if not (origin or destination):
        return []
    res = resolve(store, Profile(origin=origin, destination=destination))
    seen: dict[str, Institution] = {}
    for item in [*res.emergency, *res.help, *res.complain]:
        if item.id not in seen and any(getattr(item, name) for name in CONTACT_FIELDS):
            seen[item.id] = item
    return sorted(seen.values(), key=lambda item: _rank(item, destination))[:limit]


def _isolate(value: str, language: str) -> str:
    """A number stays left-to-right inside a right-to-left line (FIRST STRONG ISOLATE)."""
    return f"\u2068{value}\u2069" if is_rtl(language) else value


def contact_lines(items: Iterable[Institution], t: Translator) -> list[str]:
    lines = []
    for item in items:
        ways = [
            t.text(f"contact.{name}", value=_isolate(getattr(item, name), t.language))
            for name in CONTACT_FIELDS
            if getattr(item, name)
        ]
        lines.append(t.text("contact.line", name=t.table(item.name)))
        lines.append("  " + "; ".join(ways))
    return lines


def fallback_text(language: str, contacts: list[Institution], cause: str) -> str:
    """What the person reads instead of silence, in their language."""
    t = Translator(language)
    if cause == "no_reply":
        return mark(t.text("fallback.no_reply"), t.language)
    lines = [t.text("fallback.unavailable")]
    if contacts:
        lines += [t.text("fallback.call"), *contact_lines(contacts, t)]
    else:
        lines.append(t.text("fallback.general"))
    return mark("\n".join(lines), t.language)


async def fallback(
    agent: Any,
    sender_id: str,
    cause: str,
    metadata: Mapping[str, Any] | None = None,
    hint: str | None = None,
) -> tuple[str, str]:
    """(text, language) of the fallback for this person; the store is asked, never trusted."""
    found = await known(agent, sender_id)
    language = answer_language(found, metadata, hint)
    contacts: list[Institution] = []
    if cause != "no_reply":
        try:
            contacts = hotlines(entitlement_store(), found.origin, found.destination)
        except Exception:  # an empty or unreachable store: the general line
            logger.warning("no hotline from the entitlement store for a fallback", exc_info=True)
    return fallback_text(language, contacts, cause), language


# ---------------------------------------------------------------------------------------------
# Running a turn


@dataclass
class TurnState:
    """What happened to the custom actions of one turn (shared with the tasks it spawns)."""

    failed: bool = False


_TURN: contextvars.ContextVar[TurnState | None] = contextvars.ContextVar("turn", default=None)
_ORIGINAL_RUN: Callable[..., Awaitable[Any]] | None = None
_RUNNING: set[asyncio.Task] = set()  # turns past their deadline, still finishing


def action_timeout(endpoint: Any) -> float:
    """`timeout:` of the action endpoint in endpoints.yml (seconds), else the default."""
    value = (getattr(endpoint, "kwargs", None) or {}).get("timeout")
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        return DEFAULT_ACTION_TIMEOUT
    return seconds if seconds > 0 else DEFAULT_ACTION_TIMEOUT


async def within(awaitable: Awaitable[Any], seconds: float, step: float = TIMEOUT_STEP) -> Any:
    """`awaitable`'s result, or asyncio.TimeoutError once `seconds` were spent waiting for it.

    Unlike `asyncio.wait_for`, time the event loop spent on other work does not count: Rasa
    runs the NLU of every conversation in its one event loop, so under load an action's answer
    can wait unread for seconds. That wait is not the action server's fault and must not turn
    every answer into the fallback; a hung action server in a quiet loop still costs `seconds`.
    The wait is checked every `step`; a check that comes late is charged `step` only.
    """
    loop = asyncio.get_running_loop()
    task = asyncio.ensure_future(awaitable)
    charged = 0.0
    try:
        while True:
            started = loop.time()
            done, _ = await asyncio.wait({task}, timeout=min(step, seconds - charged))
            if done:
                return task.result()
            charged += min(loop.time() - started, step)
            if charged >= seconds - 1e-3:
                raise asyncio.TimeoutError
    finally:
        if not task.done():
            task.cancel()


def _not_sent(error: BaseException) -> bool:
    """True when the request never reached the action server (refused, or reset while sending).

    Rasa opens a new connection per call; under load one may be reset before the body is out.
    Then the action did not run and calling it again is safe; after that, it may have run.
    """
    cause = error.__cause__ or error.__context__  # Rasa raises it inside `except`, no `from`
    if isinstance(cause, aiohttp.ClientConnectorError):
        return True
    return isinstance(cause, aiohttp.ClientOSError) and "write request body" in str(cause)


async def _run_once_more_if_not_sent(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
    assert _ORIGINAL_RUN is not None
    try:
        return await _ORIGINAL_RUN(self, *args, **kwargs)
    except RasaException as error:
        if isinstance(error, ActionExecutionRejection) or not _not_sent(error):
            raise
        logger.info("custom action '%s': connection failed, trying once more", self.name())
        await asyncio.sleep(RETRY_PAUSE)
        return await _ORIGINAL_RUN(self, *args, **kwargs)


async def _guarded_run(self: RemoteAction, *args: Any, **kwargs: Any) -> Any:
    turn = _TURN.get()
    if turn is not None and turn.failed:
        raise RasaException(
            f"custom action '{self.name()}' skipped: the action server failed earlier in this turn"
        )
    seconds = action_timeout(self.action_endpoint)
    try:
        return await within(_run_once_more_if_not_sent(self, *args, **kwargs), seconds)
    except ActionExecutionRejection:  # a form refusing a value: dialogue, not a failure
        raise
    except asyncio.TimeoutError:
        if turn is not None:
            turn.failed = True
        raise RasaException(
            f"custom action '{self.name()}': the action server did not answer in {seconds:g} s"
        ) from None
    except Exception:
        if turn is not None:
            turn.failed = True
        raise


def install() -> None:
    """Wrap Rasa's `RemoteAction.run` (once per process): timeout, failure flag, fail-fast.

    Rasa 3.6 calls the action server with `timeout=DEFAULT_REQUEST_TIMEOUT` (300 s) and offers
    no setting for it; `EndpointConfig` keeps unknown keys of endpoints.yml in `kwargs`, which
    is where `action_timeout` reads `timeout:` from.
    """
    global _ORIGINAL_RUN
    if _ORIGINAL_RUN is None:
        _ORIGINAL_RUN = RemoteAction.run
        RemoteAction.run = _guarded_run  # type: ignore[method-assign]


async def action_server_up(agent: Any) -> bool:
    """GET <action server>/health within a second (True when no action server is configured)."""
    endpoint = getattr(agent, "action_endpoint", None)
    url = getattr(endpoint, "url", None)
    if not url:
        return True
    health = url.rsplit("/webhook", 1)[0].rstrip("/") + "/health"
    try:
        timeout = aiohttp.ClientTimeout(total=HEALTH_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(health) as answer:
                return answer.status < 500
    except (aiohttp.ClientError, asyncio.TimeoutError):
        return False


async def run_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    replied: Callable[[], bool],
    agent: Any = None,
    deadline: float = TURN_DEADLINE,
) -> str | None:
    """Run one turn; None when it went well, else why the person needs the fallback.

    The causes are `action_server`, `slow` and `error` (see the module docstring), and for a
    silent turn `action_server` when its health check fails, else `no_reply` (the dialogue
    chose to say nothing: the person is asked to say it another way).
    """
    install()
    state = TurnState()
    token = _TURN.set(state)
    try:  # the task copies the context now: its custom actions report to `state`
        task = asyncio.ensure_future(on_new_message(message))
    finally:
        _TURN.reset(token)
    started = time.perf_counter()
    cause: str | None = None
    try:
        await asyncio.wait_for(asyncio.shield(task), deadline)
    except asyncio.TimeoutError:
        cause = "slow"
        _RUNNING.add(task)
        task.add_done_callback(_finished_late)
    except Exception:  # the traceback only: never the person's text
        logger.exception("%s: a turn failed", message.input_channel)
        cause = "error"
    if state.failed:
        cause = "action_server"
    elif cause is None and not replied():
        cause = "no_reply" if await action_server_up(agent) else "action_server"
    if cause:
        logger.warning(
            "%s: a turn needs the fallback (%s) after %.1f s",
            message.input_channel,
            cause,
            time.perf_counter() - started,
        )
    return cause


def _finished_late(task: asyncio.Task) -> None:
    _RUNNING.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.warning("a turn past its deadline failed: %s", type(task.exception()).__name__)


__all__ = [
    "MAX_CHARS",
    "TURN_DEADLINE",
    "Known",
    "action_server_up",
    "action_timeout",
    "answer_language",
    "app_too_long",
    "app_turn",
    "clean",
    "fallback",
    "fallback_text",
    "hotlines",
    "install",
    "known",
    "run_turn",
    "too_long",
    "too_long_text",
]


# ---------------------------------------------------------------------------------------------
# Messaging apps (WhatsApp Cloud API, Twilio): replies go out through the output channel


async def app_too_long(
    agent: Any,
    sender_id: str,
    hint: str | None,
    deliver: Callable[[str, str], Awaitable[None]],
) -> None:
    """Ask for a shorter message, in the person's language (tracker slot, else the hint)."""
    language = answer_language(await known(agent, sender_id), None, hint)
    await deliver(too_long_text(language), language)


async def app_turn(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    agent: Any,
    said: Callable[[], int],
    deliver: Callable[[str, str], Awaitable[None]],
    hint: str | None = None,
) -> None:
    """One turn of a messaging app; `deliver(text, language)` sends the fallback if needed.

    `said` counts what the bot sent in this turn; `hint` is the language of the bot's latest
    message to this person (the channel remembers it), used when the tracker says nothing.
    """
    cause = await run_turn(on_new_message, message, lambda: said() > 0, agent)
    if cause:
        text, language = await fallback(agent, message.sender_id, cause, message.metadata, hint)
        await deliver(text, language)

"""channels.turns without Rasa's server: cleaning and capping, hotlines, fallbacks, guarded turns.

The guarded-turn tests use Rasa's real `RemoteAction` against real local HTTP servers (aiohttp
on 127.0.0.1): one that refuses connections, one that never answers, one that rejects (400).
"""

from __future__ import annotations

import asyncio
import socket
import time
import unicodedata
from collections.abc import Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import pytest
from aiohttp import web
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig

from channels import turns
from engine.store import Store
from i18n.catalog import Translator
from i18n.languages import RLM


@pytest.fixture(scope="module")
def store() -> Store:
    return Store.from_tables("entitlements")


# -- intake ---------------------------------------------------------------------------------------


def test_clean_drops_control_characters_and_unifies_line_breaks():
    assert turns.clean("he\x00llo\x1b[31m\x7f") == "hello[31m"
    assert turns.clean("one\r\ntwo\rthree\u2028four\x85five") == "one\ntwo\nthree\nfour\nfive"
    assert turns.clean("  a\tb  \n") == "a b"
    assert turns.clean("\x00\x01\u200b\ufeff ") == ""


def test_clean_keeps_what_scripts_need():
    nepali = "क्\u200dष मेरो अधिकार"  # ZERO WIDTH JOINER inside a conjunct
    bengali = "র\u200cযাব"  # ZERO WIDTH NON-JOINER
    arabic = "\u200fحقوقي في قطر"  # RIGHT-TO-LEFT MARK
    family = "👩\u200d👩\u200d👧"  # an emoji ZWJ sequence
    scotland = "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"  # tag sequence
    for text in (nepali, bengali, arabic, family, scotland, "Qatar ✅ 16008", "¿Qué derechos?"):
        assert turns.clean(text) == unicodedata.normalize("NFC", text)


def test_clean_drops_bidi_overrides_surrogates_and_noncharacters_and_composes():
    assert turns.clean("abc\u202edcba\u202c") == "abcdcba"
    assert turns.clean("bad \ud800 surrogate") == "bad  surrogate"
    assert turns.clean("x\uffff\U0010fffe\ufdd0y") == "xy"
    assert turns.clean("cafe\u0301") == "café"  # NFC: one code point
    assert turns.clean("soft\u00adhyphen") == "softhyphen"


def test_the_cap_is_exact():
    assert not turns.too_long("a" * turns.MAX_CHARS)
    assert turns.too_long("a" * (turns.MAX_CHARS + 1))


@pytest.mark.parametrize("language", ["en", "ar", "ne", "fr"])
def test_too_long_text_is_in_the_language_with_the_limit(language):
    said = turns.too_long_text(language)
    assert str(turns.MAX_CHARS) in said
    assert said.lstrip(RLM) == Translator(language).text("input.too_long", limit=turns.MAX_CHARS)
    assert said.startswith(RLM) == (language == "ar")


# -- hotlines and fallbacks -----------------------------------------------------------------------


def test_hotlines_are_reachable_contacts_of_the_corridor(store):
    found = turns.hotlines(store, "NP", "QA")
    assert 1 <= len(found) <= turns.MAX_HOTLINES
    for item in found:
        assert item.where in ("NP", "QA") and item.country in ("NP", "QA")
        assert item.phone or item.whatsapp or item.sms
        assert set(item.roles) & {"help", "emergency", "complain"}
    # help lines before complaint-only lines
    helps = ["help" in item.roles for item in found]
    assert helps == sorted(helps, reverse=True)


def test_an_emergency_line_comes_first(store):
    found = turns.hotlines(store, "PH", "SA")
    emergency = [item for item in found if "emergency" in item.roles]
    assert emergency and found[0] is emergency[0]


def test_no_corridor_no_hotline(store):
    assert turns.hotlines(store, None, None) == []


def test_fallback_text_names_the_hotlines_in_the_language(store):
    contacts = turns.hotlines(store, "NP", "QA")
    english = turns.fallback_text("en", contacts, "action_server")
    t = Translator("en")
    assert english.startswith(t.text("fallback.unavailable"))
    assert t.text("fallback.call") in english
    for item in contacts:
        assert t.table(item.name) in english
        assert any(value and value in english for value in (item.phone, item.whatsapp, item.sms))
    arabic = turns.fallback_text("ar", contacts, "action_server")
    assert all(line.startswith(RLM) for line in arabic.split("\n"))
    assert Translator("ar").text("fallback.unavailable") in arabic
    number = next(item.phone or item.whatsapp for item in contacts if item.phone or item.whatsapp)
    assert f"\u2068{number}\u2069" in arabic  # a number stays left-to-right in an RTL line


def test_without_contacts_the_general_line():
    said = turns.fallback_text("ne", [], "slow")
    t = Translator("ne")
    assert said == t.text("fallback.unavailable") + "\n" + t.text("fallback.general")
    assert turns.fallback_text("es", [], "no_reply") == Translator("es").text("fallback.no_reply")


class FakeTracker:
    def __init__(self, slots: dict[str, Any]) -> None:
        self.slots = slots

    def get_slot(self, name: str) -> Any:
        return self.slots.get(name)


class FakeTrackerStore:
    def __init__(self, trackers: dict[str, FakeTracker], broken: bool = False) -> None:
        self.trackers, self.broken = trackers, broken

    async def retrieve(self, sender_id: str) -> FakeTracker | None:
        if self.broken:
            raise ConnectionError("database down")
        return self.trackers.get(sender_id)


class FakeAgent:
    def __init__(self, trackers=None, broken=False, action_url: str | None = None) -> None:
        self.tracker_store = FakeTrackerStore(trackers or {}, broken)
        self.action_endpoint = EndpointConfig(action_url) if action_url else None


def test_fallback_reads_language_and_corridor_from_the_tracker(store, monkeypatch):
    monkeypatch.setattr(turns, "entitlement_store", lambda: store)
    agent = FakeAgent({"p": FakeTracker({"language": "ne", "origin": "NP", "destination": "QA"})})
    text, language = asyncio.run(turns.fallback(agent, "p", "action_server", {"language": "fr"}))
    assert language == "ne"  # the chosen language beats the channel's
    assert text == turns.fallback_text("ne", turns.hotlines(store, "NP", "QA"), "action_server")


def test_fallback_for_a_stranger_uses_metadata_then_hint_then_english(store, monkeypatch):
    monkeypatch.setattr(turns, "entitlement_store", lambda: store)
    agent = FakeAgent()
    _, language = asyncio.run(turns.fallback(agent, "x", "slow", {"languages": ["ar-EG"]}))
    assert language == "ar"
    _, language = asyncio.run(turns.fallback(agent, "x", "slow", None, hint="bn"))
    assert language == "bn"
    text, language = asyncio.run(turns.fallback(None, "x", "slow"))
    assert language == "en" and Translator("en").text("fallback.general") in text


def test_fallback_survives_a_broken_tracker_store_and_an_empty_entitlement_store(monkeypatch):
    monkeypatch.setattr(turns, "entitlement_store", lambda: Store.open("sqlite://"))
    agent = FakeAgent({"p": FakeTracker({"destination": "QA"})})
    text, language = asyncio.run(turns.fallback(agent, "p", "action_server"))
    assert language == "en" and Translator("en").text("fallback.general") in text
    text, _ = asyncio.run(turns.fallback(FakeAgent(broken=True), "p", "error"))
    assert Translator("en").text("fallback.general") in text


# -- guarded turns against real local HTTP servers ------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@asynccontextmanager
async def action_server(handler: Callable[[web.Request], Awaitable[web.StreamResponse]]):
    """A local stand-in for the action server: /webhook runs `handler`, /health answers 200."""
    app = web.Application()
    app.router.add_post("/webhook", handler)
    app.router.add_get("/health", lambda _: asyncio.sleep(0, web.json_response({"ok": True})))
    runner = web.AppRunner(app)
    await runner.setup()
    port = free_port()
    site = web.TCPSite(runner, "127.0.0.1", port)
    await site.start()
    try:
        yield f"http://127.0.0.1:{port}/webhook"
    finally:
        await runner.cleanup()


async def hang(_: web.Request) -> web.StreamResponse:
    await asyncio.sleep(30)
    return web.json_response({})


async def reject(_: web.Request) -> web.StreamResponse:
    return web.json_response({"action_name": "validate_x", "error": "no"}, status=400)


def remote(name: str, url: str, timeout: float | None = None) -> RemoteAction:
    kwargs = {"timeout": timeout} if timeout is not None else {}
    return RemoteAction(name, EndpointConfig(url, **kwargs))


def turn_calling(*actions: RemoteAction, reply: str | None = None):
    """A stand-in for Rasa's message handler: runs the actions like the processor does."""
    errors: list[Exception] = []

    async def on_new_message(message: UserMessage) -> None:
        tracker = DialogueStateTracker(message.sender_id, [])
        for action in actions:
            try:
                await action.run(message.output_channel, None, tracker, Domain.empty())
            except Exception as error:  # the processor logs and goes on
                errors.append(error)
        if reply:
            await message.output_channel.send_text_message(message.sender_id, reply)

    return on_new_message, errors


def run_collecting(on_new_message, agent=None, deadline: float = turns.TURN_DEADLINE):
    collector = CollectingOutputChannel()
    message = UserMessage("hello", collector, "rest-1", input_channel="rest")

    async def go() -> str | None:
        return await turns.run_turn(
            on_new_message, message, lambda: bool(collector.messages), agent, deadline
        )

    return asyncio.run(go()), collector


def test_a_turn_that_replied_needs_no_fallback():
    async def on_new_message(message: UserMessage) -> None:
        await message.output_channel.send_text_message(message.sender_id, "Hi")

    cause, collector = run_collecting(on_new_message)
    assert cause is None and collector.messages[0]["text"] == "Hi"


def test_an_action_server_that_is_down_is_noticed_even_when_something_was_said():
    url = f"http://127.0.0.1:{free_port()}/webhook"  # nothing listens there
    on_new_message, errors = turn_calling(remote("action_a", url), reply="Thanks")
    cause, _ = run_collecting(on_new_message)
    assert cause == "action_server" and len(errors) == 1


def test_a_hung_action_server_costs_one_timeout_then_later_actions_fail_fast():
    async def go() -> tuple[str | None, list[Exception], float]:
        async with action_server(hang) as url:
            on_new_message, errors = turn_calling(
                remote("action_a", url, 0.5), remote("action_b", url, 0.5)
            )
            collector = CollectingOutputChannel()
            message = UserMessage("hi", collector, "rest-2", input_channel="rest")
            started = time.perf_counter()
            cause = await turns.run_turn(on_new_message, message, lambda: False)
            return cause, errors, time.perf_counter() - started

    cause, errors, seconds = asyncio.run(go())
    assert cause == "action_server"
    assert "did not answer in 0.5 s" in str(errors[0])
    assert "skipped" in str(errors[1])  # no second wait
    assert 0.45 < seconds < 1.5


def test_a_rejection_is_dialogue_not_a_failure():
    async def go() -> tuple[str | None, list[Exception]]:
        async with action_server(reject) as url:
            on_new_message, errors = turn_calling(remote("validate_x", url), reply="Which one?")
            collector = CollectingOutputChannel()
            message = UserMessage("hi", collector, "rest-3", input_channel="rest")
            return await turns.run_turn(on_new_message, message, lambda: True), errors

    cause, errors = asyncio.run(go())
    assert cause is None and isinstance(errors[0], ActionExecutionRejection)


def test_a_slow_turn_gets_the_fallback_at_the_deadline_and_still_finishes():
    async def go():
        collector = CollectingOutputChannel()
        finished = asyncio.Event()

        async def on_new_message(message: UserMessage) -> None:
            await asyncio.sleep(0.4)
            await message.output_channel.send_text_message(message.sender_id, "late")
            finished.set()

        message = UserMessage("hi", collector, "rest-4", input_channel="rest")
        started = time.perf_counter()
        cause = await turns.run_turn(on_new_message, message, lambda: False, None, 0.1)
        waited = time.perf_counter() - started
        await asyncio.wait_for(finished.wait(), 2)  # not cancelled: the tracker stays whole
        return cause, waited, collector.messages

    cause, waited, messages = asyncio.run(go())
    assert cause == "slow" and waited < 0.3 and messages[0]["text"] == "late"


def test_a_turn_that_raises_gets_the_fallback(caplog):
    async def on_new_message(message: UserMessage) -> None:
        raise RuntimeError("boom")

    cause, _ = run_collecting(on_new_message)
    assert cause == "error"
    assert "hello" not in caplog.text  # never the person's text in the log


def test_a_silent_turn_asks_the_action_server_how_it_is():
    async def silent(message: UserMessage) -> None:
        return None

    down = FakeAgent(action_url=f"http://127.0.0.1:{free_port()}/webhook")
    assert run_collecting(silent, down)[0] == "action_server"

    async def go() -> str | None:
        async with action_server(hang) as url:
            collector = CollectingOutputChannel()
            message = UserMessage("hi", collector, "rest-5", input_channel="rest")
            return await turns.run_turn(silent, message, lambda: False, FakeAgent(action_url=url))

    assert asyncio.run(go()) == "no_reply"  # up and healthy: the dialogue said nothing


def test_the_timeout_comes_from_endpoints_yml():
    assert turns.action_timeout(EndpointConfig("http://x/webhook", timeout=7)) == 7
    assert turns.action_timeout(EndpointConfig("http://x/webhook")) == turns.DEFAULT_ACTION_TIMEOUT
    assert turns.action_timeout(EndpointConfig("http://x", timeout="x")) == 5
    assert turns.action_timeout(None) == turns.DEFAULT_ACTION_TIMEOUT


def test_outside_a_channel_turn_actions_still_get_the_timeout_but_no_flag():
    async def go() -> Exception:
        turns.install()
        async with action_server(hang) as url:
            tracker = DialogueStateTracker("s", [])
            try:
                await remote("a", url, 0.2).run(
                    CollectingOutputChannel(), None, tracker, Domain.empty()
                )
            except RasaException as error:
                return error
        raise AssertionError("no timeout")

    assert "did not answer" in str(asyncio.run(go()))


def test_within_times_out_a_hung_call_in_a_quiet_loop():
    async def go() -> float:
        started = time.perf_counter()
        with pytest.raises(asyncio.TimeoutError):
            await turns.within(asyncio.sleep(5), 0.3, step=0.1)
        return time.perf_counter() - started

    assert 0.28 < asyncio.run(go()) < 0.6


def test_within_does_not_charge_the_time_the_loop_was_busy_elsewhere():
    """Rasa's NLU for other people blocks the loop: that is not the action server's fault."""

    async def busy_loop(call) -> str:
        async def other_conversations() -> None:
            time.sleep(1.0)  # synchronous work in the event loop, like an NLU pipeline

        async def answer_after_1_1_s() -> str:
            await asyncio.sleep(1.1)
            return "answered"

        answer = asyncio.ensure_future(answer_after_1_1_s())
        await asyncio.sleep(0)  # the request is out; then the loop is busy for a second
        blocker = asyncio.get_running_loop().create_task(other_conversations())
        try:
            return await call(answer)
        finally:
            await blocker

    assert asyncio.run(busy_loop(lambda aw: turns.within(aw, 0.3, step=0.1))) == "answered"
    with pytest.raises(asyncio.TimeoutError):  # what asyncio.wait_for would have done
        asyncio.run(busy_loop(lambda aw: asyncio.wait_for(aw, 0.3)))


def test_only_a_call_that_never_reached_the_action_server_is_tried_again():
    import aiohttp

    def failed(cause: BaseException) -> RasaException:
        error = RasaException("Failed to execute custom action")
        error.__cause__ = cause
        return error

    refused = aiohttp.ClientConnectorError(None, OSError(111, "refused"))  # type: ignore[arg-type]
    assert turns._not_sent(failed(refused))
    assert turns._not_sent(failed(aiohttp.ClientOSError(None, "Can not write request body for x")))
    assert not turns._not_sent(failed(aiohttp.ServerDisconnectedError()))  # it may have run
    assert not turns._not_sent(failed(aiohttp.ClientOSError(None, "reset while reading")))
    assert not turns._not_sent(RasaException("no cause"))
    try:  # how Rasa raises it: inside the `except`, without `from`
        try:
            raise aiohttp.ClientOSError(None, "Can not write request body for x")
        except aiohttp.ClientConnectionError:
            raise RasaException("Couldn't connect") from None
    except RasaException as error:
        error.__suppress_context__ = False
        assert error.__cause__ is None and turns._not_sent(error)

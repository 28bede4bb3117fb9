"""Bad input and load against the real servers (loopback only): every message answered, no 5xx.

- 50 concurrent senders × 20 messages on the REST channel, a realistic mix (greetings, profile
  answers typed and tapped, questions, garbled text, other languages and scripts): every
  request answered 200 with a non-empty reply, none of them the "cannot look this up" fallback
  (the action server is up); wall time and throughput go to test-artifacts/rest-load.json.
- hypothesis fuzzes the REST webhook and the WhatsApp webhook (signed with the test secret,
  unsigned and forged): malformed JSON, wrong types, 100,000-character messages, control
  characters, lone surrogates, mixed scripts → 4xx or a polite answer, never a 5xx, and the
  servers still answer a plain message afterwards. Example counts are bounded and the search is
  derandomized, so CI sees the same examples every run.
"""

from __future__ import annotations

import json
import random
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from channels.turns import MAX_CHARS, clean
from i18n.catalog import Translator
from i18n.languages import RLM
from tests.channels.fakes import meta_message, meta_notification, sign_meta
from tests.integration.chat_apps import SERIALS, WA_SECRET
from tests.integration.servers import ROOT

pytestmark = pytest.mark.integration

SECRET = WA_SECRET
WEBHOOK = "/webhooks/whatsapp/webhook"
LANGUAGES = ("en", "ar", "ur", "ne", "hi", "bn", "fil", "id", "am", "sw", "fr", "es")
FUZZ = settings(
    max_examples=50,
    deadline=None,
    derandomize=True,  # the same examples on every run
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


@pytest.fixture(scope="module")
def app(chat_servers):
    """The WhatsApp/Twilio server of conftest.py: the fuzzed WhatsApp webhooks need the channel."""
    return chat_servers.servers, chat_servers.graph


def fallback_lines() -> set[str]:
    """The first line of the safety net's answers, in every language: must not show up here."""
    return {
        Translator(lang).text(key)
        for lang in LANGUAGES
        for key in ("fallback.unavailable", "fallback.no_reply")
    }


def too_long_texts() -> set[str]:
    return {Translator(lang).text("input.too_long", limit=MAX_CHARS) for lang in LANGUAGES}


# -- 50 senders × 20 messages ---------------------------------------------------------------------

STATUS = '/inform{"status":"migrant_worker"}'
SECTOR = '/inform{"sector":"construction"}'
MIX = [
    ["hello", "I am a migrant worker", "construction", "Nepal", "Qatar"],
    ["hi", STATUS, SECTOR, "Philippines", "Saudi Arabia"],
    ["नमस्ते", "म कामदार हुँ", "निर्माण", "नेपाल", "कतार"],
    ["مرحبا", "أنا عامل مهاجر", "البناء", "مصر", "الأردن"],
    ["Bonjour", "je suis travailleur migrant", "agriculture", "Maroc", "Espagne"],
    ["habari", "mimi ni mfanyakazi", "kazi za nyumbani", "Kenya", "Qatar"],
]
QUESTIONS = [
    "what if I get injured at work?",
    "where do I complain?",
    "can I take my pension home?",
    "/ask_register",
    "asdkjh qwe zzz",
    "???",
    "🙂🙏",
    "mero adhikar k k chan",
    "আমার বেতন দেয় না",
    "¿Qué pasa si me enfermo?",
    "Hindi po",
    "/lang ne",
    "help",
    "ok thanks",
    "start over",
]


def script(sender: int) -> list[str]:
    """20 messages: a profile in one of six languages, then questions, typos and noise."""
    rng = random.Random(sender)  # fixed per sender: the same run every time
    profile = MIX[sender % len(MIX)]
    return profile + [rng.choice(QUESTIONS) for _ in range(20 - len(profile))]


def test_50_concurrent_senders_20_messages_each_all_answered_no_5xx(app):
    servers, _ = app
    senders, per_sender = 50, 20
    results: list[tuple[int, float, bool, bool]] = []  # status, seconds, non-empty, fallback
    lock = threading.Lock()
    fallbacks = fallback_lines()

    def converse(sender: int) -> None:
        session = requests.Session()
        for message in script(sender):
            started = time.perf_counter()
            answer = session.post(
                f"{servers.rasa_url}/webhooks/rest/webhook",
                json={"sender": f"load-{sender}", "message": message},
                timeout=120,
            )
            seconds = time.perf_counter() - started
            replies = answer.json() if answer.status_code == 200 else []
            said = [r for r in replies if r.get("text") or r.get("buttons")]
            degraded = any(
                (r.get("text") or "").lstrip(RLM).split("\n")[0] in fallbacks for r in replies
            )
            with lock:
                results.append((answer.status_code, seconds, bool(said), degraded))

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=senders) as pool:
        list(pool.map(converse, range(senders)))
    wall = time.perf_counter() - started

    statuses = [r[0] for r in results]
    latencies = sorted(r[1] for r in results)
    report = {
        "senders": senders,
        "messages_per_sender": per_sender,
        "requests": len(results),
        "wall_seconds": round(wall, 2),
        "throughput_per_second": round(len(results) / wall, 2),
        "latency_p50_seconds": round(statistics.median(latencies), 3),
        "latency_p95_seconds": round(latencies[int(0.95 * (len(latencies) - 1))], 3),
        "status_5xx": sum(s >= 500 for s in statuses),
        "not_200": sum(s != 200 for s in statuses),
        "empty_replies": sum(not r[2] for r in results),
        "fallbacks": sum(r[3] for r in results),
    }
    artifacts = ROOT / "test-artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "rest-load.json").write_text(json.dumps(report, indent=2) + "\n")
    print("\nREST load:", json.dumps(report))
    assert len(results) == senders * per_sender
    assert report["status_5xx"] == 0 and report["not_200"] == 0, report
    assert report["empty_replies"] == 0, report
    assert report["fallbacks"] == 0, report  # answered by the bot, not by the safety net


# -- fuzzing the REST webhook ---------------------------------------------------------------------

ODD_TEXT = st.one_of(
    st.text(max_size=300),  # any code points, lone surrogates and controls included
    st.text(st.characters(codec="utf-8"), max_size=300),
    st.lists(
        st.sampled_from(
            [
                "मेरो",
                "अधिकार",
                "حقوقي",
                "قطر",
                "আমার",
                "ስራ",
                "haki",
                "derechos",
                "👩‍👩‍👧",
                "\u200d",
                "\u200c",
                "\u200f",
                "\u202e",
                "\x00",
                "\x1b[2J",
                "\r\n",
                "\ufeff",
                "\ud800",
                "e\u0301",
                "ﷺ",
                "𝕳𝖊𝖑𝖑𝖔",
                "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǫ̗",
                '/inform{"status":"x"}',
                "{",
                "]",
            ]
        ),
        max_size=30,
    ).map("".join),
    st.builds(
        lambda piece, count: piece * count,
        st.sampled_from(["a", "ب", "नि", "👩‍👩‍👧", "\x00", " ", "\u200d"]),
        st.sampled_from([MAX_CHARS, MAX_CHARS + 1, 100_000]),
    ),
)
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _valid_fields(value: dict) -> bool:
    sender, message = value.get("sender"), value.get("message")
    return isinstance(sender, str) and bool(sender.strip()) and isinstance(message, str)


MALFORMED_BODIES = st.one_of(
    st.binary(max_size=500),  # not JSON, or not UTF-8
    st.sampled_from(
        [
            b"",
            b"{",
            b"[" * 50_000,  # nesting too deep to parse
            b"1" * 5000,  # an integer too long to convert
            b'{"sender": "\\ud800", "message": "hi"}',  # a sender that cannot be hashed
            b'{"sender": "a", "message": "hi", "metadata": []}',
        ]
    ),
    JSON_VALUES.filter(lambda v: not isinstance(v, dict)).map(lambda v: json.dumps(v).encode()),
    st.fixed_dictionaries(
        {},
        optional={"sender": JSON_VALUES, "message": JSON_VALUES, "metadata": JSON_VALUES},
    )
    .filter(lambda v: not _valid_fields(v))
    .map(lambda v: json.dumps(v).encode()),
)
WELL_FORMED = st.fixed_dictionaries(
    {"sender": st.text(min_size=1, max_size=40).filter(str.strip), "message": ODD_TEXT},
    optional={
        "metadata": st.fixed_dictionaries(
            {},
            optional={
                "language": st.sampled_from([*LANGUAGES, "xx", ""]) | JSON_VALUES,
                "languages": JSON_VALUES,
                "corridor": JSON_VALUES,
            },
        )
    },
)


def post_rest(servers, body: bytes) -> requests.Response:
    return requests.post(
        f"{servers.rasa_url}/webhooks/rest/webhook",
        data=body,
        headers={"Content-Type": "application/json"},
        timeout=90,
    )


def test_malformed_rest_bodies_get_400_and_a_short_json_error(app):
    servers, _ = app

    @FUZZ
    @given(MALFORMED_BODIES)
    def post(body: bytes) -> None:
        answer = post_rest(servers, body)
        assert answer.status_code == 400, (answer.status_code, answer.text[:200])
        assert set(answer.json()) == {"error"}

    post()


def test_odd_messages_get_a_polite_answer_never_5xx(app):
    servers, _ = app
    seen: dict[str, int] = {}
    too_long = too_long_texts()

    @FUZZ
    @given(WELL_FORMED)
    def post(value: dict) -> None:
        answer = post_rest(servers, json.dumps(value).encode())  # \ud800 travels escaped
        text = clean(value["message"])
        kind = "empty" if not text else "too long" if len(text) > MAX_CHARS else "turn"
        seen[kind] = seen.get(kind, 0) + 1
        if kind == "empty":  # nothing left once control characters are gone
            assert answer.status_code == 400 and set(answer.json()) == {"error"}
            return
        assert answer.status_code == 200, (answer.status_code, answer.text[:200])
        replies = answer.json()
        assert replies and all(r.get("text") or r.get("buttons") for r in replies)
        if kind == "too long":
            assert len(replies) == 1 and replies[0]["text"].lstrip(RLM) in too_long

    post()
    print("\nREST fuzz:", seen)
    assert seen.get("turn", 0) >= 10 and seen.get("too long")  # both paths were exercised
    assert servers.say("fuzz-after", "hello")  # still up and answering


def test_a_100000_character_message_gets_the_polite_answer(app):
    servers, _ = app
    for text in ("a" * 100_000, "नि" * 50_000, "ب" * 100_000):
        replies = servers.say("fuzz-long", text)
        assert len(replies) == 1 and replies[0]["text"].lstrip(RLM) in too_long_texts()
    # never fed to the NLU: the conversation has no such user message
    events = servers.tracker("fuzz-long")["events"]
    assert not [e for e in events if e["event"] == "user"]


# -- fuzzing the WhatsApp webhook -----------------------------------------------------------------

MESSAGE_KINDS = st.sampled_from(["text", "interactive", "button", "image", "audio", "reaction"])


@st.composite
def whatsapp_bodies(draw) -> bytes:
    """A notification as Meta sends it with odd content, or something else entirely."""
    choice = draw(st.integers(0, 3))
    if choice == 0:
        return draw(st.binary(max_size=300) | st.just(b"[" * 50_000) | st.just(b"{" * 3))
    if choice == 1:
        return json.dumps(draw(JSON_VALUES)).encode()
    phone = draw(
        st.sampled_from(
            ["9779800000001", "966500000009", "", "+1 (555) 0100", "x" * 300, "\ud800977"]
        )
    )
    kind = draw(MESSAGE_KINDS)
    content: dict = {}
    if kind == "text":
        content = {"body": draw(ODD_TEXT)}
    elif kind == "interactive":
        reply_type = draw(st.sampled_from(["button_reply", "list_reply"]))
        content = {"id": draw(ODD_TEXT.filter(bool)), "reply_type": reply_type}
    elif kind == "button":
        content = {"payload": draw(ODD_TEXT)}
    message = meta_message("9779800000001", next(SERIALS), kind, **content)
    if phone:
        message["from"] = phone  # also the contact's wa_id, below
    else:
        del message["from"]
    if choice == 3:  # a field of the wrong type somewhere
        field = draw(st.sampled_from(["id", "from", "timestamp", "type", "text"]))
        message[field] = draw(JSON_VALUES)
    return json.dumps(meta_notification(message)).encode()  # ensure_ascii: surrogates escaped


def test_fuzzed_whatsapp_webhooks_signed_unsigned_forged_never_5xx(app):
    servers, graph = app
    seen: dict[tuple[str, int], int] = {}

    @FUZZ
    @given(whatsapp_bodies(), st.sampled_from(["signed", "unsigned", "forged"]))
    def post(body: bytes, how: str) -> None:
        headers = {"Content-Type": "application/json"}
        if how == "signed":
            headers["X-Hub-Signature-256"] = sign_meta(SECRET, body)
        elif how == "forged":
            headers["X-Hub-Signature-256"] = sign_meta("not-the-secret", body)
        answer = requests.post(
            f"{servers.rasa_url}{WEBHOOK}", data=body, headers=headers, timeout=30
        )
        seen[(how, answer.status_code)] = seen.get((how, answer.status_code), 0) + 1
        if how == "signed":
            assert answer.status_code in (200, 400), answer.status_code
        else:
            assert answer.status_code == 403, answer.status_code

    post()
    print("\nWhatsApp fuzz statuses:", seen)
    assert seen.get(("signed", 200))
    # the background turns of the fuzzed messages are done or failing quietly: a real message
    # still gets its answer at the fake Graph API
    phone = "9779800000042"
    before = len(graph.sent(lambda r: r.body.get("to") == phone))
    body = json.dumps(meta_notification(meta_message(phone, next(SERIALS), body="hello"))).encode()
    headers = {"Content-Type": "application/json", "X-Hub-Signature-256": sign_meta(SECRET, body)}
    assert requests.post(f"{servers.rasa_url}{WEBHOOK}", data=body, headers=headers, timeout=30).ok
    replies = graph.wait_for(before + 1, lambda r: r.body.get("to") == phone, timeout=60)
    assert len(replies) > before
    assert requests.get(f"{servers.rasa_url}/status", timeout=10).ok

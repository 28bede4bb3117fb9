"""WhatsApp (Meta Cloud API) end to end: signed webhooks into the real Rasa server, replies out to
a fake Graph API on 127.0.0.1, compared with what the REST channel answers to the same messages.

The channel is loaded from credentials.yml like in production; only the environment differs.
"""

from __future__ import annotations

import json
import statistics
import time
from dataclasses import dataclass, field

import pytest
import requests

from channels.messaging import Limits, numbered_lines, options
from i18n.catalog import Translator
from i18n.languages import RLM
from tests.channels.fakes import (
    FakeAPI,
    Recorded,
    meta_body,
    meta_message,
    meta_notification,
    meta_status,
    sign_meta,
)
from tests.integration.chat_apps import (
    PSEUDONYM_PREFIXES,
    SENDER_KEY,
    SERIALS,
    WA_PHONE_NUMBER_ID,
    WA_SECRET,
    WA_TOKEN,
    WA_VERIFY,
    events,
    files_containing,
    flat,
    pseudonym,
    senders,
    user_texts,
    wait_for_turns,
)
from tests.integration.servers import ROOT, Servers

pytestmark = pytest.mark.integration

SECRET = WA_SECRET
VERIFY = WA_VERIFY
KEY = SENDER_KEY
PHONE_NUMBER_ID = WA_PHONE_NUMBER_ID
WEBHOOK = "/webhooks/whatsapp/webhook"
LIMITS = Limits()
PHONES: list[str] = []  # every number used, checked for in the store and the logs at the end
TIMINGS: dict[str, list[float]] = {"ack": [], "first_reply": [], "turn": []}


@dataclass
class WhatsApp:
    servers: Servers
    graph: FakeAPI
    message_ids: list[str] = field(default_factory=list)

    def post(self, notification: dict, signature: str | None = "sign") -> requests.Response:
        body = meta_body(notification)
        headers = {"Content-Type": "application/json"}
        if signature == "sign":
            headers["X-Hub-Signature-256"] = sign_meta(SECRET, body)
        elif signature:
            headers["X-Hub-Signature-256"] = signature
        for change in notification["entry"][0]["changes"]:
            self.message_ids += [m["id"] for m in change["value"].get("messages", [])]
        started = time.perf_counter()
        answer = requests.post(
            f"{self.servers.rasa_url}{WEBHOOK}", data=body, headers=headers, timeout=30
        )
        if answer.status_code == 200:
            TIMINGS["ack"].append(time.perf_counter() - started)
        return answer


@pytest.fixture(scope="module")
def wa(chat_servers):
    yield WhatsApp(chat_servers.servers, chat_servers.graph)
    _write_artifacts(chat_servers.graph)


class Phone:
    """One person writing from WhatsApp: what they send, what the fake Graph API got for them."""

    def __init__(self, wa: WhatsApp, number: str | None, user_id: str | None = None) -> None:
        self.wa, self.number, self.user_id = wa, number, user_id
        self.sender = pseudonym(KEY, "wa", number or user_id)
        self.turns = 0
        if number:
            PHONES.append(number)

    def mine(self, request: Recorded) -> bool:
        body = request.body
        return (
            body.get("to") == self.number if self.number else body.get("recipient") == self.user_id
        )

    def received(self) -> list[dict]:
        return [r.body for r in self.wa.graph.sent(self.mine)]

    def send(self, kind: str = "text", signature: str | None = "sign", **content) -> int:
        if self.user_id:
            content["user_id"] = self.user_id
        message = meta_message(self.number, next(SERIALS), kind, **content)
        return self.wa.post(meta_notification(message), signature).status_code

    def turn(self, kind: str = "text", **content) -> list[dict]:
        """Send one message and return the replies sent to this person for it."""
        before = len(self.received())
        started = time.perf_counter()
        assert self.send(kind, **content) == 200
        self.turns += 1
        first = self.wa.graph.wait_for(before + 1, self.mine)
        if len(first) > before:
            TIMINGS["first_reply"].append(time.perf_counter() - started)
        wait_for_turns(self.wa.servers.workdir, self.sender, self.turns)
        TIMINGS["turn"].append(time.perf_counter() - started)
        return self.received()[before:]

    def tap(self, replies: list[dict], payload: str) -> list[dict]:
        """Tap the reply button or list row whose id is `payload` (it must have been offered)."""
        kinds = {"button": "button_reply", "list": "list_reply"}
        for reply in replies:
            if reply["type"] != "interactive":
                continue
            interactive = reply["interactive"]
            ids = [row["id"] for row in _rows(interactive)]
            if payload in ids:
                return self.turn("interactive", id=payload, reply_type=kinds[interactive["type"]])
        raise AssertionError(f"{payload} was not offered")


def _rows(interactive: dict) -> list[dict]:
    if interactive["type"] == "button":
        return [
            {"id": b["reply"]["id"], "title": b["reply"]["title"]}
            for b in interactive["action"]["buttons"]
        ]
    return [row for section in interactive["action"]["sections"] for row in section["rows"]]


def body(reply: dict) -> str:
    return (
        reply["text"]["body"] if reply["type"] == "text" else reply["interactive"]["body"]["text"]
    )


def check_limits(replies: list[dict]) -> None:
    for reply in replies:
        assert reply["messaging_product"] == "whatsapp"
        if reply["type"] == "text":
            assert len(body(reply)) <= LIMITS.text
            continue
        interactive = reply["interactive"]
        assert len(body(reply)) <= LIMITS.body
        rows = _rows(interactive)
        if interactive["type"] == "button":
            assert 1 <= len(rows) <= 3
            assert all(len(r["title"]) <= LIMITS.button_title for r in rows)
        else:
            assert 4 <= len(rows) <= 10
            assert len(interactive["action"]["button"]) <= LIMITS.list_button
            assert all(len(r["title"]) <= LIMITS.row_title for r in rows)
            assert all(len(r.get("description", "")) <= LIMITS.row_description for r in rows)
        assert len({r["title"] for r in rows}) == len(rows)
        assert len({r["id"] for r in rows}) == len(rows)


def assert_same_answers(rest: list[dict], replies: list[dict], language: str = "en") -> None:
    """The WhatsApp replies say what the REST channel said, and offer the same choices."""
    expected, number = [], 1
    hint = Translator(language).text("messaging.reply_number")
    offered: list[tuple[str, str]] = []
    for message in rest:
        expected.append(message.get("text") or "")
        choices = options(message.get("buttons"))
        if len(choices) > LIMITS.rows:
            expected += [numbered_lines(choices, number, language), hint]
            number += len(choices)
        else:
            offered += [(c.title, c.payload) for c in choices]
    assert flat(" ".join(body(r) for r in replies)) == flat(" ".join(expected))
    shown = [
        (row["title"], row["id"])
        for reply in replies
        if reply["type"] == "interactive"
        for row in _rows(reply["interactive"])
    ]
    assert [payload for _, payload in shown] == [payload for _, payload in offered]
    for (title, _), (full, _) in zip(shown, offered, strict=True):
        assert title == full or (title.endswith("…") and full.startswith(title[:-1].rstrip()))


def kinds(replies: list[dict]) -> list[str]:
    return [r["type"] if r["type"] == "text" else r["interactive"]["type"] for r in replies]


# -- the webhook's gate -------------------------------------------------------------------------


def test_verification_echoes_the_challenge_only_for_the_right_token(wa):
    url = f"{wa.servers.rasa_url}{WEBHOOK}"
    good = {"hub.mode": "subscribe", "hub.verify_token": VERIFY, "hub.challenge": "8675309"}
    answer = requests.get(url, params=good, timeout=10)
    assert (answer.status_code, answer.text) == (200, "8675309")
    bad = requests.get(url, params={**good, "hub.verify_token": "guess"}, timeout=10)
    assert bad.status_code == 403 and "8675309" not in bad.text


def test_a_forged_signature_is_refused_and_nothing_reaches_rasa(wa):
    phone = Phone(wa, "971500000001")
    assert phone.send(body="hello", signature=sign_meta("not-the-secret", b"{}")) == 403
    assert phone.send(body="hello", signature=None) == 403
    assert phone.send(body="hello", signature="sha256=" + "0" * 64) == 403
    time.sleep(1.5)
    assert events(wa.servers.workdir, phone.sender) == []
    assert phone.received() == []


def test_statuses_are_acknowledged_and_ignored(wa):
    phone = Phone(wa, "971500000002")
    notification = meta_notification(statuses=[meta_status(phone.number, next(SERIALS))])
    assert wa.post(notification).status_code == 200
    time.sleep(1.5)
    assert events(wa.servers.workdir, phone.sender) == [] and phone.received() == []


def test_a_repeated_message_is_processed_once(wa):
    phone = Phone(wa, "971500000003")
    notification = meta_notification(meta_message(phone.number, next(SERIALS), body="hello"))
    assert wa.post(notification).status_code == 200
    wait_for_turns(wa.servers.workdir, phone.sender, 1)
    replies = len(phone.received())
    assert wa.post(notification).status_code == 200  # Meta retrying
    time.sleep(2)
    assert user_texts(wa.servers.workdir, phone.sender) == ["hello"]
    assert len(phone.received()) == replies


# -- conversations, compared with the REST channel -----------------------------------------------


def test_a_whole_conversation_answers_like_the_rest_channel(wa):
    phone, rest_user = Phone(wa, "9779812345601"), "rest-wa-1"
    say = lambda message: wa.servers.say(rest_user, message)  # noqa: E731

    replies = phone.turn(body="hello")
    assert_same_answers(say("hello"), replies)
    assert kinds(replies)[-1] == "list"  # the status question: 7 options
    check_limits(replies)

    steps = [
        '/inform{"status":"migrant_worker"}',
        '/inform{"sector":"domestic_work"}',  # 10 options: the longest list WhatsApp allows
        '/inform{"country":"NP"}',
        '/inform{"country":"MY"}',  # then the summary, with topics to tap
        '/ask_benefit{"branch":"employment_injury"}',  # the longest answer in the tables
    ]
    for payload in steps:
        rest = say(payload)
        replies = phone.tap(replies, payload)
        assert_same_answers(rest, replies)
        check_limits(replies)

    # The long answer: text first, then the rest as the list's body, cut at line boundaries.
    assert kinds(replies)[-2:] == ["text", "list"]
    (detail,) = [m["text"] for m in rest if m.get("buttons")]
    assert len(detail) > LIMITS.body
    parts = [body(r) for r in replies if body(r) in detail]
    assert len(parts) >= 2 and "".join(parts) != detail
    position = 0
    for index, part in enumerate(parts):
        found = detail.find(part, position)
        assert found >= 0, "a part is not a piece of the answer"
        if index:
            assert detail[position:found] in ("\n", "\n\n"), "cut inside a line"
        position = found + len(part)
    assert position == len(detail)

    replies = phone.tap(replies, "/ask_register")
    assert_same_answers(say("/ask_register"), replies)
    check_limits(replies)


def test_more_than_ten_options_are_numbered_and_3_chooses_the_third(wa):
    phone, rest_user = Phone(wa, "9779812345602"), "rest-wa-2"
    rest = wa.servers.say(rest_user, "hello")
    replies = phone.turn(body="hello")
    assert_same_answers(rest, replies)
    picker = next(m["buttons"] for m in rest if len(m.get("buttons") or []) > 10)
    numbered = next(body(r) for r in replies if "\n3. " in body(r))
    assert f"\n3. {picker[2]['title']}\n" in numbered

    replies = phone.turn(body="3")
    assert user_texts(wa.servers.workdir, phone.sender)[-1] == picker[2]["payload"]
    chosen = picker[2]["payload"].split('"language":"')[1].split('"')[0]
    assert_same_answers(wa.servers.say(rest_user, picker[2]["payload"]), replies, chosen)


def test_arabic_is_right_to_left_with_its_marks(wa):
    phone, rest_user = Phone(wa, "966500000004"), "rest-wa-3"
    for message in ("/lang ar", "hello", "/ask_entitlements"):
        replies = phone.turn(body=message)
        assert_same_answers(wa.servers.say(rest_user, message), replies, "ar")
        check_limits(replies)
        assert replies
        for reply in replies:
            for line in body(reply).split("\n"):
                assert line.startswith(RLM), repr(line[:20])
    (last,) = [r for r in replies if r["type"] == "interactive"][-1:]
    rows = _rows(last["interactive"])
    ar = Translator("ar")
    assert rows[0]["title"] == ar.response("utter_ask_status", "Migrant worker")


def test_other_kinds_of_message_get_a_polite_answer(wa):
    phone = Phone(wa, "9779812345605")
    assert phone.send("audio") == 200
    (reply,) = wa.graph.wait_for(1, phone.mine)
    assert reply.body["text"]["body"] == Translator("en").text("messaging.only_text")
    time.sleep(0.5)
    assert events(wa.servers.workdir, phone.sender) == []


def test_a_username_user_is_answered_by_business_scoped_id(wa):
    phone = Phone(wa, None, user_id="NP.1234567890123456")
    replies = phone.turn(body="hello")
    assert replies and all("to" not in r and r["recipient"] == phone.user_id for r in replies)
    assert user_texts(wa.servers.workdir, phone.sender) == ["hello"]


def test_no_reply_outside_the_24_hour_window(wa):
    phone = Phone(wa, "9779812345606")
    assert phone.send(body="hello", timestamp=time.time() - 25 * 3600) == 200
    wait_for_turns(wa.servers.workdir, phone.sender, 1)
    time.sleep(0.5)
    assert phone.received() == []
    log = (wa.servers.workdir / "rasa.log").read_text()
    assert f"a reply to {phone.sender} would fall outside the 24-hour window" in log


def test_the_requests_to_the_graph_api_are_authenticated(wa):
    requests_ = wa.graph.sent()
    assert requests_
    assert {r.path for r in requests_} == {f"/v21.0/{PHONE_NUMBER_ID}/messages"}
    assert {r.headers["Authorization"] for r in requests_} == {f"Bearer {WA_TOKEN}"}


# -- privacy (after the conversations above) -----------------------------------------------------


def test_rasa_knows_pseudonyms_only_and_no_number_is_stored_or_logged(wa):
    workdir = wa.servers.workdir
    phone = Phone(wa, "9779812345607")
    phone.turn(body="hello")
    tracker = requests.get(
        f"{wa.servers.rasa_url}/conversations/{phone.sender}/tracker", timeout=30
    ).json()
    assert tracker["sender_id"] == phone.sender and phone.sender.startswith("wa-")
    said = [e for e in tracker["events"] if e["event"] == "user"]
    assert [e["text"] for e in said] == ["hello"] and said[0]["input_channel"] == "whatsapp"
    assert all(s.startswith(PSEUDONYM_PREFIXES) for s in senders(workdir))

    files = [workdir / "tracker.sqlite3", workdir / "rasa.log", workdir / "actions.log"]
    needles = [*PHONES, *(p.lstrip("+") for p in PHONES), *wa.message_ids, "NP.1234567890123456"]
    assert files_containing(files, needles) == []


def test_webhooks_are_acknowledged_at_once(wa):
    acks = sorted(TIMINGS["ack"])
    assert len(acks) >= 15
    assert statistics.median(acks) < 0.25, acks
    assert statistics.median(acks) < statistics.median(TIMINGS["turn"])


def _write_artifacts(graph: FakeAPI) -> None:
    """The timings, and every message the fake Graph API received (for a person to look at)."""
    summary = {
        name: {
            "count": len(values),
            "median_ms": round(statistics.median(values) * 1000, 1),
            "p95_ms": round(sorted(values)[int(0.95 * (len(values) - 1))] * 1000, 1),
            "max_ms": round(max(values) * 1000, 1),
        }
        for name, values in TIMINGS.items()
        if values
    }
    sent = ROOT / "test-artifacts" / "whatsapp-sent.json"
    sent.parent.mkdir(exist_ok=True)
    sent.write_text(json.dumps([r.body for r in graph.sent()], ensure_ascii=False, indent=1))
    out = ROOT / "test-artifacts" / "whatsapp-timings.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(summary, indent=2))
    print(f"\nWhatsApp timings ({out}): {json.dumps(summary)}")

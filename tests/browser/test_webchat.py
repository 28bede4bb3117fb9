"""The web chat page in a real browser (Debian's chromium) against the real Rasa and action servers.

Expected texts come from the catalogs, the domain and the tables, never from this file. Each
test saves screenshots to test-artifacts/screenshots/; the English and Arabic conversations
also record the page weight and the time to the first reply in test-artifacts/webchat-metrics.json.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
import requests

from channels.identity import pseudonymize
from engine import settings
from engine.resolve import Profile, resolve
from engine.store import Store
from i18n import render
from i18n.catalog import Translator, available_languages
from tests.integration.servers import ROOT

pytestmark = [pytest.mark.browser, pytest.mark.integration]

METRICS = ROOT / "test-artifacts" / "webchat-metrics.json"
ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
ANSWERED = "() => !document.getElementById('typing')"
MORE_REPLIES = (
    "(n) => document.querySelectorAll('.msg.bot:not(.typing)').length > n"
    " && !document.getElementById('typing')"
)
SMALL_TARGETS = """() => [...document.querySelectorAll('button, input, header a, main > p a')]
  .filter(el => el.offsetParent !== null)
  .map(el => [el.id || el.textContent, el.getBoundingClientRect()])
  .filter(([, box]) => box.width < 48 || box.height < 48)
  .map(([name, box]) => `${name} ${Math.round(box.width)}x${Math.round(box.height)}`)"""
PAGE_WEIGHT = """() => {
  const entries = [...performance.getEntriesByType('navigation'),
                   ...performance.getEntriesByType('resource')];
  return entries.map(e => ({name: e.name, transfer: e.transferSize, body: e.decodedBodySize}));
}"""


# ---------- helpers ----------


def chat_url(servers) -> str:
    return f"{servers.rasa_url}/webhooks/webchat/"


def open_chat(context, servers):
    """The chat page in a new tab, with what the page posts and any error it logs recorded."""
    page = context.pages[0] if context.pages else context.new_page()
    problems: list[str] = []
    posts: list[dict] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "request",
        lambda r: (
            posts.append(json.loads(r.post_data or "{}"))
            if r.method == "POST" and r.url.endswith("/webhook")
            else None
        ),
    )
    page.goto(chat_url(servers))
    page.wait_for_load_state("networkidle")
    return page, problems, posts


def bot_count(page) -> int:
    return page.locator(".msg.bot:not(.typing)").count()


def wait_for_reply(page, before: int) -> None:
    page.wait_for_function(MORE_REPLIES, arg=before)


def tap(page, payload: str) -> str:
    """Tap the quick reply with this payload; returns its title and waits for the answer."""
    before = bot_count(page)
    button = page.locator(f"button.choice:enabled[data-payload='{payload}']").first
    title = button.inner_text()
    button.click()
    wait_for_reply(page, before)
    assert last_user_text(page) == title
    return title


def last_user_text(page) -> str:
    return page.locator(".msg.user .bubble").last.evaluate(
        "(el) => [...el.childNodes].filter(n => !(n.classList && n.classList.contains('sr-only')))"
        ".map(n => n.textContent).join('')"
    )


def bot_texts(page, start: int = 0) -> str:
    bubbles = page.locator(".msg.bot:not(.typing) .bubble")
    return "\n".join(bubbles.nth(i).inner_text() for i in range(start, bubbles.count()))


def full_screenshot(page, path: Path) -> Path:
    """The whole conversation, laid out on a screen as tall as the page.

    A plain full-page capture leaves the sticky header and message box where the first screen
    had them, on top of the conversation; a tall screen shows the real layout instead.
    """
    size = page.viewport_size
    height = page.evaluate("() => document.documentElement.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(height, size["height"])})
    page.evaluate("() => window.scrollTo(0, 0)")
    page.screenshot(path=str(path), full_page=True)
    page.set_viewport_size(size)
    return path


def record_metrics(name: str, values: dict) -> None:
    METRICS.parent.mkdir(parents=True, exist_ok=True)
    current = json.loads(METRICS.read_text()) if METRICS.exists() else {}
    current[name] = values
    METRICS.write_text(json.dumps(current, indent=2, ensure_ascii=False) + "\n")


def page_weight(page) -> dict:
    entries = page.evaluate(PAGE_WEIGHT)
    return {
        "requests": len(entries),
        "bytes_transferred": sum(e["transfer"] for e in entries),
        "bytes_content": sum(e["body"] for e in entries),
        "files": {e["name"].rsplit("/webchat/", 1)[-1] or "index": e["body"] for e in entries},
    }


def start(page) -> tuple[float, dict]:
    """Tap Start; returns the seconds to the first reply bubble and the webhook's JSON."""
    began = time.monotonic()
    with page.expect_response(lambda r: r.url.endswith("/webhook")) as answer:
        page.click("#start")
    page.wait_for_selector(".msg.bot:not(.typing)")
    seconds = time.monotonic() - began
    page.wait_for_function(ANSWERED)
    return seconds, answer.value.json()


def direction_of(locator) -> list[str]:
    return locator.evaluate_all("(els) => els.map(el => getComputedStyle(el).direction)")


def domain_buttons(name: str) -> list[dict]:
    from engine.loader import read_document
    from i18n.extract import DOMAIN_DIR

    for path in DOMAIN_DIR.glob("*.yml"):
        document, _ = read_document(path)
        found = (document.data.get("responses") or {}).get(name)
        if found:
            return found[0].get("buttons") or []
    raise KeyError(name)


def answer_profile(page, status, sector, origin, destination) -> int:
    """Answer the four profile questions with their buttons; returns where the summary starts."""
    tap(page, f'/inform{{"status":"{status}"}}')
    tap(page, f'/inform{{"sector":"{sector}"}}')
    tap(page, f'/inform{{"country":"{origin}"}}')
    before = bot_count(page)
    tap(page, f'/inform{{"country":"{destination}"}}')
    return before


def expected_branches(status, sector, origin, destination) -> list[str]:
    res = resolve(Store.from_tables("entitlements"), Profile(status, sector, origin, destination))
    return list(res.findings)  # keyed by branch


# ---------- the tests ----------


def test_english_conversation_with_buttons_ends_in_a_summary_with_sources(
    servers, open_browser, screenshots
):
    en = Translator("en")
    page, problems, posts = open_chat(open_browser("en-US"), servers)
    weight = page_weight(page)
    assert posts == [], "the page must send nothing before the person starts"
    assert page.locator("#start").is_visible() and bot_count(page) == 0
    full_screenshot(page, screenshots / "webchat-en-empty.png")

    seconds, first = start(page)
    assert last_user_text(page) == en.text("webchat.start")
    assert first and all(m["recipient_id"].startswith("web-") for m in first)
    sender = page.evaluate("() => localStorage.getItem('webchat.sender')")
    assert re.fullmatch(r"[0-9a-f-]{36}", sender)
    assert first[0]["recipient_id"] == pseudonymize("web", sender)  # never the browser's id
    picker = page.locator("button.choice:enabled[data-payload^='/choose_language']")
    assert picker.count() == len(available_languages())
    assert picker.first.get_attribute("data-payload") == '/choose_language{"language":"en"}'
    full_screenshot(page, screenshots / "webchat-en-start.png")
    small = page.evaluate(SMALL_TARGETS)
    assert not small, f"tap targets under 48 px: {small}"

    summary_from = answer_profile(page, "migrant_worker", "domestic_work", "NP", "QA")
    summary = bot_texts(page, summary_from)
    assert en.text("sources.header") in summary and "[1]" in summary
    for branch in expected_branches("migrant_worker", "domestic_work", "NP", "QA"):
        assert en.text(f"branch.{branch}") in summary
    assert page.locator("button.choice:enabled").count() > 0  # the topics to go on with
    assert all(p["metadata"] == {"language": "en-US", "languages": ["en-US"]} for p in posts)
    assert len({p["sender"] for p in posts}) == 1
    full_screenshot(page, screenshots / "webchat-en.png")
    record_metrics("en", {"seconds_to_first_reply": round(seconds, 3), "page_weight": weight})
    assert not problems, problems


def test_arabic_conversation_is_in_arabic_and_right_to_left(servers, open_browser, screenshots):
    ar = Translator("ar")
    page, problems, posts = open_chat(open_browser("ar-EG"), servers)
    weight = page_weight(page)
    seconds, first = start(page)
    assert all(m["language"] == "ar" and m["direction"] == "rtl" for m in first)

    bubbles = page.locator(".msg.bot:not(.typing) .bubble")
    assert set(bubbles.evaluate_all("(els) => els.map(el => el.lang + ' ' + el.dir)")) == {"ar rtl"}
    assert set(direction_of(bubbles)) == {"rtl"}
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    assert page.evaluate("() => document.documentElement.lang") == "ar"
    assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"

    # the status buttons, in Arabic (the catalog's titles), in the domain's order
    status = page.locator("button.choice:enabled[data-payload^='/inform']")
    titles = status.all_inner_texts()
    expected = [
        ar.response("utter_ask_status", b["title"]) for b in domain_buttons("utter_ask_status")
    ]
    assert titles == expected
    assert all(ARABIC_LETTER.search(title) for title in titles)
    assert (
        page.locator(
            'button.choice:enabled[data-payload=\'/choose_language{"language":"ar"}\']'
        ).get_attribute("lang")
        == "ar"
    )

    # right-to-left layout, measured: the bot's bubbles hug the right edge, the person's the left
    log = page.locator("#log").bounding_box()
    bot_box = bubbles.first.bounding_box()
    user_box = page.locator(".msg.user .bubble").first.bounding_box()
    assert abs((bot_box["x"] + bot_box["width"]) - (log["x"] + log["width"])) < 2
    assert abs(user_box["x"] - log["x"]) < 2

    summary_from = answer_profile(page, "migrant_worker", "domestic_work", "BD", "SA")
    summary = bot_texts(page, summary_from)
    assert ARABIC_LETTER.search(summary)
    for branch in expected_branches("migrant_worker", "domestic_work", "BD", "SA"):
        assert ar.text(f"branch.{branch}") in summary
    assert set(direction_of(page.locator(".msg.bot:not(.typing) .bubble"))) == {"rtl"}
    assert all(p["metadata"]["language"] == "ar-EG" for p in posts)
    assert "ar-EG" in posts[0]["metadata"]["languages"]
    page.screenshot(path=str(screenshots / "webchat-ar-phone.png"))  # the summary's first screen
    full_screenshot(page, screenshots / "webchat-ar.png")
    record_metrics("ar", {"seconds_to_first_reply": round(seconds, 3), "page_weight": weight})
    assert not problems, problems


def test_keyboard_only(servers, open_browser, screenshots):
    page, problems, posts = open_chat(open_browser("en-US"), servers)
    order = []
    for _ in range(12):  # Tab from the top of the page to the message box
        page.keyboard.press("Tab")
        order.append(page.evaluate("() => document.activeElement.id"))
        if order[-1] == "message":
            break
    assert order[-1] == "message", order
    assert {"language", "privacy-link", "quick-exit", "start"} <= set(order)

    page.keyboard.type("hello")
    before = bot_count(page)
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    assert last_user_text(page) == "hello"
    assert page.evaluate("() => document.activeElement.id") == "message"

    for _ in range(40):  # back from the message box to the latest quick reply
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.classList.contains('choice')"):
            break
    focused = page.evaluate(
        "() => ({text: document.activeElement.textContent,"
        " outline: getComputedStyle(document.activeElement).outlineStyle})"
    )
    assert focused["outline"] == "solid", "keyboard focus must be visible"
    page.screenshot(path=str(screenshots / "webchat-keyboard.png"))
    before = bot_count(page)
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    assert last_user_text(page) == focused["text"]

    # answered from the keyboard: the focus moves on to the next question's first button
    assert page.evaluate("() => document.activeElement.classList.contains('choice')")
    chosen = page.evaluate("() => document.activeElement.textContent")
    before = bot_count(page)
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    assert last_user_text(page) == chosen

    # the header's 🌐 asks the bot for its language picker
    page.focus("#language")
    before = bot_count(page)
    page.keyboard.press("Enter")
    wait_for_reply(page, before)
    assert posts[-1]["message"] == "/language"
    assert last_user_text(page) == Translator("en").text("webchat.change_language")
    assert page.locator("button.choice:enabled[data-payload^='/choose_language']").count() > 1
    assert not problems, problems


def test_quick_exit_clears_the_page_and_the_storage(servers, open_browser, screenshots):
    page, problems, _ = open_chat(open_browser("en-US"), servers)
    start(page)
    sender = page.evaluate("() => localStorage.getItem('webchat.sender')")
    assert sender and page.evaluate("() => sessionStorage.getItem('webchat.log')")

    page.click("#quick-exit")
    page.wait_for_url("about:blank")
    page.go_back()  # the chat's entry was replaced: Back cannot bring the conversation back
    assert "webchat" not in page.url or bot_count(page) == 0

    page.goto(chat_url(servers))
    page.wait_for_load_state("networkidle")
    assert bot_count(page) == 0 and page.locator(".msg").count() == 0
    assert page.locator("#start").is_visible()
    assert page.evaluate("() => localStorage.getItem('webchat.sender')") is None
    assert page.evaluate("() => sessionStorage.length") == 0
    start(page)
    assert page.evaluate("() => localStorage.getItem('webchat.sender')") != sender
    assert not problems, problems


def test_privacy_page_in_arabic_is_right_to_left(servers, open_browser, screenshots):
    ar = Translator("ar")
    page, problems, _ = open_chat(open_browser("ar-EG"), servers)
    link = page.locator("#privacy-link")
    assert link.get_attribute("href") == "privacy?lang=ar"
    link.click()
    page.wait_for_url("**/privacy?lang=ar")
    assert page.evaluate("() => [document.documentElement.lang, document.documentElement.dir]") == [
        "ar",
        "rtl",
    ]
    assert page.evaluate("() => getComputedStyle(document.body).direction") == "rtl"
    assert page.locator("h1").inner_text() == ar.text("webchat.privacy")
    paragraphs = render.privacy_notice(ar, settings.retention_days())
    shown = page.locator("main p[dir=auto]").all_inner_texts()
    assert [" ".join(p.split()) for p in shown] == [" ".join(p.split()) for p in paragraphs]
    full_screenshot(page, screenshots / "webchat-privacy-ar.png")

    page.locator("a.action").click()  # back to the chat
    page.wait_for_selector("#start")
    assert page.url.endswith("/webhooks/webchat/")
    assert not problems, problems


def test_page_and_assets_are_served_with_types_and_a_strict_policy(servers):
    base = chat_url(servers)
    page = requests.get(base, timeout=10)
    assert page.status_code == 200
    assert page.headers["Content-Type"] == "text/html; charset=utf-8"
    policy = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert "http" not in page.text.replace(servers.rasa_url, "")  # nothing from elsewhere
    for name, kind in (("app.js", "text/javascript"), ("style.css", "text/css")):
        asset = requests.get(f"{base}static/{name}", timeout=10)
        assert asset.status_code == 200 and asset.headers["Content-Type"].startswith(kind)
        again = requests.get(
            f"{base}static/{name}", headers={"If-None-Match": asset.headers["ETag"]}, timeout=10
        )
        assert again.status_code == 304 and not again.content
    for name in ("index.html", "..%2Fcredentials.yml", "app.js.map"):
        assert requests.get(f"{base}static/{name}", timeout=10).status_code == 404
    redirected = requests.get(base.rstrip("/"), timeout=10, allow_redirects=False)
    assert redirected.status_code == 308 and redirected.headers["Location"].endswith("/webchat/")

    labels = requests.get(f"{base}strings", params={"lang": "ur-PK,en"}, timeout=10).json()
    assert labels["language"] == "ur" and labels["direction"] == "rtl"
    assert labels["strings"]["start"] == Translator("ur").text("webchat.start")
    unknown = requests.get(f"{base}privacy", params={"lang": "xx"}, timeout=10)
    assert '<html lang="en" dir="ltr">' in unknown.text
    assert "script-src" not in unknown.headers["Content-Security-Policy"]  # no script at all

    answer = servers.say("raw-browser-id", "/greet", "webchat")
    assert answer[0]["recipient_id"] == pseudonymize("web", "raw-browser-id")
    too_long = requests.post(
        f"{base}webhook", json={"sender": "x" * 200, "message": "hi"}, timeout=10
    )
    assert too_long.status_code == 400

"""Rendering for messaging apps: layouts by number of options, splitting, titles, memory."""

from __future__ import annotations

import asyncio
import unicodedata

import pytest

from channels import messaging
from channels.messaging import (
    TWILIO_LIMITS,
    Conversations,
    Inbox,
    Limits,
    SeenIds,
    TTLCache,
    graphemes,
    parse_choice,
    render,
    shorten,
    split_text,
    unique_titles,
    width,
)
from i18n.catalog import Translator
from i18n.languages import RLM, mark, picker_buttons


def buttons(count: int, title: str = "Option") -> list[dict[str, str]]:
    return [{"title": f"{title} {i}", "payload": f'/choose{{"n":{i}}}'} for i in range(count)]


class Clock:
    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


# -- titles -------------------------------------------------------------------------------------

SCRIPTS = [
    "स्वास्थ्य सेवा र क्षतिपूर्ति",  # Nepali: conjuncts and vowel signs
    "স্বাস্থ্যসেবা ও ক্ষতিপূরণ",  # Bengali
    "الرِّعَايَة الصِّحِّيَّة وَالتَّقَاعُد",  # Arabic with harakat
    "የጤና እንክብካቤ እና ጡረታ",  # Amharic
    "👩‍👩‍👧‍👦 Family benefits for everyone",  # an emoji sequence (ZWJ), 2 UTF-16 units each
]


@pytest.mark.parametrize("text", SCRIPTS)
def test_shortened_titles_never_split_a_character(text):
    for limit in range(2, width(text) + 2):
        short = shorten(text, limit)
        assert width(short) <= limit
        if short == text:
            continue
        assert short.endswith("…")
        kept = short[:-1]
        assert text.startswith(kept)
        following = text[len(kept) : len(kept) + 1]
        if following:  # what comes next starts a new character: no mark, no joiner left behind
            assert unicodedata.combining(following) == 0
            assert unicodedata.category(following) not in ("Mn", "Mc", "Me")
            assert following != "\u200d"
        if kept:
            assert unicodedata.combining(kept[-1]) != 9, "a virama must not end a cut title"


def test_conjuncts_are_one_grapheme():
    assert graphemes("क्षेत्र") == ["क्षे", "त्र"]
    assert graphemes("স্বাস্থ্য") == ["স্বা", "স্থ্য"]
    assert graphemes("مُهَاجِر") == ["مُ", "هَ", "ا", "جِ", "ر"]


def test_shorten_prefers_a_word_boundary_and_keeps_short_titles():
    assert shorten("Family of a worker abroad", 20) == "Family of a worker…"
    assert shorten("Health care", 20) == "Health care"
    assert shorten("  spaced   out  ", 20) == "spaced out"


def test_titles_are_made_unique_within_the_limit():
    titles = unique_titles(["Domestic work abroad A", "Domestic work abroad B", "Other"], 20)
    assert len(set(titles)) == 3
    assert all(width(t) <= 20 for t in titles)
    assert titles[2] == "Other"


# -- splitting ----------------------------------------------------------------------------------


def test_short_text_is_one_part():
    assert split_text("Hello", 4096) == ["Hello"]
    assert split_text("   ", 4096) == []


def test_split_on_paragraphs_first():
    paragraphs = [f"p{i} " * 80 for i in range(6)]  # 240 characters each
    text = "\n\n".join(p.strip() for p in paragraphs)
    parts = split_text(text, 600)
    assert all(width(p) <= 600 for p in parts)
    assert "\n\n".join(parts) == text  # cut only where a paragraph ends
    assert len(parts) == 3


def test_then_lines_then_words():
    lines = "\n".join((f"line {i} " + "word " * 20).strip() for i in range(10))
    parts = split_text(lines, 300)
    assert all(width(p) <= 300 for p in parts)
    assert "\n".join(parts) == lines
    one_line = "word " * 200
    parts = split_text(one_line, 100)
    assert all(width(p) <= 100 for p in parts)
    assert " ".join(parts) == one_line.strip()
    assert all(not p.startswith(" ") and not p.endswith(" ") for p in parts)


def test_a_huge_word_is_cut_between_graphemes():
    word = "स्वास्थ्य" * 40
    parts = split_text(word, 50)
    assert "".join(parts) == word
    assert all(width(p) <= 50 for p in parts)
    for part in parts[1:]:
        assert unicodedata.combining(part[0]) == 0


def test_right_to_left_lines_keep_their_marks_when_cut():
    text = mark("\n".join(["سطر " * 40, "قصير", "", "فقرة ثانية " * 5]), "ar")
    parts = split_text(text, 100)
    assert all(width(p) <= 100 for p in parts)
    for part in parts:
        for line in part.split("\n"):
            assert line.startswith(RLM), repr(line[:10])


def test_marked_empty_lines_are_paragraph_breaks():
    text = mark("أ " * 30 + "\n\n" + "ب " * 30, "ar")
    assert "\n\u200f\n" in text
    parts = split_text(text, 80)
    assert len(parts) == 2 and parts[1].startswith(RLM + "ب")


def test_last_part_fits_an_interactive_body():
    text = "\n\n".join(["a" * 900, "b" * 900, "c" * 500])
    parts = split_text(text, 4096, last_limit=1024)
    assert parts == ["a" * 900 + "\n\n" + "b" * 900, "c" * 500]
    long_tail = "intro\n\n" + "\n".join(f"[{i}] source line" for i in range(200))
    parts = split_text(long_tail, 4096, last_limit=1024)
    assert width(parts[-1]) <= 1024 and all(width(p) <= 4096 for p in parts)
    assert parts[-1].startswith("[")  # the body starts at a line, not mid-line


# -- layouts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 2, 3])
def test_up_to_three_options_are_reply_buttons(count):
    rendered = render("Which?", buttons(count), "en")
    (message,) = rendered.messages
    assert message.kind == "buttons" and message.text == "Which?"
    assert [row.id for row in message.rows] == [b["payload"] for b in buttons(count)]
    assert not rendered.numbered


@pytest.mark.parametrize("count", [4, 7, 10])
def test_four_to_ten_options_are_a_list(count):
    rendered = render("Which?", buttons(count, "A rather long option title"), "en")
    (message,) = rendered.messages
    assert message.kind == "list" and len(message.rows) == count
    assert message.menu_label == Translator("en").text("button.menu")
    for row in message.rows:
        assert width(row.title) <= 24
        assert row.description and row.description.startswith("A rather long option title")
        assert width(row.description) <= 72
    assert len({row.title for row in message.rows}) == count


def test_more_than_ten_options_are_numbered_text():
    picker = picker_buttons()
    assert len(picker) > 10
    rendered = render("Choose your language:", picker, "en")
    (message,) = rendered.messages
    assert message.kind == "text"
    assert "\n3. " + picker[2]["title"] + "\n" in message.text
    assert Translator("en").text("messaging.reply_number") in message.text
    assert rendered.numbered == [b["payload"] for b in picker]


def test_numbering_continues_within_a_turn_and_twilio_numbers_everything():
    rendered = render("More?", buttons(2), "en", TWILIO_LIMITS, first_number=13)
    (message,) = rendered.messages
    assert message.kind == "text"
    assert "13. Option 0\n14. Option 1" in message.text


def test_right_to_left_numbered_choices_are_marked():
    rendered = render(mark("اختر لغتك:", "ar"), picker_buttons(["ar"]), "ar")
    for part in rendered.messages:
        for line in part.text.split("\n"):
            assert line.startswith(RLM)


def test_a_long_body_with_buttons_sends_text_first():
    text = "\n\n".join([("x " * 400).strip(), ("y " * 400).strip()])
    rendered = render(text, buttons(4), "en")
    *head, last = rendered.messages
    assert [m.kind for m in head] == ["text"] and last.kind == "list"
    assert width(last.text) <= Limits().body
    assert head[0].text + "\n\n" + last.text == text


def test_options_without_text_get_a_prompt():
    (message,) = render("", buttons(2), "en").messages
    assert message.text == Translator("en").text("messaging.choose")


def test_link_buttons_and_empty_titles_are_not_options():
    found = messaging.options(
        [{"title": "Site", "url": "https://x"}, {"title": " ", "payload": "/a"}]
    )
    assert found == []


@pytest.mark.parametrize(
    ("text", "number"),
    [("3", 3), (" 3. ", 3), ("(12)", 12), ("#2", 2), ("٣", 3), ("३", 3), ("৩", 3), ("\u200f3", 3)],
)
def test_numbers_in_every_script(text, number):
    assert parse_choice(text) == number


@pytest.mark.parametrize("text", ["3 apples", "", "three", "1234", None])
def test_not_a_choice(text):
    assert parse_choice(text) is None


# -- memory -------------------------------------------------------------------------------------


def test_ttl_cache_is_bounded_and_forgets():
    clock = Clock()
    cache: TTLCache[int] = TTLCache(max_entries=3, ttl=60, clock=clock)
    for i in range(5):
        cache.set(f"k{i}", i)
    assert len(cache) == 3 and cache.get("k0") is None and cache.get("k4") == 4
    clock.now += 61
    assert cache.get("k4") is None and len(cache) == 0


def test_seen_ids_keep_only_hashes():
    seen = SeenIds(max_entries=10, ttl=60)
    assert seen.first_time("wamid.HBgMOTc3OTgxMjM0NTY3OA==")
    assert not seen.first_time("wamid.HBgMOTc3OTgxMjM0NTY3OA==")
    assert all("wamid" not in key for key in seen._seen._items)


def test_a_number_maps_to_the_remembered_menu_once():
    conversations = Conversations(clock=Clock())
    conversations.remember("wa-1", ["/a", "/b", "/c"], "ar")
    assert conversations.answer("wa-1", "٣") == "/c"
    assert conversations.answer("wa-1", "3") == "3"  # used once
    conversations.remember("wa-1", ["/a"], None)
    assert conversations.answer("wa-1", "7") == "7"  # out of range: the text as it is
    assert conversations.answer("wa-2", "1") == "1"  # someone else's menu is not theirs
    assert conversations.language("wa-1") == "ar"


def test_the_24_hour_window():
    clock = Clock()
    conversations = Conversations(clock=clock)
    assert not conversations.within_window("wa-1")
    conversations.user_wrote("wa-1")
    clock.now += 23 * 3600
    assert conversations.within_window("wa-1")
    clock.now += 2 * 3600
    assert not conversations.within_window("wa-1")
    conversations.user_wrote("wa-1", at=clock.now - 25 * 3600)  # a day-old retried webhook
    assert not conversations.within_window("wa-1")
    conversations.user_wrote("wa-1", at=clock.now + 3600)  # a clock ahead counts as now
    assert conversations.within_window("wa-1")


def test_memory_is_bounded():
    conversations = Conversations(max_senders=100, clock=Clock())
    for i in range(1000):
        conversations.remember(f"wa-{i}", ["/a"], "en")
    assert len(conversations._states) == 100


def test_inbox_keeps_each_senders_order():
    done: list[str] = []

    async def scenario() -> None:
        inbox = Inbox()

        def work(name: str, pause: float):
            async def run() -> None:
                await asyncio.sleep(pause)
                done.append(name)

            return run

        inbox.submit("a", work("a1", 0.05))
        inbox.submit("b", work("b1", 0.0))
        inbox.submit("a", work("a2", 0.0))
        inbox.submit("a", work("a3", 0.01))
        await inbox.drain()
        assert not inbox._locks

    asyncio.run(scenario())
    assert [n for n in done if n.startswith("a")] == ["a1", "a2", "a3"]
    assert done.index("b1") < done.index("a1")  # b does not wait for a

"""What every messaging-app channel (WhatsApp via Meta or Twilio) needs, whatever the app.

The bot speaks in messages with a text and, often, buttons (`{"title", "payload"}`). Messaging apps
cannot show that as such, so this module decides how a message travels:

- up to 3 options → reply buttons; 4 to 10 → a list behind a menu button; more (the 12-language
  picker), or an app without interactive messages (Twilio) → numbered lines the person answers
  with a number. The channel remembers, per pseudonymous sender, which payload each number
  stands for, so "3" means option 3 (`Conversations`).
- long text is split on paragraph boundaries, then lines, then words, so nothing is cut mid-word
  and every part stays under the app's limit; a right-to-left line that must be cut keeps its
  RIGHT-TO-LEFT MARK on both halves.
- titles are shortened on grapheme clusters (`regex` `\\X`), so a Devanagari vowel sign, a
  Bengali conjunct or an Arabic haraka is never separated from its letter, then made unique.

Nothing here knows Rasa or HTTP: channels pass texts and buttons in, and get plain data out.
Lengths are counted in UTF-16 code units, as the apps' own clients do: an emoji counts twice,
which errs on the safe side where an app counts code points.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import re
import time
import unicodedata
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeVar

import regex

from i18n.catalog import Translator
from i18n.languages import RLM, mark

logger = logging.getLogger(__name__)

ELLIPSIS = "…"
ZWJ, ZWNJ = "\u200d", "\u200c"
BIDI_MARKS = "\u200e\u200f"
# Paragraph boundaries: an empty line, also when `i18n.languages.mark` put a mark on it.
PARAGRAPH_BREAK = re.compile(r"\n[ \t\u200e\u200f]*\n")
CHOICE = re.compile(r"^[\s\u200e\u200f]*[#(]?\s*(\d{1,3})\s*[.)]?[\s\u200e\u200f]*$")


# ---------------------------------------------------------------------------------------------
# Lengths, graphemes, titles


def width(text: str) -> int:
    """Length in UTF-16 code units (what the apps count; an emoji is 2)."""
    return len(text.encode("utf-16-le")) // 2


def graphemes(text: str) -> list[str]:
    """User-perceived characters: `\\X` clusters, a virama joined to the consonant after it.

    `\\X` keeps every combining mark with its letter (Devanagari and Bengali vowel signs,
    Arabic harakat). The `regex` module predates Unicode 15.1's conjunct rule, so "क्ष" would
    come out as "क्" + "ष"; joining across a virama keeps a conjunct whole.
    """
    clusters: list[str] = []
    for cluster in regex.findall(r"\X", text):
        if clusters and _joins_next(clusters[-1]) and unicodedata.category(cluster[0])[0] == "L":
            clusters[-1] += cluster
        else:
            clusters.append(cluster)
    return clusters


def _joins_next(cluster: str) -> bool:
    last = cluster[-1]
    return last in (ZWJ, ZWNJ) or unicodedata.combining(last) == 9  # 9: virama


def shorten(text: str, limit: int) -> str:
    """`text` within `limit`, cut between graphemes (at a word if one is near) and ended "…"."""
    text = " ".join(text.split())
    if width(text) <= limit:
        return text
    room = limit - width(ELLIPSIS)
    kept: list[str] = []
    used = 0
    for cluster in graphemes(text):
        if used + width(cluster) > room:
            break
        kept.append(cluster)
        used += width(cluster)
    spaces = [i for i, cluster in enumerate(kept) if cluster.isspace()]
    if spaces and spaces[-1] >= len(kept) * 0.6:  # a word boundary close to the end: cut there
        kept = kept[: spaces[-1]]
    while kept and (kept[-1].isspace() or kept[-1] in BIDI_MARKS):
        kept.pop()
    return "".join(kept) + ELLIPSIS


def unique_titles(titles: Sequence[str], limit: int) -> list[str]:
    """Each title shortened to `limit`, then numbered (" 2", " 3") where two came out equal.

    WhatsApp refuses a message whose reply buttons share a title, and two list rows that read
    the same cannot be told apart by the person either.
    """
    result = [shorten(title, limit) for title in titles]
    for index, title in enumerate(result):
        count = 1
        while title in result[:index]:
            count += 1
            suffix = f" {count}"
            title = shorten(titles[index], limit - width(suffix)) + suffix
        result[index] = title
    return result


# ---------------------------------------------------------------------------------------------
# Splitting long text

Span = tuple[int, int]
LEVELS = ("paragraph", "line", "word", "grapheme")


def _pieces(text: str, start: int, end: int, level: int) -> list[Span]:
    """The non-empty units of `text[start:end]` at a level, as spans of `text`."""
    if LEVELS[level] == "grapheme":
        spans, position = [], start
        for cluster in graphemes(text[start:end]):
            spans.append((position, position + len(cluster)))
            position += len(cluster)
        return spans
    pattern = {"paragraph": PARAGRAPH_BREAK, "line": re.compile(r"\n"), "word": re.compile(r" +")}[
        LEVELS[level]
    ]
    spans, position = [], start
    for separator in pattern.finditer(text, start, end):
        spans.append((position, separator.start()))
        position = separator.end()
    spans.append((position, end))
    return [(s, e) for s, e in spans if text[s:e].strip(" \t\n" + BIDI_MARKS)]


def _continues_rtl_line(text: str, start: int) -> bool:
    """True when `start` is inside a line that began with a RIGHT-TO-LEFT MARK."""
    line_start = text.rfind("\n", 0, start) + 1
    return line_start < start and text.startswith(RLM, line_start)


def _chunk_text(text: str, span: Span) -> str:
    start, end = span
    part = text[start:end]
    if _continues_rtl_line(text, start) and not part.startswith(RLM):
        part = RLM + part  # the second half of a cut right-to-left line stays right-to-left
    return part


def _forward(text: str, start: int, end: int, limit: int, level: int) -> list[Span]:
    # Below the line level a part may get a RIGHT-TO-LEFT MARK in front: keep room for it.
    room = limit - 1 if level >= 2 else limit
    if width(text[start:end]) <= room:
        return [(start, end)]
    chunks: list[Span] = []
    current: Span | None = None
    last_level = level == len(LEVELS) - 1
    for piece in _pieces(text, start, end, level):
        if width(text[piece[0] : piece[1]]) > room and not last_level:
            if current:
                chunks.append(current)
                current = None
            chunks += _forward(text, piece[0], piece[1], limit, level + 1)
        elif current and width(text[current[0] : piece[1]]) <= room:
            current = (current[0], piece[1])
        else:
            if current:
                chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def _tail_start(text: str, start: int, end: int, limit: int, level: int) -> int:
    """Where the longest ending of `text[start:end]` made of whole units, and fitting, starts."""
    room = limit - 1 if level >= 2 else limit
    if width(text[start:end]) <= room:
        return start
    pieces = _pieces(text, start, end, level)
    best = None
    for piece_start, _ in reversed(pieces):
        if width(text[piece_start:end]) > room:
            break
        best = piece_start
    if best is not None:
        return best
    last_start, last_end = pieces[-1]
    if level == len(LEVELS) - 1:  # one grapheme longer than the limit: nothing better to do
        return last_start
    return _tail_start(text, last_start, last_end, limit, level + 1)


def split_text(text: str, limit: int, last_limit: int | None = None) -> list[str]:
    """`text` in parts of at most `limit`, cut at paragraphs, else lines, else words.

    With `last_limit`, the last part is at most that long (the body of an interactive
    message is shorter than a text message): the parts before it are texts of up to `limit`.
    """
    text = text.strip()
    if not text:
        return []
    end = len(text)
    if last_limit is None or width(text) <= last_limit:
        return [_chunk_text(text, span) for span in _forward(text, 0, end, limit, 0)]
    tail = _tail_start(text, 0, end, last_limit, 0)
    head = text[:tail].rstrip(" \t\n" + BIDI_MARKS)
    if not head:
        return [_chunk_text(text, (tail, end))]
    parts = [_chunk_text(text, span) for span in _forward(head, 0, len(head), limit, 0)]
    # `head` is a prefix of `text`, so its spans are spans of `text` too.
    return [*parts, _chunk_text(text, (tail, end))]


# ---------------------------------------------------------------------------------------------
# Rendering a bot message for an app


@dataclass(frozen=True)
class Limits:
    """What one app accepts. WhatsApp Cloud API by default."""

    text: int = 4096
    body: int = 1024
    header: int = 60
    footer: int = 60
    buttons: int = 3
    button_title: int = 20
    rows: int = 10
    row_title: int = 24
    row_description: int = 72
    list_button: int = 20
    button_id: int = 256
    row_id: int = 200
    interactive: bool = True


TWILIO_LIMITS = Limits(text=1600, interactive=False)


@dataclass(frozen=True)
class Option:
    title: str
    payload: str


@dataclass(frozen=True)
class Row:
    id: str
    title: str
    description: str | None = None


@dataclass(frozen=True)
class Outgoing:
    """One message to send: plain text, or a text with reply buttons or a list."""

    kind: Literal["text", "buttons", "list"]
    text: str
    rows: tuple[Row, ...] = ()
    menu_label: str = ""


@dataclass
class Rendered:
    messages: list[Outgoing]
    numbered: list[str] = field(default_factory=list)  # payloads of the numbered options


def options(buttons: Iterable[dict[str, Any]] | None) -> list[Option]:
    """The bot's buttons that can be chosen (a title and a payload; link buttons are not)."""
    found = []
    for button in buttons or []:
        title, payload = button.get("title"), button.get("payload")
        if isinstance(title, str) and isinstance(payload, str) and title.strip() and payload:
            found.append(Option(title.strip(), payload))
    return found


def numbered_lines(choices: Sequence[Option], first: int, language: str | None) -> str:
    """ "1. English\\n2. العربية…", marked right-to-left in Arabic and Urdu conversations."""
    lines = "\n".join(f"{first + i}. {option.title}" for i, option in enumerate(choices))
    return mark(lines, language)


def render(
    text: str | None,
    buttons: Iterable[dict[str, Any]] | None,
    language: str | None,
    limits: Limits = Limits(),
    first_number: int = 1,
) -> Rendered:
    """How one bot message travels on an app with these limits.

    `first_number` continues the numbering of earlier numbered options in the same turn, so
    that every number the person sees in one turn means one thing.
    """
    text = (text or "").strip()
    choices = options(buttons)
    t = Translator(language)
    if not choices:
        return Rendered([Outgoing("text", part) for part in split_text(text, limits.text)])
    count = len(choices)
    payloads = [option.payload for option in choices]
    if limits.interactive and count <= limits.rows:
        as_buttons = count <= limits.buttons
        id_limit = limits.button_id if as_buttons else limits.row_id
        if all(len(payload) <= id_limit for payload in payloads):
            body = text or mark(t.text("messaging.choose"), t.language)
            parts = split_text(body, limits.text, last_limit=limits.body)
            head = [Outgoing("text", part) for part in parts[:-1]]
            if as_buttons:
                titles = unique_titles([o.title for o in choices], limits.button_title)
                rows = tuple(
                    Row(o.payload, title) for o, title in zip(choices, titles, strict=True)
                )
                return Rendered([*head, Outgoing("buttons", parts[-1], rows)])
            titles = unique_titles([o.title for o in choices], limits.row_title)
            rows = tuple(
                Row(
                    o.payload,
                    title,
                    None if title == o.title else shorten(o.title, limits.row_description),
                )
                for o, title in zip(choices, titles, strict=True)
            )
            label = shorten(t.text("button.menu"), limits.list_button)
            return Rendered([*head, Outgoing("list", parts[-1], rows, label)])
    hint = mark(t.text("messaging.reply_number"), t.language)
    menu = numbered_lines(choices, first_number, t.language)
    full = mark("\n\n".join(part for part in (text, menu, hint) if part), t.language)
    return Rendered([Outgoing("text", part) for part in split_text(full, limits.text)], payloads)


def parse_choice(text: str | None) -> int | None:
    """The number a person answered with ("3", " 3.", "(3)", "٣", "३"), or None."""
    if not text:
        return None
    found = CHOICE.match(text)
    return int(found.group(1)) if found else None  # int() reads every script's decimal digits


# ---------------------------------------------------------------------------------------------
# Memory per sender (in this process only; bounded, and forgetting by itself). With several
# Rasa servers, `channels.shared_state` keeps the same in Redis (REDIS_URL / BOT_ENV=production).

V = TypeVar("V")


class TTLCache(Generic[V]):
    """A least-recently-used map whose entries also expire: memory stays bounded by both."""

    def __init__(
        self, max_entries: int, ttl: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_entries, self.ttl, self.clock = max_entries, ttl, clock
        self._items: OrderedDict[str, tuple[float, V]] = OrderedDict()

    def get(self, key: str) -> V | None:
        item = self._items.get(key)
        if item is None:
            return None
        stored, value = item
        if self.clock() - stored > self.ttl:
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return value

    def set(self, key: str, value: V) -> None:
        self._items[key] = (self.clock(), value)
        self._items.move_to_end(key)
        self._expire()

    def pop(self, key: str) -> V | None:
        value = self.get(key)
        self._items.pop(key, None)
        return value

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def __len__(self) -> int:
        self._expire()
        return len(self._items)

    def _expire(self) -> None:
        while len(self._items) > self.max_entries:
            self._items.popitem(last=False)
        now = self.clock()
        while self._items:
            key, (stored, _) = next(iter(self._items.items()))
            if now - stored <= self.ttl:
                break
            del self._items[key]


class SeenIds:
    """Message ids already accepted: the apps retry a webhook (Meta for about a day).

    Only a hash of each id is kept: a WhatsApp message id encodes the sender's phone number.
    """

    def __init__(self, max_entries: int = 100_000, ttl: float = 26 * 3600, clock=time.monotonic):
        self._seen: TTLCache[bool] = TTLCache(max_entries, ttl, clock)

    def first_time(self, message_id: str) -> bool:
        """True the first time an id is seen (and remembers it), False for a repeat."""
        key = hashlib.blake2b(message_id.encode("utf-8"), digest_size=16).hexdigest()
        if key in self._seen:
            return False
        self._seen.set(key, True)
        return True


@dataclass
class SenderState:
    last_user_at: float = 0.0  # wall-clock time of the person's latest message
    language: str | None = None  # the language of the bot's latest message to them
    menu: tuple[str, ...] = ()  # payload of numbered option n at index n - 1


WINDOW = 24 * 3600  # WhatsApp: free-form messages only within 24 h of the person's last message


class Conversations:
    """What a channel remembers about each pseudonymous sender, in memory only.

    Bounded (least recently used first out) and forgetting after `ttl`: the numbered menu the
    person was last shown, when they last wrote (the 24-hour window), and the language of the
    bot's last message (to say "I can only read text" in their language).
    """

    def __init__(
        self,
        max_senders: int = 10_000,
        ttl: float = WINDOW + 3600,
        clock: Callable[[], float] = time.time,
        window: float = WINDOW,
    ) -> None:
        self.clock, self.window = clock, window
        self._states: TTLCache[SenderState] = TTLCache(max_senders, ttl, clock)

    def _state(self, sender: str) -> SenderState:
        state = self._states.get(sender)
        if state is None:
            state = SenderState()
        self._states.set(sender, state)
        return state

    def user_wrote(self, sender: str, at: float | None = None) -> None:
        """The person wrote at `at` (the app's timestamp; a retried webhook may be old)."""
        now = self.clock()
        at = now if at is None else min(at, now)
        state = self._state(sender)
        state.last_user_at = max(state.last_user_at, at)

    def within_window(self, sender: str) -> bool:
        state = self._states.get(sender)
        return bool(state and self.clock() - state.last_user_at <= self.window)

    def answer(self, sender: str, text: str) -> str:
        """The payload of the numbered option the person chose, else their text as it is.

        A menu is used once: whatever the person writes next replaces it.
        """
        state = self._states.get(sender)
        if state is None:
            return text
        menu, state.menu = state.menu, ()
        number = parse_choice(text)
        if number is not None and 1 <= number <= len(menu):
            return menu[number - 1]
        return text

    def remember(self, sender: str, menu: Sequence[str], language: str | None) -> None:
        state = self._state(sender)
        state.menu = tuple(menu)
        if language:
            state.language = language

    def language(self, sender: str) -> str | None:
        state = self._states.get(sender)
        return state.language if state else None


# ---------------------------------------------------------------------------------------------
# Acknowledge now, work later


class Inbox:
    """Runs each accepted message in the background, in arrival order per sender.

    Webhooks must be answered at once (Meta retries slow ones), while an answer may take the
    bot a second: the channel acknowledges, then the work runs here. Per-sender locks keep one
    person's messages in order; different people do not wait for each other.
    """

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task] = set()
        self._locks: dict[str, tuple[asyncio.Lock, list[int]]] = {}  # sender → (lock, [users])

    def submit(self, sender: str, work: Callable[[], Awaitable[None]]) -> None:
        task = asyncio.get_running_loop().create_task(self._run(sender, work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _run(self, sender: str, work: Callable[[], Awaitable[None]]) -> None:
        lock, users = self._locks.setdefault(sender, (asyncio.Lock(), [0]))
        users[0] += 1
        try:
            async with lock:
                await work()
        except Exception:  # never the message or the number in the log
            logger.exception("handling a message in the background failed")
        finally:
            users[0] -= 1
            if not users[0]:
                del self._locks[sender]

    async def drain(self) -> None:
        """Wait for everything submitted so far (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)


__all__ = [
    "TWILIO_LIMITS",
    "Conversations",
    "Inbox",
    "Limits",
    "Option",
    "Outgoing",
    "Rendered",
    "Row",
    "SeenIds",
    "TTLCache",
    "graphemes",
    "numbered_lines",
    "options",
    "parse_choice",
    "render",
    "shorten",
    "split_text",
    "unique_titles",
    "width",
]

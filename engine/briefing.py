"""Pre-departure briefings: a one-page handout (HTML and PDF) and a trainer's slide page.

Built from the same tables and the same i18n layer as the bot: `resolve()` decides what
applies, `Translator` gives every word (`briefing.*` keys of i18n/strings.yml, table text through
the tables catalog), CLDR names the countries and formats the dates. The page is laid out in the
language's direction (Arabic and Urdu right-to-left).

The QR code (pure-Python `qrcode`, inline SVG) opens the web chat with the corridor preset:
`<chat-url>?origin=NP&destination=QA&sector=construction&lang=ne`. The link carries the corridor
and the language only: nothing that identifies a person.

PDF: printed by the system's Chromium (`--headless --print-to-pdf`), the browser the web chat's
tests already install from Debian (scripts/install-browser): HarfBuzz shapes Devanagari and
Arabic with the Noto fonts, and no extra Python package (WeasyPrint and its dependencies) has to
fit beside Rasa's pins. If the content does not fit one A4 page, it is printed again smaller.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from string import Template
from urllib.parse import quote, urlencode

from engine import vocab
from engine.model import Institution
from engine.resolve import Profile, Resolution, SourceRef, resolve
from engine.store import Store
from i18n.catalog import Translator
from i18n.languages import direction
from i18n.names import country_name, date, language_name

TEMPLATE = Path(__file__).resolve().parent / "templates" / "briefing.html"
DEFAULT_CHAT_URL = "http://127.0.0.1:5005/webhooks/webchat/"
STATUS = "migrant_worker"  # a handout is for people leaving to work
CONTACT_FIELDS = ("phone", "whatsapp", "sms", "email", "url", "app")
KEEP_KEYS = (
    "briefing.keep_contract",
    "briefing.keep_receipts",
    "briefing.keep_payslips",
    "briefing.keep_insurance",
    "briefing.keep_copies",
)
SCALES = (1.0, 0.92, 0.84, 0.76, 0.68, 0.6)
CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome")
ICONS = {
    "covered": "✔",
    "employer_pays": "✔",
    "partial": "◐",
    "voluntary": "+",
    "not_covered": "✘",
    "unknown": "?",
    "uncertain": "!",
}


def chat_link(chat_url: str, origin: str, destination: str, sector: str | None, lang: str) -> str:
    """The web chat with the corridor preset; no personal data."""
    params = {"origin": origin, "destination": destination}
    if sector:
        params["sector"] = sector
    params["lang"] = lang
    return f"{chat_url}?{urlencode(params)}"


def start_text(
    origin: str, destination: str, sector: str | None, lang: str | None = None
) -> str:
    """What the wa.me link pre-fills; `channels.corridor.parse_start` reads it back."""
    return " ".join(p for p in ("START", origin, destination, sector, lang) if p)


def whatsapp_link(
    number: str, origin: str, destination: str, sector: str | None, lang: str | None = None
) -> str:
    digits = re.sub(r"\D", "", number)
    return f"https://wa.me/{digits}?text={quote(start_text(origin, destination, sector, lang))}"


def qr_svg(data: str) -> str:
    """The QR code as inline SVG; its payload also in <title> (and so in the page's text)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(data, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    svg = image.to_string(encoding="unicode")
    svg = re.sub(r"<\?xml[^>]*\?>", "", svg).strip()
    title = f'<title>{html.escape(data)}</title><desc data-payload="{html.escape(data)}"/>'
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + title, svg, count=1)


class _Sources:
    """Numbers sources in order of first citation; each carries its review date."""

    def __init__(self) -> None:
        self.refs: dict[str, SourceRef] = {}

    def cite(self, refs: Iterable[SourceRef]) -> str:
        numbers = set()
        for ref in refs:
            self.refs.setdefault(ref.text, ref)
            numbers.add(list(self.refs).index(ref.text) + 1)
        if not numbers:
            return ""
        return '<sup class="cite">' + ",".join(str(n) for n in sorted(numbers)) + "</sup>"

    def fact(self, fact) -> str:
        return self.cite(SourceRef(s, fact.last_reviewed) for s in fact.sources)


def _e(text: str | None) -> str:
    return html.escape(text or "")


def _bdi(text: str | None) -> str:
    """Latin names and numbers isolated inside right-to-left text."""
    return f"<bdi>{_e(text)}</bdi>"


def _contact(item: Institution, t: Translator, sources: _Sources) -> str:
    channels = [
        _e(t.text(f"contact.{name}", value="\x00")).replace("\x00", _bdi(getattr(item, name)))
        for name in CONTACT_FIELDS
        if getattr(item, name)
    ]
    if item.hours:
        channels.append(_e(t.text("contact.hours", value=t.table(item.hours))))
    line = f"<strong>{_e(t.table(item.name))}</strong>{sources.fact(item)}"
    if channels:
        line += '<br><span class="channels">' + " · ".join(channels) + "</span>"
    return f"<li>{line}</li>"


@dataclass
class Briefing:
    """One corridor's handout, rendered."""

    html: str
    chat_url: str
    whatsapp_url: str | None


def _entitled(res: Resolution, t: Translator, sources: _Sources, slide: bool = False) -> str:
    rows = []
    for finding in res.findings.values():
        level = finding.level
        cite = sources.cite(finding.sources) if finding.known or finding.schemes else ""
        schemes = ", ".join(t.table(s.name) for s in finding.schemes)
        extra = f' <span class="plus">+ {_e(schemes)}</span>' if schemes else ""
        rows.append(
            f'<tr class="level-{level}"><td class="icon">{ICONS[level]}</td>'
            f"<th>{_e(t.text(f'branch.{finding.branch}'))}</th>"
            f"<td>{_e(t.text(f'level.{level}'))}{extra}{'' if slide else cite}</td></tr>"
        )
    return '<table class="branches">' + "".join(rows) + "</table>"


def _register(res: Resolution, t: Translator, sources: _Sources, places: dict) -> str:
    items = []
    for scheme in res.schemes:
        steps = " ".join(t.table(s) for s in scheme.how_to_join)
        parts = [f"<strong>{_e(t.table(scheme.name))}</strong>{sources.fact(scheme)}"]
        parts.append(_e(t.table(scheme.summary)))
        if steps:
            parts.append(_e(t.text("briefing.how_to_join", steps=steps)))
        if scheme.contribution:
            parts.append(_e(t.text("briefing.contribution", value=t.table(scheme.contribution))))
        items.append("<li>" + "<br>".join(parts) + "</li>")
    if not items:
        return f"<p>{_e(t.text('briefing.register_none', **places))}</p>"
    return "<ul>" + "".join(items) + "</ul>"


def _contacts(res: Resolution, t: Translator, sources: _Sources, where: str) -> list[Institution]:
    seen: set[str] = set()
    found = []
    for item in [*res.emergency, *res.complain, *res.help]:
        if item.id in seen or item.where != where:
            continue
        seen.add(item.id)
        found.append(item)
    return found


def _contact_list(items: list[Institution], t: Translator, sources: _Sources, none: str) -> str:
    if not items:
        return f"<p>{_e(none)}</p>"
    return "<ul>" + "".join(_contact(i, t, sources) for i in items) + "</ul>"


def _sources_html(sources: _Sources, t: Translator, res: Resolution) -> str:
    lines = []
    for number, ref in enumerate(sources.refs.values(), start=1):
        lines.append(
            "<li>"
            + _e(
                t.text(
                    "sources.line",
                    number=number,
                    source="\x00",
                    date=date(ref.last_reviewed, t.language),
                )
            ).replace("\x00", _bdi(ref.text))
            + "</li>"
        )
    version = _e(t.text("sources.version", version=res.version.content_hash))
    return f"<ol class='sources'>{''.join(lines)}</ol><p class='version'>{version}</p>"


def _fill(values: dict[str, str]) -> str:
    return Template(TEMPLATE.read_text(encoding="utf-8")).substitute(values)


def render_handout(
    store: Store,
    origin: str,
    destination: str,
    sector: str | None,
    lang: str,
    chat_url: str = DEFAULT_CHAT_URL,
    whatsapp_number: str | None = None,
    scale: float = 1.0,
) -> Briefing:
    t = Translator(lang)
    res = resolve(store, Profile(STATUS, sector, origin, destination))
    places = {
        "origin": country_name(origin, t.language),
        "destination": country_name(destination, t.language),
    }
    sources = _Sources()
    link = chat_link(chat_url, origin, destination, sector, t.language)
    wa = (
        whatsapp_link(whatsapp_number, origin, destination, sector, t.language)
        if whatsapp_number
        else None
    )
    sector_name = t.text(f"sector.{sector}") if sector else t.text("briefing.any_sector")
    entitled = _entitled(res, t, sources)
    if not res.destination_known:
        entitled = f"<p>{_e(t.text('briefing.no_destination', **places))}</p>"
    unknown = sum(1 for f in res.findings.values() if f.level == "unknown")
    if unknown and res.destination_known:
        entitled += f"<p class='note'>{_e(t.text('briefing.unknown', count=unknown))}</p>"
    register = _register(res, t, sources, places)
    keep = "<ul>" + "".join(f"<li>{_e(t.text(k))}</li>" for k in KEEP_KEYS) + "</ul>"
    there = _contact_list(
        _contacts(res, t, sources, destination), t, sources, t.text("briefing.no_contacts")
    )
    home = _contact_list(
        _contacts(res, t, sources, origin), t, sources, t.text("briefing.no_contacts")
    )
    wa_html = ""
    if wa:
        wa_html = f"<p class='wa'>{_e(t.text('briefing.whatsapp'))} <bdi>{_e(wa)}</bdi></p>"
    reviewed = res.findings and min(
        (f.last_reviewed for f in res.findings.values() if f.last_reviewed), default=None
    )
    values = {
        "lang": t.language,
        "dir": direction(t.language),
        "scale": f"{scale:.2f}",
        "title": _e(t.text("briefing.title", **places)),
        "subtitle": _e(
            t.text(
                "briefing.subtitle",
                sector=sector_name,
                status=t.text(f"status.{STATUS}"),
                **places,
            )
        ),
        "language_name": _e(language_name(t.language)),
        "h_entitled": _e(t.text("briefing.entitled_header", **places)),
        "entitled": entitled,
        "h_register": _e(t.text("briefing.register_header", **places)),
        "register": register,
        "h_keep": _e(t.text("briefing.keep_header")),
        "keep": keep,
        "h_there": _e(t.text("briefing.contacts_there", **places)),
        "there": there,
        "h_home": _e(t.text("briefing.contacts_home", **places)),
        "home": home,
        "qr": qr_svg(link),
        "qr_caption": _e(t.text("briefing.qr_caption")),
        "chat_url": _e(link),
        "whatsapp": wa_html,
        "privacy": _e(t.text("briefing.no_personal_data")),
        "h_sources": _e(t.text("sources.header")),
        "sources": _sources_html(sources, t, res),
        "disclaimer": _e(
            t.text("briefing.disclaimer", date=date(reviewed, t.language) if reviewed else "—")
        ),
    }
    return Briefing(_fill(values), link, wa)


def render_slides(
    store: Store, origin: str, destination: str, lang: str, chat_url: str = DEFAULT_CHAT_URL
) -> str:
    """Trainer mode: one large-type section per sector, for a projector."""
    t = Translator(lang)
    places = {
        "origin": country_name(origin, t.language),
        "destination": country_name(destination, t.language),
    }
    sections = []
    for sector in vocab.SECTORS:
        res = resolve(store, Profile(STATUS, sector, origin, destination))
        sources = _Sources()
        link = chat_link(chat_url, origin, destination, sector, t.language)
        sections.append(
            "<section class='slide'>"
            f"<h2>{_e(t.text(f'sector.{sector}'))}</h2>"
            f"<div class='slide-body'>{_entitled(res, t, sources, slide=True)}"
            f"<figure class='qr'>{qr_svg(link)}<figcaption>"
            f"{_e(t.text('briefing.qr_caption'))}</figcaption></figure></div>"
            "</section>"
        )
    title = _e(t.text("briefing.title", **places))
    return f"""<!doctype html>
<html lang="{t.language}" dir="{direction(t.language)}">
<head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: "Noto Sans", "Noto Sans Devanagari", "Noto Naskh Arabic",
  "Noto Nastaliq Urdu", "Noto Sans Bengali", "Noto Sans Ethiopic", sans-serif; margin: 0; }}
section.slide {{ min-height: 100vh; box-sizing: border-box; padding: 4vh 5vw;
  page-break-after: always; border-bottom: 4px solid #0b5; }}
h1 {{ font-size: 4vw; margin: 4vh 5vw; }}
h2 {{ font-size: 3.6vw; margin: 0 0 2vh; }}
.slide-body {{ display: flex; gap: 3vw; align-items: flex-start; }}
table.branches {{ font-size: 2.4vw; border-collapse: collapse; flex: 1; }}
table.branches td, table.branches th {{ padding: .4vh 1vw; text-align: start; }}
.icon {{ font-weight: bold; }}
.level-covered .icon, .level-employer_pays .icon {{ color: #070; }}
.level-not_covered .icon {{ color: #b00; }}
.level-unknown .icon, .level-uncertain .icon {{ color: #a60; }}
figure.qr {{ width: 22vw; margin: 0; text-align: center; font-size: 1.6vw; }}
figure.qr svg {{ width: 100%; height: auto; }}
</style></head>
<body><h1>{title}</h1>
{"".join(sections)}
</body></html>
"""


def chromium() -> str:
    for name in CHROMIUM:
        found = shutil.which(name)
        if found:
            return found
    raise RuntimeError("no Chromium found: run scripts/install-browser")


def print_pdf(html_file: Path, pdf_file: Path) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium(),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-pdf-header-footer",
                f"--user-data-dir={profile}",
                f"--print-to-pdf={pdf_file}",
                html_file.resolve().as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )


def pdf_pages(pdf_file: Path) -> int:
    if shutil.which("pdfinfo"):
        out = subprocess.run(
            ["pdfinfo", str(pdf_file)], capture_output=True, text=True, check=True
        ).stdout
        match = re.search(r"^Pages:\s+(\d+)", out, re.M)
        if match:
            return int(match.group(1))
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf_file.read_bytes()))


def write_handout(
    store: Store,
    origin: str,
    destination: str,
    sector: str | None,
    lang: str,
    out: Path,
    chat_url: str = DEFAULT_CHAT_URL,
    whatsapp_number: str | None = None,
    pdf: bool = True,
) -> tuple[Path, Path | None, Briefing]:
    """Write <out>/briefing-<O>-<D>[-sector]-<lang>.html and .pdf (one A4 page)."""
    out.mkdir(parents=True, exist_ok=True)
    stem = "-".join(p for p in ("briefing", origin, destination, sector, lang) if p)
    html_file, pdf_file = out / f"{stem}.html", out / f"{stem}.pdf"
    briefing = None
    for scale in SCALES:
        briefing = render_handout(
            store, origin, destination, sector, lang, chat_url, whatsapp_number, scale
        )
        html_file.write_text(briefing.html, encoding="utf-8")
        if not pdf:
            return html_file, None, briefing
        print_pdf(html_file, pdf_file)
        if pdf_pages(pdf_file) == 1:
            break
    assert briefing is not None
    return html_file, pdf_file, briefing


def write_slides(
    store: Store, origin: str, destination: str, lang: str, out: Path, chat_url: str
) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"trainer-{origin}-{destination}-{lang}.html"
    path.write_text(render_slides(store, origin, destination, lang, chat_url), encoding="utf-8")
    return path


def corridors(store: Store) -> list[tuple[str, str]]:
    """Every origin × destination pair the tables know."""
    return [
        (o, d)
        for o in store.country_codes("origin")
        for d in store.country_codes("destination")
        if o != d
    ]

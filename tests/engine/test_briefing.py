"""Pre-departure briefings: one printed page in Nepali and Arabic, facts from the tables.

Needs Chromium and poppler-utils (scripts/install-browser). The PNGs of page 1 are kept in
test-artifacts/ (briefing-ne.png, briefing-ar.png) for a person to look at.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import unquote

import pytest

from channels.corridor import parse_start
from engine import briefing
from engine.resolve import Profile, resolve
from engine.settings import PROJECT_ROOT, tables_dir
from engine.store import Store
from i18n.catalog import Translator
from i18n.names import country_name

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHAT = "http://127.0.0.1:5005/webhooks/webchat/"

pytestmark = pytest.mark.skipif(
    not (shutil.which("pdftotext") and shutil.which("pdftoppm") and shutil.which("chromium")),
    reason="needs chromium and poppler-utils: scripts/install-browser",
)


@pytest.fixture(scope="module")
def store() -> Store:
    return Store.from_tables(tables_dir())


def _text(pdf: Path) -> str:
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True)
    return " ".join(out.stdout.split())


BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def _squash(text: str) -> str:
    """pdftotext may split a word where a conjunct breaks: compare without spaces or marks."""
    return "".join(text.translate(BIDI).split())


def _has(expected: str, text: str) -> bool:
    """Each word in the text (mixed Arabic and Latin words come out in visual order)."""
    return all(_squash(word).strip(":.،,") in text for word in expected.split())


@pytest.mark.parametrize(
    ("origin", "destination", "sector", "lang"),
    [("NP", "QA", "construction", "ne"), ("BD", "SA", "construction", "ar")],
)
def test_handout_is_one_page_with_the_tables_facts(
    store, tmp_path, origin, destination, sector, lang
):
    html_file, pdf_file, made = briefing.write_handout(
        store,
        origin,
        destination,
        sector,
        lang,
        tmp_path,
        chat_url=CHAT,
        whatsapp_number="+974 5555 0000",
    )
    assert briefing.pdf_pages(pdf_file) == 1
    page = html_file.read_text(encoding="utf-8")
    direction = "rtl" if lang == "ar" else "ltr"
    assert f'dir="{direction}"' in page and f'lang="{lang}"' in page

    expected_url = f"{CHAT}?origin={origin}&destination={destination}&sector={sector}&lang={lang}"
    assert made.chat_url == expected_url
    assert f"<title>{expected_url.replace('&', '&amp;')}</title>" in page  # the QR's payload
    assert made.whatsapp_url == (
        f"https://wa.me/97455550000?text=START%20{origin}%20{destination}%20{sector}%20{lang}"
    )
    assert parse_start(unquote(made.whatsapp_url.split("text=")[1])) == {
        "origin": origin,
        "destination": destination,
        "sector": sector,
        "language": lang,
    }

    text = _squash(_text(pdf_file))
    t = Translator(lang)
    res = resolve(store, Profile("migrant_worker", sector, origin, destination))
    assert _squash(country_name(destination, lang)) in text
    for branch, finding in res.findings.items():
        assert _squash(t.text(f"branch.{branch}")) in text, branch
        assert _squash(t.text(f"level.{finding.level}")) in text, finding.level
    for scheme in res.schemes:
        assert _has(t.table(scheme.name), text), scheme.name
    for item in [*res.emergency, *res.complain]:
        if item.phone:
            assert _squash(item.phone) in text
    assert _has(t.text("sources.header"), text)

    ARTIFACTS.mkdir(exist_ok=True)
    target = ARTIFACTS / f"briefing-{lang}"
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(pdf_file),
            str(target),
        ],
        check=True,
    )
    assert target.with_suffix(".png").stat().st_size > 10_000
    print(f"rendered handout page: {target.with_suffix('.png')}")


def test_trainer_mode_has_one_section_per_sector(store, tmp_path):
    from engine import vocab

    path = briefing.write_slides(store, "NP", "QA", "ne", tmp_path, CHAT)
    page = path.read_text(encoding="utf-8")
    assert page.count("class='slide'") == len(vocab.SECTORS)
    assert "sector=domestic_work" in page


def test_links_carry_no_personal_data():
    url = briefing.chat_link(CHAT, "NP", "QA", None, "ne")
    assert url == f"{CHAT}?origin=NP&destination=QA&lang=ne"

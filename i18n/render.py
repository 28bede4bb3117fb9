"""Turn the engine's findings into short messages a person reads on a cheap phone.

Every text comes from the catalogs (`strings.yml` keys and table text); this module only decides
what to say and in which order. Each answer ends with its numbered sources and review dates.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from babel.lists import format_list

from engine import vocab
from engine.model import Institution
from engine.resolve import Finding, Reason, Resolution, SourceRef
from i18n.catalog import Translator
from i18n.names import country_name, date, language_name, locale

ICONS = {
    "covered": "✅",
    "employer_pays": "✅",
    "partial": "🟡",
    "voluntary": "➕",
    "not_covered": "❌",
    "unknown": "❔",
    "uncertain": "⚠️",
}
CONTACT_FIELDS = ("phone", "sms", "whatsapp", "url", "email", "app")
MAX_HELP_NAMES = 3


@dataclass
class Message:
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)


def payload(intent: str, **entities: str) -> str:
    """A button payload that Rasa parses without NLU: `/intent{"entity": "value"}`."""
    return f"/{intent}{json.dumps(entities, separators=(',', ':'))}" if entities else f"/{intent}"


class Sources:
    """Numbers the sources of one answer so each line can point at them."""

    def __init__(self) -> None:
        self._refs: dict[str, SourceRef] = {}

    def cite(self, refs: Iterable[SourceRef]) -> str:
        numbers = []
        for ref in refs:
            if ref.text not in self._refs:
                self._refs[ref.text] = ref
            numbers.append(list(self._refs).index(ref.text) + 1)
        return "".join(f"[{n}]" for n in sorted(set(numbers)))

    def fact(self, fact: Any) -> str:
        """Cite every source of one table fact, with the fact's review date."""
        return self.cite(SourceRef(source, fact.last_reviewed) for source in fact.sources)

    def render(self, t: Translator, version: str) -> str:
        lines = [t.text("sources.header")]
        for number, ref in enumerate(self._refs.values(), start=1):
            lines.append(
                t.text(
                    "sources.line",
                    number=number,
                    source=f"\u2068{ref.text}\u2069",  # isolated: Latin titles in RTL lines
                    date=date(ref.last_reviewed, t.language),
                )
            )
        lines.append(t.text("sources.version", version=version))
        return "\n".join(lines)

    def __bool__(self) -> bool:
        return bool(self._refs)


def _answer(lines: list[str], sources: Sources, res: Resolution, t: Translator) -> list[Message]:
    """One message: the lines, then the numbered sources they cite, then the topic buttons."""
    text = "\n".join(lines)
    if sources:
        text += "\n\n" + sources.render(t, res.version.content_hash)
    return [Message(text, topic_buttons(t))]


def _refs(reasons: Iterable[Reason]) -> list[SourceRef]:
    return [SourceRef(s, r.last_reviewed) for r in reasons for s in r.sources]


def _places(res: Resolution, t: Translator) -> dict[str, str]:
    return {
        "origin": country_name(res.profile.origin, t.language),
        "destination": country_name(res.profile.destination, t.language),
    }


def _join(items: Sequence[str], t: Translator) -> str:
    return format_list(list(items), locale=locale(t.language)) if items else ""


def help_names(res: Resolution, t: Translator) -> str:
    """Who to ask when the table does not know: origin's funds and attachés first."""
    ranked = sorted(res.help, key=lambda i: (i.country != res.profile.origin, i.id))
    names = [t.table(i.name) for i in ranked[:MAX_HELP_NAMES]]
    return _join(names, t) if names else t.text("contact.fallback_help")


def contact_lines(items: Iterable[Institution], t: Translator, sources: Sources) -> list[str]:
    lines = []
    for item in items:
        channels = [
            t.text(f"contact.{name}", value=getattr(item, name))
            for name in CONTACT_FIELDS
            if getattr(item, name)
        ]
        if item.languages:
            names = [language_name(code, t.language) for code in item.languages]
            channels.append(t.text("contact.languages", value=_join(names, t)))
        if item.hours:
            channels.append(t.text("contact.hours", value=t.table(item.hours)))
        head = t.text("contact.line", name=t.table(item.name))
        cite = sources.fact(item)
        lines.append(" ".join([head, cite]) + ("\n  " + "; ".join(channels) if channels else ""))
        if item.description:
            lines.append("  " + t.table(item.description))
    return lines


def topic_buttons(t: Translator, branches: Iterable[str] = ()) -> list[dict[str, str]]:
    buttons = [
        {"title": t.text(f"branch.{b}"), "payload": payload("ask_benefit", branch=b)}
        for b in branches
    ]
    buttons += [
        {"title": t.text("button.register"), "payload": payload("ask_register")},
        {"title": t.text("button.complain"), "payload": payload("ask_complain")},
        {"title": t.text("button.going_home"), "payload": payload("ask_portability")},
        {"title": t.text("button.start_over"), "payload": payload("restart")},
    ]
    return buttons


def _finding_line(finding: Finding, t: Translator, sources: Sources) -> str:
    key = "summary.line_scheme" if finding.schemes else "summary.line"
    line = t.text(
        key,
        icon=ICONS[finding.level],
        branch=t.text(f"branch.{finding.branch}"),
        level=t.text(f"level.{finding.level}"),
        schemes=_join([t.table(s.name) for s in finding.schemes], t),
    )
    cite = sources.cite(finding.sources) if finding.known or finding.schemes else ""
    return f"{line} {cite}".rstrip()


def summary(res: Resolution, t: Translator) -> list[Message]:
    """The nine branches on one screen, then the sources, then topic buttons."""
    places = _places(res, t)
    sources = Sources()
    header = t.text(
        "summary.header",
        status=t.text(f"status.{res.profile.status}"),
        sector=t.text(f"sector.{res.profile.sector}"),
        **places,
    )
    if not res.destination_known:
        body = t.text("summary.no_destination", help=help_names(res, t), **places)
        return [Message(f"{header}\n\n{body}", topic_buttons(t))]
    lines = [_finding_line(f, t, sources) for f in res.findings.values()]
    unknown = sum(1 for f in res.findings.values() if f.level == "unknown")
    parts = [header, "\n".join(lines)]
    if unknown:
        parts.append(t.text("summary.unknown", count=unknown, help=help_names(res, t)))
    parts.append(sources.render(t, res.version.content_hash))
    interesting = [b for b, f in res.findings.items() if f.known or f.schemes][:3]
    return [
        Message("\n\n".join(parts)),
        Message(t.text("summary.offer"), topic_buttons(t, interesting)),
    ]


def _reason_text(reason: Reason, res: Resolution, t: Translator) -> str:
    places = _places(res, t)
    params = dict(reason.params)
    if reason.kind == "national_law":
        return t.text("detail.legal_basis", basis=t.table(reason.text))
    if reason.kind == "agreement":
        text = t.text(
            "reason.agreement", title=t.table(params.get("title")), summary=t.table(reason.text)
        )
        export = t.text(
            "reason.agreement_export",
            value=t.text(f"answer.{params.get('export', 'unknown')}"),
            totalization=t.text(f"answer.{params.get('totalization', 'unknown')}"),
        )
        return f"{text} {export}"
    if reason.kind == "origin_scheme":
        return t.text(
            "reason.origin_scheme", name=t.table(params.get("name")), summary=t.table(reason.text)
        )
    extra = {k: t.table(v) for k, v in params.items() if k not in places}
    return t.text(f"reason.{reason.code}", **places, **extra)


def branch_detail(res: Resolution, branch: str, t: Translator) -> list[Message]:
    finding = res.findings[branch]
    places = _places(res, t)
    sources = Sources()
    lines = [
        t.text(
            "detail.header",
            branch=t.text(f"branch.{branch}"),
            level=f"{ICONS[finding.level]} {t.text(f'level.{finding.level}')}",
            **places,
        )
    ]
    rule = finding.rule
    if rule is None:
        lines.append(t.text("detail.unknown", help=help_names(res, t), **places))
    else:
        cite = sources.fact(rule)
        lines.append(f"{t.table(rule.summary)} {cite}")
        if rule.scheme:
            lines.append(t.text("detail.scheme", scheme=t.table(rule.scheme)))
        if rule.who_pays:
            lines.append(t.text("detail.who_pays", who_pays=t.table(rule.who_pays)))
        if rule.qualifying_period:
            lines.append(t.text("detail.qualifying_period", period=t.table(rule.qualifying_period)))
        if rule.conditions:
            lines.append(t.text("detail.conditions"))
            lines += [f"• {t.table(c)}" for c in rule.conditions]
        if finding.level == vocab.UNCERTAIN:
            lines.append(t.text("detail.uncertain", help=help_names(res, t)))
    others = [r for r in finding.reasons if r.kind != "origin_scheme"]
    if others or finding.cautions:
        lines.append(t.text("detail.why"))
        for reason in [*others, *finding.cautions]:
            if reason.code == "low_confidence":
                continue
            lines.append(f"• {_reason_text(reason, res, t)} {sources.cite(_refs([reason]))}")
    schemes = [r for r in finding.reasons if r.kind == "origin_scheme"]
    if schemes:
        lines.append(t.text("detail.from_origin", **places))
        for reason in schemes:
            lines.append(f"• {_reason_text(reason, res, t)} {sources.cite(_refs([reason]))}")
        for scheme in finding.schemes:
            lines += [f"  - {t.table(b)}" for b in scheme.benefits]
    return _answer(lines, sources, res, t)


def registration(res: Resolution, t: Translator) -> list[Message]:
    """Where and how to register: the destination's schemes, then the origin's funds."""
    places = _places(res, t)
    sources = Sources()
    lines = [t.text("register.overview", **places)]
    found = False
    for branch, finding in res.findings.items():
        rule = finding.rule
        if rule is None or finding.level in ("unknown", "not_covered"):
            continue
        if not (rule.register or finding.register_at):
            continue
        found = True
        lines.append("")
        lines.append(t.text("register.header", branch=t.text(f"branch.{branch}"), **places))
        if rule.register and rule.register.steps:
            lines += [f"{i}. {t.table(s)}" for i, s in enumerate(rule.register.steps, start=1)]
        if rule.register and rule.register.documents:
            lines.append(t.text("register.documents"))
            lines += [f"• {t.table(d)}" for d in rule.register.documents]
        if finding.register_at:
            lines += contact_lines([finding.register_at], t, sources)
        sources.fact(rule)
    for scheme in res.schemes:
        if not scheme.how_to_join:
            continue
        found = True
        lines.append("")
        steps = " ".join(t.table(s) for s in scheme.how_to_join)
        lines.append(
            t.text("register.scheme_join", name=t.table(scheme.name), steps=steps, **places)
            + " "
            + sources.fact(scheme)
        )
    if not found:
        return _answer(
            [t.text("register.none", help=help_names(res, t), **places)], Sources(), res, t
        )
    return _answer(lines, sources, res, t)


def complaints(res: Resolution, t: Translator) -> list[Message]:
    places = _places(res, t)
    sources = Sources()
    if not res.complain and not res.help:
        return [
            Message(t.text("complain.none", help=help_names(res, t), **places), topic_buttons(t))
        ]
    seen = {i.id for i in res.complain}
    contacts = [*res.complain, *[i for i in res.help if i.id not in seen]]
    if res.profile.status != "undocumented":
        lines = [t.text("complain.header", **places)]
        return _answer([*lines, *contact_lines(contacts, t, sources)], sources, res, t)
    return _answer(_complaints_without_papers(contacts, res, t, sources), sources, res, t)


# Bodies that do not enforce immigration law: a person without papers can go to them first.
SAFER_KINDS = frozenset({"ngo", "union", "embassy", "labour_attache", "welfare_fund"})


def _complaints_without_papers(
    contacts: list[Institution], res: Resolution, t: Translator, sources: Sources
) -> list[str]:
    """The warning before any route, then the safer channels, then the official ones.

    A labour ministry, court, police or social-security office may pass a complainant's details
    to immigration; NGOs, unions, the person's embassy and welfare fund do not enforce
    immigration law. The person is told so before the first official address, never after.
    """
    places = _places(res, t)
    safer = [i for i in contacts if i.kind in SAFER_KINDS]
    official = [i for i in contacts if i.kind not in SAFER_KINDS]
    lines = [t.text("complain.safety_warning", **places)]
    if safer:
        lines += [t.text("complain.safer_header"), *contact_lines(safer, t, sources)]
    else:
        lines.append(t.text("complain.safer_none", **places))
    if official:
        lines += [
            t.text("complain.official_header", **places),
            *contact_lines(official, t, sources),
        ]
    return lines


def portability(res: Resolution, t: Translator) -> list[Message]:
    places = _places(res, t)
    sources = Sources()
    lines = [t.text("portability.header", **places)]
    for fact in res.leaving:
        cite = sources.fact(fact)
        lines.append(f"• {t.table(fact.summary)} {cite}")
    with_rules = [a for a in res.agreements if a.social_security == "yes"]
    for agreement in with_rules:
        cite = sources.fact(agreement)
        lines.append(
            "• "
            + t.text(
                "portability.agreement",
                title=t.table(agreement.title),
                export=t.text(f"answer.{agreement.export_of_benefits}"),
                totalization=t.text(f"answer.{agreement.totalization}"),
            )
            + f" {cite}"
        )
    if not with_rules and res.profile.origin:
        lines.append("• " + t.text("portability.no_agreement", **places))
    if not res.leaving and not with_rules:
        lines.append(t.text("portability.unknown", help=help_names(res, t), **places))
    if res.schemes:
        lines.append(t.text("portability.origin_header", **places))
        for scheme in res.schemes:
            cite = sources.fact(scheme)
            lines.append(f"• {t.table(scheme.name)}: {t.table(scheme.summary)} {cite}")
    return _answer(lines, sources, res, t)


def emergency(res: Resolution, t: Translator, destinations: Sequence[str] = ()) -> list[Message]:
    """Numbers first, nothing before them: the person may have seconds.

    Order: the destination's police/ambulance numbers, its other emergency lines
    (anti-trafficking, migrant hotlines), the embassy and labour attaché, then the origin's lines.
    When the country the person is in is not known yet, general advice comes first and buttons
    of the countries in the tables ask where they are (`destinations`).
    """
    places = _places(res, t)
    sources = Sources()
    contacts = sorted(_emergency_contacts(res), key=lambda i: _emergency_rank(i, res))
    lines = [t.text("emergency.header"), *contact_lines(contacts, t, sources)] if contacts else []
    if not res.profile.destination:
        lines.append(t.text("emergency.where"))
        buttons = [
            {"title": country_name(code, t.language), "payload": payload("emergency", country=code)}
            for code in destinations
        ]
        text = "\n".join(lines)
        return [
            Message(
                text + ("\n\n" + sources.render(t, res.version.content_hash) if contacts else ""),
                buttons,
            )
        ]
    if not contacts:
        return [Message(t.text("emergency.none", **places))]
    lines.append(t.text("emergency.more"))
    return [Message("\n".join(lines) + "\n\n" + sources.render(t, res.version.content_hash))]


def _emergency_contacts(res: Resolution) -> list[Institution]:
    """Emergency-role contacts; without any in the destination, its complaint lines with a phone."""
    contacts = list(res.emergency)
    destination = res.profile.destination
    if destination and not any(i.where == destination for i in contacts):
        seen = {i.id for i in contacts}
        contacts += [
            i for i in res.complain if i.where == destination and i.phone and i.id not in seen
        ]
    return contacts


def _emergency_rank(item: Institution, res: Resolution) -> int:
    """Police/ambulance of the destination, its other lines, embassies, then the origin's.

    Within a rank the table's own order stands (`sorted` is stable): staff put the police first.
    """
    here = item.where == res.profile.destination
    if here and item.kind == "emergency":
        return 0
    if here and item.kind not in ("embassy", "labour_attache"):
        return 1
    return 2 if item.kind in ("embassy", "labour_attache") else 3


def human_help(res: Resolution, t: Translator) -> list[Message]:
    sources = Sources()
    contacts = res.help or res.complain
    if not contacts:
        return [Message(t.text("human.none"))]
    lines = [t.text("human.intro"), *contact_lines(contacts, t, sources)]
    return [Message("\n".join(lines) + "\n\n" + sources.render(t, res.version.content_hash))]


def handoff(
    res: Resolution, t: Translator, reference: str, reply_days: int, new: bool = True
) -> list[Message]:
    """The honest answer to "I want a person": recorded, when staff read it, who to call meanwhile.

    The chat keeps no phone number, so staff cannot reach the person first: the contacts from
    the tables (those `human_help` lists) and the reference to quote are the way to a person. A
    person in danger gets the table's emergency numbers not listed already, and always a button
    that shows them all ("SOS" works too: a safety word, not a guess of the NLU model).
    """
    sources = Sources()
    code = f"\u2068{reference}\u2069"  # isolated: a Latin code inside right-to-left lines
    lines = [
        t.text("handoff.passed" if new else "handoff.updated", reference=code),
        t.text("handoff.reply_time", count=reply_days),
        "",
    ]
    contacts = res.help or res.complain
    if contacts:
        lines += [t.text("handoff.no_phone", reference=code), *contact_lines(contacts, t, sources)]
    else:
        lines.append(t.text("handoff.no_contacts", reference=code))
    listed = {i.id for i in contacts}
    danger = [i for i in res.emergency if i.id not in listed]  # each number once
    title = t.text("button.emergency")
    lines.append("")
    if danger:
        lines += [t.text("emergency.header"), *contact_lines(danger, t, sources)]
    else:
        lines.append(t.text("handoff.danger", button=title))
    text = "\n".join(lines)
    if sources:
        text += "\n\n" + sources.render(t, res.version.content_hash)
    return [Message(text, [{"title": title, "payload": payload("emergency")}])]


# The privacy notice, one paragraph per key (i18n/strings.yml, "privacy.*").
PRIVACY_PARAGRAPHS = (
    "privacy.keeps",
    "privacy.never_asks",
    "privacy.retention",
    "privacy.forget",
    "privacy.sharing",
    "privacy.exit",
    "privacy.not_lawyer",
)


def privacy_notice(t: Translator, retention_days: int) -> list[str]:
    """The notice's paragraphs; the retention period is the one the deletion job uses."""
    return [
        t.text(key, count=retention_days) if key == "privacy.retention" else t.text(key)
        for key in PRIVACY_PARAGRAPHS
    ]


def privacy(t: Translator, retention_days: int) -> list[Message]:
    """The notice in the chat, with the commands that always work and a way to be forgotten."""
    text = "\n\n".join([*privacy_notice(t, retention_days), t.text("privacy.commands")])
    return [Message(text, [{"title": t.text("button.forget_me"), "payload": payload("forget_me")}])]

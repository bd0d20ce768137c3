"""The evidence pack: one ZIP with every ready letter, the timeline, worksheets and reminders."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from ..calculators.deadlines import to_ics
from ._docx import render_docx
from ._fonts import FontCut, cut_for
from ._markup import Block, environment, longdate
from ._pdf import drawn, render_pdf
from ._render import compose, documents_for, resolve
from ._text_formats import markdown_text
from ._vocabulary import spec

__all__ = ["csv_cell", "evidence_pack"]

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


@dataclass(frozen=True)
class _File:
    """One file of the pack and what it is for."""

    name: str
    content: bytes
    about: str


def csv_cell(value: Any) -> str:
    """Return a CSV cell that a spreadsheet cannot run as a formula.

    Text starting with =, +, -, @, a tab or a carriage return gets a leading single quote;
    a plain number such as -3000.00 is left as it is, since it cannot hold a formula.
    """
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def _csv(rows: Iterable[Sequence[Any]]) -> bytes:
    """Return rows as UTF-8 CSV (with a byte-order mark, so spreadsheets read accents)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerows([csv_cell(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _ids(documents: Iterable[Any]) -> list[str]:
    """Return document ids from ids or from entries of ``documents_for``."""
    return [item["id"] if isinstance(item, Mapping) else str(item) for item in documents]


def _letters(facts: Mapping[str, Any], results: Mapping[str, Any], documents: Iterable[Any],
             today: date) -> tuple[list[tuple[str, str, list[Block], str]],
                                   list[dict[str, Any]], list[dict[str, Any]]]:
    """Return each ready letter composed (file stem, title, blocks, purpose), the ready
    entries and the entries still lacking facts."""
    entries = documents_for(facts, results, _ids(documents))
    entries.sort(key=lambda entry: resolve(entry["id"])[0].order)
    ready = [entry for entry in entries if entry["ready"]]
    composed = []
    for number, entry in enumerate(ready, start=1):
        letter, title, blocks = compose(entry["id"], facts, today, results)
        stem = f"letters/{number:02d}-{entry['id']}"
        entry.update(number=number, pdf=f"{stem}.pdf", docx=f"{stem}.docx", when=letter.when,
                     purpose=letter.purpose)
        composed.append((stem, title, blocks, letter.purpose))
    waiting = [{**entry, "missing": [spec(name).label for name in entry["missing"]]}
               for entry in entries if not entry["ready"]]
    return composed, ready, waiting


def _letter_files(composed: list[tuple[str, str, list[Block], str]], today: date,
                  cut: FontCut | None) -> list[_File]:
    """Return each composed letter as PDF and DOCX."""
    files: list[_File] = []
    for stem, title, blocks, purpose in composed:
        files.append(_File(f"{stem}.pdf", render_pdf(blocks, title, today, cut), purpose))
        files.append(_File(f"{stem}.docx", render_docx(blocks, title, today), purpose))
    return files


def _events(timeline: Any) -> list[dict[str, Any]]:
    """Return the timeline's events in time order; raise ValidationError if one is unreadable."""
    if not timeline:
        return []
    events: list[dict[str, Any]] = spec("timeline_events").build(False).deserialize(timeline)

    def key(event: dict[str, Any]) -> tuple[date, time]:
        when = event["when"]
        return (when.date(), when.time()) if isinstance(when, datetime) else (when, time.min)

    return sorted(events, key=key)


def _when(value: date) -> str:
    """Return a timeline time for the CSV (sorts as text): YYYY-MM-DD, or YYYY-MM-DD HH:MM UTC."""
    return value.strftime("%Y-%m-%d %H:%M UTC") if isinstance(value, datetime) \
        else value.isoformat()


def _timeline_blocks(events: list[dict[str, Any]], name: str, today: date) -> list[Block]:
    """Return the timeline's printable blocks, dates written as the letters write them."""
    reported = f"as reported on {longdate(today)}. Times are in UTC."
    return [Block("title", "Timeline of events"),
            Block("para", f"{name}, {reported}" if name else reported.capitalize()),
            *(Block("item", f"{longdate(event['when'])}: {event['event']}") for event in events)]


def _timeline(events: list[dict[str, Any]], blocks: list[Block], today: date,
              cut: FontCut | None) -> list[_File]:
    """Return the timeline as CSV and as a printable PDF."""
    rows = [("when", "event"), *((_when(event["when"]), event["event"]) for event in events)]
    return [_File("timeline.csv", _csv(rows), "The events you reported, for a spreadsheet."),
            _File("timeline.pdf", render_pdf(blocks, "Timeline of events", today, cut),
                  "The events you reported, to print or attach to a report.")]


def _worksheet(result: Mapping[str, Any]) -> list[list[Any]]:
    """Return a calculator result as rows: its worksheet, explanation, then any tables."""
    rows: list[list[Any]] = [["line", "label", "amount"]]
    rows += [[line.get("line"), line.get("label"), line.get("amount")]
             for line in result.get("worksheet") or [] if isinstance(line, Mapping)]
    rows += [[], ["explanation"], *([sentence] for sentence in result.get("explanation") or [])]
    for key, value in result.items():
        table = [item for item in value if isinstance(item, Mapping)] \
            if isinstance(value, list) and key != "worksheet" else []
        if table:
            columns = list(table[0])
            rows += [[], [key], columns, *([item.get(column) for column in columns]
                                           for item in table)]
    return rows


def _worksheets(results: Mapping[str, Any]) -> list[_File]:
    """Return one CSV per calculator result."""
    return [_File(f"worksheets/{re.sub(r'[^a-z0-9-]+', '-', name.lower())}.csv",
                  _csv(_worksheet(result)), f"How the {name} figures were worked out.")
            for name, result in sorted(results.items()) if isinstance(result, Mapping)]


def _checklist(checklist: Iterable[Mapping[str, Any]]) -> _File:
    """Return the checklist as text, each step marked done or not."""
    lines = [f"[{'x' if item.get('done') else ' '}] {item.get('text', '')}"
             for item in checklist]
    return _File("checklist.txt", ("\n".join(["Checklist", "", *lines]) + "\n").encode("utf-8"),
                  "Every step of your plan; [x] marks the ones done.")


def _plan(plan: Any) -> _File | None:
    """Return the plan as plain text (its Markdown written out), when there is one."""
    if not plan:
        return None
    items = [plan] if isinstance(plan, str) else [
        item.get("text", "") if isinstance(item, Mapping) else str(item) for item in plan]
    text = markdown_text("\n\n".join(items))
    return _File("plan.txt", text.encode("utf-8"), "Your plan, in order.")


def _deadlines(deadlines: Any) -> list[dict[str, Any]]:
    """Return the deadline list from a list or from a deadlines calculator result."""
    if isinstance(deadlines, Mapping):
        deadlines = deadlines.get("deadlines")
    return [item for item in deadlines or [] if isinstance(item, Mapping)]


def _index(files: list[_File], ready: list[dict[str, Any]], waiting: list[dict[str, Any]],
           deadlines: list[dict[str, Any]], today: date) -> bytes:
    """Return the pack's index page: what each file is for, and the order to send letters."""
    template = environment().get_template("_pack_index.html.j2")
    letters = {entry["pdf"] for entry in ready} | {entry["docx"] for entry in ready}
    others = [file for file in files if file.name not in letters]
    return template.render(ready=ready, waiting=waiting, others=others, deadlines=deadlines,
                           today=today).encode("utf-8")


def evidence_pack(*, facts: Mapping[str, Any], results: Mapping[str, Any],
                  documents: Iterable[Any], timeline: Any,
                  checklist: Iterable[Mapping[str, Any]], deadlines: Any, plan: Any = None,
                  today: date | None = None, calendar_id: str = "bearings") -> bytes:
    """Return a ZIP of every ready letter (PDF and DOCX), the timeline, worksheets and reminders.

    :param facts: the conversation's answers, by field name.
    :param results: calculator results, by calculator name.
    :param documents: the document ids wanted (or entries of :func:`documents_for`).
    :param timeline: events as ``[{"when": "YYYY-MM-DD or ISO time", "event": "..."}]``
        (or the ``timeline_events`` text answer).
    :param checklist: the steps ``[{"id", "text", "done"}]``.
    :param deadlines: the deadlines calculator's list (or its whole result).
    :param plan: optional plan text, or a list of steps.
    :param today: the date printed on the letters; today when absent.
    :param calendar_id: makes the reminders' UIDs unique per conversation.
    """
    day = today or date.today()
    composed, ready, waiting = _letters(facts, results, documents, day)
    events = _events(timeline)
    timeline_blocks = _timeline_blocks(events, str(facts.get("full_name") or ""), day)
    pdfs = [(title, blocks) for _, title, blocks, _ in composed]
    pdfs.append(("Timeline of events", timeline_blocks))
    cut = cut_for(set().union(*(drawn(blocks, title) for title, blocks in pdfs)))
    files = _letter_files(composed, day, cut) + _timeline(events, timeline_blocks, day, cut)
    files += _worksheets(results)
    files.append(_checklist(checklist))
    found = _deadlines(deadlines)
    stamp = datetime.combine(day, time(), UTC)
    files.append(_File("reminders.ics", to_ics(found, calendar_id=calendar_id, stamp=stamp),
                       "The deadlines, to import into a calendar; each warns a day ahead."))
    if plan_file := _plan(plan):
        files.append(plan_file)
    index = _index(files, ready, waiting, found, day)
    return _zip([_File("index.html", index, "This page."), *files], day)


def _zip(files: list[_File], day: date) -> bytes:
    """Return the files as a ZIP archive with fixed timestamps."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for file in files:
            info = zipfile.ZipInfo(file.name, date_time=(day.year, day.month, day.day, 0, 0, 0))
            packed = file.name.endswith((".pdf", ".docx"))  # compressed already
            info.compress_type = zipfile.ZIP_STORED if packed else zipfile.ZIP_DEFLATED
            archive.writestr(info, file.content)
    return buffer.getvalue()

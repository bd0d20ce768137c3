"""Evidence pack: the ZIP's files, its index, its calendar and its CSV safety."""

from __future__ import annotations

import csv
import html
import io
import re
import zipfile
from datetime import date
from typing import Any

import pytest
from icalendar import Calendar
from pypdf import PdfReader

from service import letters
from service.calculators import run
from service.letters._pack import csv_cell
from tests.test_letters import fixture

TODAY = date(2025, 7, 10)
WANTED = ["wire-recall", "reg-e-error-notice", "credit-bureau-freeze", "family-investment-policy",
          "cpa-intake"]
TIMELINE = [{"when": "2025-07-03", "event": "Found the withdrawals"},
            {"when": "2025-07-02T21:05:40Z", "event": "=HYPERLINK(\"http://x\",\"click\")"},
            {"when": "2025-06-30", "event": "Text message claiming to be support"}]
CHECKLIST = [{"id": "call-bank", "text": "Call the bank's fraud line", "done": True},
             {"id": "freeze", "text": "Freeze your credit", "done": False}]


def _facts() -> dict[str, Any]:
    """Return the answers of a conversation that makes most wanted letters ready."""
    facts: dict[str, Any] = {}
    for type_id in ("wire-recall", "reg-e-error-notice", "credit-bureau-freeze"):
        facts.update(fixture(type_id))
    del facts["bureau"]
    return facts


@pytest.fixture(scope="module")
def pack() -> dict[str, Any]:
    """Build one pack and return its parts."""
    deadlines = run("deadlines", {"learned_of_loss": "2025-07-03", "wire_sent_at":
                                  "2025-07-07T15:30:00Z", "today": "2025-07-10"})
    capital = {"worksheet": [{"line": "1", "label": "@SUM(A1:A9)", "amount": "-3000.00"}],
               "explanation": ["+1 is not a formula here"], "deduction": "3000.00"}
    content = letters.evidence_pack(
        facts=_facts(), results={"deadlines": deadlines, "capital-loss": capital},
        documents=WANTED, timeline=TIMELINE, checklist=CHECKLIST,
        deadlines=deadlines["deadlines"], plan=["Stop the damage.", {"text": "Gather proof."}],
        today=TODAY)
    archive = zipfile.ZipFile(io.BytesIO(content))
    return {"archive": archive, "names": archive.namelist(), "deadlines": deadlines["deadlines"]}


def test_pack_holds_every_ready_letter_as_pdf_and_docx(pack: dict[str, Any]) -> None:
    letters_in = [name for name in pack["names"] if name.startswith("letters/")]
    stems = ["01-wire-recall", "02-credit-bureau-freeze-equifax",
             "03-credit-bureau-freeze-experian", "04-credit-bureau-freeze-transunion",
             "05-credit-bureau-freeze-chexsystems", "06-reg-e-error-notice"]
    assert letters_in == [f"letters/{stem}.{ext}" for stem in stems for ext in ("pdf", "docx")]
    text = PdfReader(io.BytesIO(pack["archive"].read("letters/01-wire-recall.pdf"))).pages[0]
    assert "20250707MMQFMP2K001234" in text.extract_text()
    assert pack["archive"].read("letters/06-reg-e-error-notice.docx")[:2] == b"PK"


def test_pack_holds_the_other_files(pack: dict[str, Any]) -> None:
    assert {"index.html", "timeline.csv", "timeline.pdf", "worksheets/deadlines.csv",
            "worksheets/capital-loss.csv", "checklist.txt", "reminders.ics",
            "plan.txt"} <= set(pack["names"])
    checklist = pack["archive"].read("checklist.txt").decode()
    assert "[x] Call the bank's fraud line" in checklist and "[ ] Freeze your credit" in checklist
    assert pack["archive"].read("plan.txt").decode() == "Stop the damage.\n\nGather proof.\n"


def test_index_lists_every_file_and_what_is_missing(pack: dict[str, Any]) -> None:
    index = html.unescape(pack["archive"].read("index.html").decode("utf-8"))
    for name in pack["names"]:
        if name != "index.html":
            assert f'href="{name}"' in index
    assert index.index("01-wire-recall") < index.index("06-reg-e-error-notice")
    assert "Within 60 days of the statement" in index and "Within days" not in index
    waiting = index.split("Letters not ready yet")[1]
    assert "Family investment policy" in waiting and "People who sign the policy" in waiting
    assert "Tax year of the loss" in waiting and "ChexSystems" not in waiting


def test_reminders_parse_as_a_calendar(pack: dict[str, Any]) -> None:
    calendar = Calendar.from_ical(pack["archive"].read("reminders.ics"))
    events = [component for component in calendar.walk() if component.name == "VEVENT"]
    assert len(events) == len(pack["deadlines"]) > 0
    titles = {str(event.get("summary")).removeprefix("Date passed: ") for event in events}
    assert titles == {item["title"] for item in pack["deadlines"]}


def test_timeline_is_sorted_and_safe_for_spreadsheets(pack: dict[str, Any]) -> None:
    rows = list(csv.reader(io.StringIO(pack["archive"].read("timeline.csv").decode("utf-8-sig"))))
    assert rows[0] == ["when", "event"]
    assert [row[0] for row in rows[1:]] == ["2025-06-30", "2025-07-02 21:05 UTC", "2025-07-03"]
    assert rows[2][1] == "'=HYPERLINK(\"http://x\",\"click\")"
    pdf = PdfReader(io.BytesIO(pack["archive"].read("timeline.pdf"))).pages[0].extract_text()
    assert "Found the withdrawals" in pdf and "Maria Nguyễn Wałęsa" in pdf


def test_worksheets_are_safe_for_spreadsheets(pack: dict[str, Any]) -> None:
    text = pack["archive"].read("worksheets/capital-loss.csv").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1] == ["1", "'@SUM(A1:A9)", "-3000.00"]
    assert ["'+1 is not a formula here"] in rows
    deadlines = pack["archive"].read("worksheets/deadlines.csv").decode("utf-8-sig")
    assert "reg_e_2_business_days" in deadlines


@pytest.mark.parametrize(("value", "cell"), [
    ("=1+1", "'=1+1"), ("+1", "'+1"), ("-1+2", "'-1+2"), ("@cmd", "'@cmd"), ("\t=x", "'\t=x"),
    ("-3000.00", "-3000.00"), ("3000", "3000"), ("plain", "plain"), (None, ""),
])
def test_csv_cells_cannot_become_formulas(value: Any, cell: str) -> None:
    assert csv_cell(value) == cell


def test_pack_with_nothing_ready_still_explains_itself() -> None:
    content = letters.evidence_pack(facts={}, results={}, documents=["wire-recall"],
                                    timeline=[], checklist=[], deadlines=[], today=TODAY)
    archive = zipfile.ZipFile(io.BytesIO(content))
    assert not [name for name in archive.namelist() if name.startswith("letters/")]
    index = archive.read("index.html").decode()
    assert "No letter is ready yet" in index and "Wire recall request" in index
    assert re.search(r"BEGIN:VCALENDAR.*END:VCALENDAR", archive.read("reminders.ics").decode(),
                     re.S)


def test_hostile_text_comes_out_literally_in_the_timeline() -> None:
    content = letters.evidence_pack(facts={"full_name": "{{7*7}}"}, results={}, documents=[],
                                    timeline="2025-07-01; <img src=x onerror=alert(1)> {{7*7}}",
                                    checklist=[{"id": "x", "text": "<b>{{7*7}}", "done": False}],
                                    deadlines=[], today=TODAY)
    archive = zipfile.ZipFile(io.BytesIO(content))
    pdf = PdfReader(io.BytesIO(archive.read("timeline.pdf"))).pages[0].extract_text()
    assert "<img src=x onerror=alert(1)> {{7*7}}" in pdf and "{{7*7}}, as reported" in pdf
    assert "<img src=x onerror=alert(1)> {{7*7}}" in archive.read("timeline.csv").decode()
    assert "[ ] <b>{{7*7}}" in archive.read("checklist.txt").decode()

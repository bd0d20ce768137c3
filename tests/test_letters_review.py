"""Letters as a new user's review found them: a partner's account, the household's own rules,
co-borrowed credit lines, computed figures, tax years, dates, and the pack's order."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from pypdf import PdfReader

from service import letters
from service.calculators import run
from service.letters._markup import timed
from service.letters._vocabulary import spec
from tests.test_letters import fixture

TODAY = date(2026, 11, 21)
FLOW = Path(__file__).parent.parent / "flows" / "crypto-loss-recovery.yaml"

#: Persona 1 of the review: Dana, whose husband Mark drew on their HELOC and traded it away.
DANA: dict[str, Any] = {
    "situation": "partner", "full_name": "Dana Rivera", "email": "dana@example.com",
    "phone": "217-555-0100", "mailing_address": "12 Elm Street\nSpringfield, IL 62704",
    "exchange_name": "Coinbase", "exchange_account_id": "mark.rivera@example.com",
    "support_case_number": "CB-123456", "records_from": "2026-11-01",
    "records_to": "2026-11-18", "learned_of_loss": "2026-11-18",
    "incident_summary": "My husband Mark drew $250,000 on our HELOC without telling me.",
    "trades": "2026-11-12T14:05:00Z; OID-88121; BTC-USD; sell short; 2.5; 91000.00",
    "shared_access_person": "Mark Rivera",
}


def text(type_id: str, data: dict[str, Any], **kw: Any) -> str:
    """Return a letter as text with its lines joined, so phrases compare across wraps."""
    content = letters.render(type_id, data, "txt", today=TODAY, **kw).content.decode()
    return " ".join(content.split())


def _flow() -> dict[str, Any]:
    """Return the recovery flow as data."""
    loaded: dict[str, Any] = yaml.safe_load(FLOW.read_text("utf-8"))
    return loaded


def _flow_field(name: str) -> dict[str, Any]:
    """Return the flow's definition of the field called ``name``."""
    return next(field for state in _flow()["states"] for field in state.get("fields") or []
                if field["name"] == name)


# 1. A partner's exchange account ----------------------------------------------------------------

@pytest.mark.parametrize("type_id", ["exchange-support-ticket", "trade-ledger-request"])
def test_partner_account_is_not_written_as_the_senders(type_id: str) -> None:
    letter = text(type_id, DANA)
    assert "Account holder: Mark Rivera" in letter
    assert "Written by: Dana Rivera, a family member of the account holder" in letter
    assert "in the name of Mark Rivera, or held jointly with me" in letter
    for wrong in ("Name on the account: Dana Rivera", "Account e-mail: dana@",
                  "my account", "until I confirm my identity"):
        assert wrong not in letter
    assert "account holder" in letter.split("Notes for you")[1]


def test_partner_ticket_asks_to_freeze_and_what_the_exchange_needs() -> None:
    letter = text("exchange-support-ticket", DANA)
    assert "Freeze the account" in letter and "Preserve all records" in letter
    assert "Tell me what you need before you can act" in letter
    assert "signed authorization" in letter


def test_partner_without_a_name_leaves_the_holder_to_write_by_hand() -> None:
    data = {key: value for key, value in DANA.items() if key != "shared_access_person"}
    letter = text("exchange-support-ticket", data)
    assert "Name of the account holder: ____" in letter
    assert "Mark Rivera" not in letter and "my account" not in letter


def test_own_account_is_still_written_as_the_senders() -> None:
    letter = text("exchange-support-ticket", {**DANA, "situation": "misclick"})
    assert "Name on the account: Dana Rivera" in letter and "my account" in letter
    assert "Account holder:" not in letter


def test_situation_choices_are_the_flows() -> None:
    flow = [choice["value"] for choice in _flow_field("situation")["choices"]]
    assert [value for value, _ in spec("situation").choices] == flow


# 2. The household's own rules -------------------------------------------------------------------

#: Persona 2 of the review: only no leverage, a cap per trade and an emergency fund agreed.
SAM_POLICY: dict[str, Any] = {
    "household_signers": "Sam O'Neil\nPat O'Neil",
    "policy_rules": ["no_leverage", "trade_cap", "emergency_fund"],
    "per_trade_cap": "1000.00", "per_position_cap": "5000.00",
    "two_signature_threshold": "2000.00", "cooling_off_hours": 48,
    "emergency_fund_target": "15000.00", "emergency_fund_account": "Savings at Ally",
}


def test_policy_lists_only_the_rules_agreed_on() -> None:
    letter = text("family-investment-policy", SAM_POLICY)
    rules = letter.split("Rules ----- ")[1].split("Openness")[0]
    for agreed in ("No leverage", "No single trade larger than $1,000.00",
                   "No single position larger than $5,000.00",
                   "An emergency fund of $15,000.00"):
        assert agreed in rules
    for not_agreed in ("short selling", "Two signatures", "$2,000.00", "cooling-off", "48"):
        assert not_agreed not in rules


def test_a_rule_not_agreed_on_needs_no_amount() -> None:
    data = {"household_signers": "Dana Rivera\nMark Rivera",
            "policy_rules": ["no_leverage", "no_shorting", "two_signatures"],
            "two_signature_threshold": "1000.00"}
    entry, = letters.documents_for(data, {}, ["family-investment-policy"])
    assert entry["ready"] and entry["missing"] == []
    letter = text("family-investment-policy", data)
    assert "No short selling" in letter and "above $1,000.00" in letter
    assert "No single trade" not in letter and "cooling-off" not in letter


def test_an_agreed_rule_needs_its_amount() -> None:
    data = {"household_signers": "A\nB", "policy_rules": ["cooling_off", "trade_cap"]}
    entry, = letters.documents_for(data, {}, ["family-investment-policy"])
    assert entry["missing"] == ["per_trade_cap", "cooling_off_hours"]


def test_policy_rule_choices_are_the_flows() -> None:
    flow = [(choice["value"], choice["label"]) for choice in _flow_field("policy_rules")["choices"]]
    assert list(spec("policy_rules").choices) == flow


# 3. One sending order for the plan and the pack -------------------------------------------------

#: How each line of the plan's "Letters to send, in this order" names its letters.
PLAN_NAMES = {
    "Wire recall request": ["wire-recall"],
    "Request to suspend home equity line draws": ["heloc-suspension"],
    "Security review request": ["security-review"],
    "Exchange support ticket, then the trade and account records request":
        ["exchange-support-ticket", "trade-ledger-request"],
    "Error trade claim": ["error-trade-claim"],
    "Credit freeze letters, one to each bureau": ["credit-bureau-freeze"],
    "Police and FBI report": ["police-ic3-report"],
    "Notice of error to your bank": ["reg-e-error-notice"],
    "Unauthorized ACH debit statement": ["ach-unauthorized-debit"],
    "Billing-error notice": ["billing-error-notice"],
    "Attorney intake summary": ["attorney-intake"],
    "Formal complaint, then the CFPB complaint": ["compliance-complaint", "cfpb-complaint"],
    "CPA intake summary": ["cpa-intake"],
    "Family investment policy": ["family-investment-policy"],
}


def _plan_letters() -> list[tuple[str, str]]:
    """Return (name, timing) of each letter line of the finished plan, in its order."""
    done = next(state for state in _flow()["states"] if state.get("final"))
    part = done["text"].split("### Letters to send, in this order")[1].split("###")[0]
    lines = [line.strip()[2:] for line in part.splitlines() if line.strip().startswith("- ")]
    return [tuple(line.rstrip(".").split(": ", 1)) for line in lines]  # type: ignore[misc]


def test_letters_are_ordered_as_the_plan_orders_them() -> None:
    planned = [type_id for name, _ in _plan_letters() for type_id in PLAN_NAMES[name]]
    ordered = [letter.id for letter in letters.letter_types()]
    assert planned == ordered
    assert [letter.order for letter in letters.letter_types()] == list(range(1, 17))


def test_pack_timings_say_what_the_plan_says() -> None:
    for name, timing in _plan_letters():
        if timing.startswith("within"):
            for type_id in PLAN_NAMES[name]:
                assert letters.get(type_id).when.lower().startswith(timing)
    assert not [letter.id for letter in letters.letter_types()
                if letter.when.startswith("Within days")]


def test_pack_numbers_letters_in_the_plans_order() -> None:
    facts: dict[str, Any] = {}
    for type_id in ("wire-recall", "heloc-suspension", "exchange-support-ticket",
                    "trade-ledger-request"):
        facts.update(fixture(type_id))
    content = letters.evidence_pack(
        facts=facts, results={}, timeline=[], checklist=[], deadlines=[], today=TODAY,
        documents=["exchange-support-ticket", "trade-ledger-request", "heloc-suspension",
                   "wire-recall"])
    names = [name for name in zipfile.ZipFile(io.BytesIO(content)).namelist()
             if name.endswith(".pdf") and name.startswith("letters/")]
    assert names == ["letters/01-wire-recall.pdf", "letters/02-heloc-suspension.pdf",
                     "letters/03-exchange-support-ticket.pdf",
                     "letters/04-trade-ledger-request.pdf"]


# 4. The closing block stays together in PDFs ----------------------------------------------------

def _closing_pages(content: bytes, name: str) -> tuple[int, int]:
    """Return the pages of "Sincerely," and of the signer's name under the signature line."""
    pages = [page.extract_text() for page in PdfReader(io.BytesIO(content)).pages]
    closing = next(number for number, page in enumerate(pages) if "Sincerely," in page)
    signed = next(number for number, page in enumerate(pages)
                  if number >= closing and name in page.split("Sincerely,")[-1])
    return closing, signed


@pytest.mark.parametrize("type_id", ["billing-error-notice", "trade-ledger-request"])
def test_closing_is_never_split_from_the_signature(type_id: str) -> None:
    data = fixture(type_id)
    key = "error_reason" if type_id == "billing-error-notice" else "mailing_address"
    pages = set()
    for lines in range(8):  # the fixtures' closings fall at a page's foot within these lines
        padded = {**data, key: data.get(key, "x") + "\nMore detail." * lines}
        content = letters.render(type_id, padded, "pdf", today=TODAY).content
        closing, signed = _closing_pages(content, data["full_name"].split()[0])
        assert closing == signed, f"{lines} lines: Sincerely on page {closing + 1}, name on " \
                                  f"{signed + 1}"
        pages.add(closing)
    assert max(pages) > 0


def test_docx_keeps_the_closing_with_the_signature() -> None:
    content = letters.render("billing-error-notice", fixture("billing-error-notice"), "docx",
                             today=TODAY).content
    xml = zipfile.ZipFile(io.BytesIO(content)).read("word/document.xml").decode("utf-8")
    closing = xml[xml.rindex("<w:p>", 0, xml.index("Sincerely,")):xml.index("Sincerely,")]
    assert "<w:keepNext/>" in closing


# 5. A draw by a co-borrower on the credit line --------------------------------------------------

DANA_HELOC: dict[str, Any] = {
    **DANA, "credit_account_type": "heloc", "heloc_lender": "First Hometown Bank",
    "loan_number_last4": "7788", "heloc_statement_date": "2026-11-15",
    "billing_error_address": "PO Box 500\nSpringfield, IL 62705",
    "disputed_charges": "2026-11-10; 250000.00; HELOC draw by online transfer",
    "error_reason": "The draw was made by my husband without my agreement.",
    "co_borrowers": "mark  RIVERA",
}


def test_billing_notice_treats_a_co_borrower_as_one() -> None:
    letter = text("billing-error-notice", DANA_HELOC)
    assert "Mark Rivera is a co-borrower on this line" in letter
    assert "without my knowledge or agreement" in letter
    assert "Suspend further draws on the line" in letter and "freeze the line" in letter
    assert "remove Mark Rivera's access" not in letter and "withdrawn that permission" not in letter


def test_billing_notice_still_revokes_someone_who_is_not_a_borrower() -> None:
    letter = text("billing-error-notice", {**DANA_HELOC, "co_borrowers": "Someone Else"})
    assert "withdrawn that permission" in letter and "co-borrower" not in letter


# 6. The computed loss, not only the typed estimate ----------------------------------------------

LOSS_SUMMARY = {"loss-summary": {"net_loss": "259500.00", "total_deposits": "262000.00"}}


@pytest.mark.parametrize("type_id", ["attorney-intake", "cpa-intake", "police-ic3-report",
                                     "cfpb-complaint"])
def test_letters_use_the_computed_loss_and_label_the_estimate(type_id: str) -> None:
    data = {**fixture(type_id), "loss_amount": "250000.00"}
    letter = text(type_id, data, results=LOSS_SUMMARY)
    assert ("Net loss, worked out from deposits, withdrawals and what is left: $259,500.00"
            in letter)
    assert "Amount lost, my earlier estimate: $250,000.00" in letter
    assert "Amount lost: $250,000.00" not in letter
    alone = text(type_id, data)
    assert "Amount lost, my estimate: $250,000.00" in alone and "Net loss" not in alone


def test_the_computed_loss_is_listed_with_the_documents() -> None:
    data = fixture("attorney-intake")
    entry, = letters.documents_for(data, LOSS_SUMMARY, ["attorney-intake"])
    assert entry["ready"]
    gain = {"loss-summary": {"net_loss": "-40.00"}}
    assert "Net loss" not in text("attorney-intake", data, results=gain)


# 7. The 1099-DA note fits the tax year ----------------------------------------------------------

@pytest.mark.parametrize(("year", "said", "not_said"), [
    (2026, "A 1099-DA for 2026 reports gross proceeds, and cost basis only for covered assets",
     "for 2025"),
    (2025, "A 1099-DA for 2025 reports gross proceeds only, not cost basis", "2026"),
    (2024, "Form 1099-DA starts with sales made in 2025, so a form for 2024", "for 2025 reports"),
])
def test_cpa_intake_words_the_1099_da_for_the_tax_year(year: int, said: str,
                                                        not_said: str) -> None:
    data = {**fixture("cpa-intake"), "tax_year": year}
    letter = text("cpa-intake", data)
    assert said in letter
    note = letter.split("Forms received")[1].split("Capital gains")[0]
    assert not_said not in note


# 8. ChexSystems and a request for a freeze and a fraud alert ------------------------------------

def _bureau_facts(request: str) -> dict[str, Any]:
    """Return a credit freeze conversation's answers, the bureau not chosen."""
    data = {key: value for key, value in fixture("credit-bureau-freeze").items()
            if key != "bureau"}
    return {**data, "bureau_request": request}


def test_chexsystems_letter_is_ready_for_a_freeze_and_an_alert() -> None:
    entries = letters.documents_for(_bureau_facts("freeze_and_alert"), {},
                                    ["credit-bureau-freeze"])
    assert [entry["id"] for entry in entries if not entry["ready"]] == []
    letter = text("credit-bureau-freeze-chexsystems", _bureau_facts("freeze_and_alert"))
    assert "Request for a security freeze" in letter
    assert "Please place a security freeze on my ChexSystems file" in letter
    assert "Please place an initial fraud alert" not in letter
    assert "ChexSystems does not place fraud alerts" in letter
    equifax = text("credit-bureau-freeze-equifax", _bureau_facts("freeze_and_alert"))
    assert "security freeze and an initial fraud alert" in equifax


def test_no_chexsystems_letter_for_a_fraud_alert_alone() -> None:
    entries = letters.documents_for(_bureau_facts("initial_alert"), {},
                                    ["credit-bureau-freeze"])
    assert [entry["id"] for entry in entries] == [
        "credit-bureau-freeze-equifax", "credit-bureau-freeze-experian",
        "credit-bureau-freeze-transunion"]
    assert all(entry["ready"] for entry in entries)


# 9. Dates and times written out -----------------------------------------------------------------

ISO = r"\d{4}-\d{2}-\d{2}"


def test_times_are_written_out_in_letters() -> None:
    wire = text("wire-recall", {**fixture("wire-recall"), "wire_sent_at": "2026-11-20T15:00:00Z"})
    assert "Sent: November 20, 2026 at 3:00 PM UTC" in wire
    data = {**fixture("security-review"),
            "unauthorized_logins": "2026-11-17T03:12:00Z; 185.220.101.4; Windows PC; Moscow",
            "account_changes": "2026-11-17T03:20:00Z; e-mail changed to x@evil.test"}
    review = text("security-review", data)
    assert "November 17, 2026 at 3:12 AM UTC: 185.220.101.4; Windows PC; Moscow" in review
    assert "November 17, 2026 at 3:20 AM UTC: e-mail changed" in review
    assert not re.search(ISO, review)


@pytest.mark.parametrize(("line", "shown"), [
    ("2026-11-17T15:20:00Z e-mail changed", "November 17, 2026 at 3:20 PM UTC: e-mail changed"),
    ("2026-11-17T00:05:00+02:00; late", "November 16, 2026 at 10:05 PM UTC: late"),
    ("2026-11-17; FTC report 123", "November 17, 2026: FTC report 123"),
    ("2026-13-40; not a date", "2026-13-40; not a date"),
    ("IC3 report I2611170001", "IC3 report I2611170001"),
])
def test_a_leading_time_in_a_line_is_written_out(line: str, shown: str) -> None:
    assert timed(line) == shown


def test_pack_timeline_and_index_write_dates_out() -> None:
    deadlines = run("deadlines", {"heloc_statement_date": "2026-11-15",
                                  "today": "2026-11-21"})["deadlines"]
    content = letters.evidence_pack(
        facts={"full_name": "Dana Rivera"}, results={}, documents=[], checklist=[],
        timeline=[{"when": "2026-11-12T14:05:00Z", "event": "Mark wired it to Coinbase"}],
        deadlines=deadlines, today=TODAY)
    archive = zipfile.ZipFile(io.BytesIO(content))
    pdf = " ".join(PdfReader(io.BytesIO(archive.read("timeline.pdf"))).pages[0]
                   .extract_text().split())
    assert "November 12, 2026 at 2:05 PM UTC: Mark wired it to Coinbase" in pdf
    assert "as reported on November 21, 2026" in pdf
    index = archive.read("index.html").decode()
    assert "Prepared on November 21, 2026" in index
    assert deadlines and all(f"<strong>{item['due_text']}</strong>" in index
                             for item in deadlines)


# 10. The pack's plan as plain text --------------------------------------------------------------

PLAN = """Here is your plan, most urgent first. Work down the list, tick off each step as you go,
and come back any time to change an answer.

### Right now

- **Recall the wire.** Call your bank's fraud line and ask for a recall.
- **Save proof:** screenshots, the trade history, statements and a timeline, and keep them \
somewhere safe and away from the shared computer.
1. **Then** call the lender.

## Keep in mind

- Account ****4421 stays as typed, and so does 2*3*4.
"""


def test_plan_in_the_pack_is_plain_text() -> None:
    content = letters.evidence_pack(facts={}, results={}, documents=[], timeline=[],
                                    checklist=[], deadlines=[], plan=PLAN, today=TODAY)
    plan = zipfile.ZipFile(io.BytesIO(content)).read("plan.txt").decode("utf-8")
    assert "**" not in plan.replace("****4421", "") and "#" not in plan
    assert "Right now\n---------\n\n- Recall the wire. Call your bank's" in plan
    assert "Keep in mind\n------------" in plan
    assert "1. Then call the lender." in plan
    assert "Account ****4421 stays as typed, and so does 2*3*4." in plan
    assert "Here is your plan, most urgent first. Work down the list" in plan
    assert max(len(line) for line in plan.splitlines()) <= 78
    assert "timeline, and\n  keep them somewhere safe" in plan  # an item wraps under its text


# The attorney intake lists only the clocks of the routes the money took ------------------------

def test_funding_choices_are_the_flows() -> None:
    flow = [choice["value"] for choice in _flow_field("funding")["choices"]]
    assert [value for value, _ in spec("funding").choices] == flow


def test_attorney_intake_lists_only_the_clocks_of_the_routes_used() -> None:
    dana = {**DANA, "state": "IL", "funding": ["heloc", "wire"], "wire_international": False,
            "wire_amount": "250000.00", "wire_sent_at": "2026-11-20T15:00:00Z",
            "heloc_statement_date": "2026-11-15"}
    shown = text("attorney-intake", dana)
    assert "Tell your bank that a card or login was lost or stolen" not in shown
    assert "Kill Chain" not in shown
    counted_all = text("attorney-intake", {key: value for key, value in dana.items()
                                           if key not in ("funding", "situation")})
    assert "Tell your bank that a card or login was lost or stolen" in counted_all

"""Values letters compute from their answers: reply-by dates, running deadlines, form limits."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from ..calculators import deadlines as clock
from ._states import COMMUNITY_PROPERTY, STATES
from ._types import require

__all__ = [
    "ANSWER_RULES", "BUREAUS", "IC3_MAX_CHARS", "IC3_MAX_TRANSACTIONS", "ach", "attorney",
    "billing", "billing_check", "bureau", "bureau_check", "bureau_offers", "cfpb", "cpa",
    "cpa_results", "exchange", "heloc", "ic3", "loss_results", "marriage_order", "parse_due",
    "policy_check", "range_check", "records_order", "reg_e", "running", "security",
    "statement_check", "wire",
]

IC3_MAX_TRANSACTIONS = 10
IC3_MAX_CHARS = 3500
KILL_CHAIN_MINIMUM = Decimal("50000")
_STARTS = ("learned_of_loss", "bank_statement_date", "card_statement_date",
           "heloc_statement_date", "ach_settlement_date", "wire_sent_at", "wire_notice_date",
           "tax_return_filed_date", "tax_paid_date")
#: The deadline clock's inputs that pick which clocks apply, and the answers they come from.
_ROUTES = (("payment_methods", "funding"), ("situation", "situation"),
           ("wire_international", "wire_international"), ("wire_amount", "wire_amount"))

#: Freeze-request mail addresses (DOMAIN.md section 2); None: tell the person to check online.
BUREAUS: dict[str, tuple[str, tuple[str, ...] | None]] = {
    "equifax": ("Equifax", ("Equifax Information Services LLC", "P.O. Box 105788",
                            "Atlanta, GA 30348-5788")),
    "experian": ("Experian", ("Experian", "P.O. Box 9554", "Allen, TX 75013")),
    "transunion": ("TransUnion", None),
    "chexsystems": ("ChexSystems", None),
}
NATIONWIDE = frozenset({"equifax", "experian", "transunion"})


def parse_due(text: str) -> date:
    """Return a deadline's due value as a date, or as a UTC datetime when it has a time."""
    return datetime.fromisoformat(text) if "T" in text else date.fromisoformat(text)


def running(data: Mapping[str, Any], today: date) -> list[dict[str, Any]]:
    """Return the deadlines the answers' dates start, with ``due`` as a date.

    As in the flow, only the clocks of the routes the money took (``funding``) and of what
    happened (``situation``, the wire's reach) run; left out, every clock is counted.
    """
    starts = {name: data[name] for name in _STARTS if data.get(name) is not None}
    routes = {name: data[answer] for name, answer in _ROUTES if data.get(answer) is not None}
    found = clock.compute({**starts, **routes, "today": today})["deadlines"]
    return [{**item, "due": parse_due(item["due"])} for item in found]


def _due(data: Mapping[str, Any], today: date, deadline_id: str) -> date | None:
    """Return when one deadline falls due, or None when its start is not known."""
    return next((item["due"] for item in running(data, today) if item["id"] == deadline_id),
                None)


def _total(items: list[dict[str, Any]] | None) -> Decimal:
    """Return the sum of the items' amounts."""
    return sum((item["amount"] for item in items or []), Decimal(0))


def reg_e(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Return the bank's 10-business-day answer date and the transfers' total."""
    return {"decide_by": clock.add_business_days(today, 10),
            "total": _total(data.get("bank_transfers"))}


def billing(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Return the creditor's 30-day and 90-day dates, and who and what the notice is about."""
    card = data.get("credit_account_type") == "credit_card"
    return {"card": card, "total": _total(data.get("disputed_charges")),
            "acknowledge_by": today + timedelta(days=30),
            "resolve_by": today + timedelta(days=90),
            "creditor": data.get("card_issuer") if card else data.get("heloc_lender"),
            "last4": data.get("account_last4") if card else data.get("loan_number_last4"),
            "statement_date": data.get("card_statement_date" if card else
                                       "heloc_statement_date"),
            "co_borrower": not card and _among(data.get("shared_access_person"),
                                               data.get("co_borrowers"))}


def _among(name: str | None, names: list[str] | None) -> bool:
    """Tell whether ``name`` is one of ``names``, ignoring case and spacing."""
    def key(text: str) -> str:
        return " ".join(text.casefold().split())
    return bool(name) and key(name or "") in {key(each) for each in names or []}


def billing_check(data: dict[str, Any]) -> dict[str, list[str]]:
    """Require the card's or the credit line's own answers."""
    kind = data.get("credit_account_type")
    if kind == "credit_card":
        return require(data, "card_issuer", "account_last4", "card_statement_date")
    if kind == "heloc":
        return require(data, "heloc_lender", "loan_number_last4", "heloc_statement_date")
    return {}


def wire(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Return the Kill Chain window and the UCC 4A dates for a wire."""
    closes = data["wire_sent_at"] + timedelta(hours=72) if data.get("wire_sent_at") else None
    large = (data.get("wire_amount") or Decimal(0)) >= KILL_CHAIN_MINIMUM
    return {"kill_chain": bool(data.get("wire_international")) and large,
            "kill_chain_closes": closes,
            "kill_chain_open": closes is not None and today <= closes.date(),
            "report_by": _due(data, today, "wire_report_90_days"),
            "objection_by": _due(data, today, "wire_objection_1_year")}


def ach(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Return the last day of the 60-day return window."""
    return {"return_by": _due(data, today, "ach_unauthorized_60_days")}


def exchange(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Return whether the account is a partner's or family member's (theirs or joint), and
    their name when the answers give it (the person who made the transfers)."""
    partner = data.get("situation") == "partner"
    return {"partner_account": partner,
            "holder": data.get("shared_access_person") if partner else None}


def security(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Return each receiving address of the transfers once, in order."""
    found = (item.get("to_address") for item in data.get("crypto_transfers") or [])
    return {"destinations": list(dict.fromkeys(address for address in found if address))}


def heloc(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Return the total of the recent draws listed."""
    return {"total": _total(data.get("heloc_draws"))}


_REQUEST_TITLES = {
    "freeze": "Request for a security freeze",
    "initial_alert": "Request for an initial fraud alert",
    "extended_alert": "Request for an extended fraud alert",
    "freeze_and_alert": "Request for a security freeze and an initial fraud alert",
}


_FREEZES = ("freeze", "freeze_and_alert")


def bureau(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Return the bureau's name and mail address, and the day a mailed freeze is due.

    ChexSystems places no fraud alerts: asked for a freeze and an alert, its letter asks for the
    freeze and says the alert is for the three nationwide bureaus.
    """
    name, address = BUREAUS.get(data.get("bureau") or "", ("", None))
    request = data.get("bureau_request") or ""
    nationwide = data.get("bureau") in NATIONWIDE
    return {"bureau_name": name, "bureau_address": address,
            "request_title": _REQUEST_TITLES.get(request if nationwide else "freeze", ""),
            "nationwide": nationwide,
            "freeze": request in _FREEZES,
            "alert": nationwide and request in ("initial_alert", "extended_alert",
                                                "freeze_and_alert"),
            "alert_elsewhere": not nationwide and request == "freeze_and_alert",
            "placed_by": clock.add_business_days(today, 3)}


def bureau_offers(choice: str, data: Mapping[str, Any]) -> bool:
    """Tell whether a letter to bureau ``choice`` fits the request (ChexSystems: a freeze)."""
    return choice in NATIONWIDE or data.get("bureau_request") in (None, "", *_FREEZES)


def bureau_check(data: dict[str, Any]) -> dict[str, list[str]]:
    """Refuse a fraud alert alone at ChexSystems, whose own service is a freeze."""
    if data.get("bureau") == "chexsystems" and not bureau_offers("chexsystems", data):
        return {"bureau_request": ["ChexSystems does not place fraud alerts. For ChexSystems, "
                                   "choose a security freeze."]}
    return {}


def _cut(text: str, limit: int) -> str:
    """Return the start of ``text`` up to ``limit`` characters, cut at a space when possible."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ")
    return head[:space] if space > limit // 2 else head


def ic3(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Split transfers and description at the IC3 form's limits."""
    transfers = data.get("crypto_transfers") or []
    summary = data.get("incident_summary") or ""
    return {"form_transfers": transfers[:IC3_MAX_TRANSACTIONS],
            "more_transfers": transfers[IC3_MAX_TRANSACTIONS:],
            "max_transfers": IC3_MAX_TRANSACTIONS, "max_chars": IC3_MAX_CHARS,
            "summary_chars": len(summary), "form_summary": _cut(summary, IC3_MAX_CHARS)}


def cfpb(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Return the CFPB's 15-day and 60-day targets counted from today."""
    return {"respond_by": today + timedelta(days=15), "close_by": today + timedelta(days=60)}


def attorney(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Return the state's name, whether it is community property, and the running deadlines."""
    code = data.get("state") or ""
    return {"state_name": dict(STATES).get(code, code),
            "community_property": code in COMMUNITY_PROPERTY,
            "deadlines": running(data, today)}


def cpa(data: dict[str, Any], today: date) -> dict[str, Any]:
    """Return whether the loss is a theft loss and the refund-claim deadline."""
    return {"theft": data.get("loss_kind") in ("scam", "account_takeover"),
            "refund_claim_by": _due(data, today, "tax_1040x_refund_claim")}


def loss_results(results: Mapping[str, Any]) -> dict[str, Any]:
    """Return the loss summary's net loss (a loss only, never a gain) as the ``net_loss`` answer."""
    found = results.get("loss-summary")
    net = found.get("net_loss") if isinstance(found, Mapping) else None
    try:
        positive = net is not None and Decimal(str(net)) > 0
    except ArithmeticError:
        positive = False
    return {"net_loss": net} if positive else {}


def cpa_results(results: Mapping[str, Any]) -> dict[str, Any]:
    """Return the capital-loss worksheet's figures and the net loss as CPA-intake answers."""
    found = results.get("capital-loss")
    if not isinstance(found, Mapping):
        return loss_results(results)
    carryover = found.get("carryover") if isinstance(found.get("carryover"), Mapping) else {}
    return {key: value for key, value in {
        "capital_loss_deduction": found.get("deduction"),
        "carryover_next_short_term": carryover.get("short_term"),
        "carryover_next_long_term": carryover.get("long_term")}.items() if value is not None
    } | loss_results(results)


def range_check(first: str, last: str, message: str) -> Any:
    """Return a check that ``first`` is not after ``last``."""
    def check(data: Mapping[str, Any]) -> dict[str, list[str]]:
        if data.get(first) and data.get(last) and data[first] > data[last]:
            return {last: [message]}
        return {}
    return check


records_order = range_check("records_from", "records_to",
                            "Make the end of the range no earlier than its start.")
marriage_order = range_check("marriage_date", "separation_date",
                             "Make the separation no earlier than the marriage.")


def statement_check(data: Mapping[str, Any]) -> dict[str, list[str]]:
    """Refuse a bank statement dated before the first transfer it is to show."""
    days = [item["date"] for item in data.get("bank_transfers") or [] if item.get("date")]
    statement = data.get("bank_statement_date")
    if statement and days and statement < min(days):
        first = min(days)
        return {"bank_statement_date": [
            f"A statement that shows the transfers cannot be dated before the first of them, "
            f"{first:%B} {first.day}, {first.year}. Check the date on the statement."]}
    return {}


#: Rules between answers that hold whatever letter they go into: checked as answers come.
ANSWER_RULES = (records_order, marriage_order, statement_check)


#: The amount each agreed rule needs; a rule not agreed on needs nothing.
RULE_AMOUNTS = {"trade_cap": "per_trade_cap", "two_signatures": "two_signature_threshold",
                "cooling_off": "cooling_off_hours", "emergency_fund": "emergency_fund_target"}


def policy_check(data: dict[str, Any]) -> dict[str, list[str]]:
    """Require the amount of each agreed rule, two signers, and a trade cap no larger than the
    position cap."""
    rules = data.get("policy_rules") or []
    errors = require(data, *(RULE_AMOUNTS[rule] for rule in rules if rule in RULE_AMOUNTS))
    signers = data.get("household_signers")
    if signers is not None and len(signers) < 2:
        errors["household_signers"] = ["List at least two people: the policy needs two "
                                       "signatures."]
    trade, position = data.get("per_trade_cap"), data.get("per_position_cap")
    if trade is not None and position is not None and trade > position:
        errors["per_trade_cap"] = ["Make the cap per trade no larger than the cap per position."]
    return errors


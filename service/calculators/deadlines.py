"""Deadlines: the clocks that start running after a loss, in days, business days or years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from marshmallow import Schema, fields, post_load, validate

from . import Calculator
from ._common import CENT, Money, line

if TYPE_CHECKING:
    from icalendar import Event

__all__ = ["CALCULATOR", "add_business_days", "compute", "is_business_day", "to_ics"]

FIRST_DAY = date(2000, 1, 1)
LAST_DAY = date(2100, 12, 31)
KILL_CHAIN = "wire_kill_chain_72_hours"
_ASK_A_LAWYER = "Ask a lawyer; the exact start date can differ."


@lru_cache(maxsize=256)
def _fed_holidays(year: int) -> frozenset[date]:
    """Return the holidays the Federal Reserve Banks observe in ``year``."""
    import holidays  # its tables load on the first business-day count, not at start-up

    return frozenset(holidays.financial_holidays("XFED", years=year))


def is_business_day(day: date) -> bool:
    """Return True when ``day`` is a weekday on which the Federal Reserve Banks are open.

    :param day: the date to check; a datetime counts by its own calendar date.
    """
    if isinstance(day, datetime):
        day = day.date()
    return day.weekday() < 5 and day not in _fed_holidays(day.year)


def add_business_days(start: date, days: int) -> date:
    """Return the date ``days`` business days after ``start`` (before it when negative).

    The day of ``start`` itself is never counted, so ``days=0`` returns ``start`` unchanged.

    :param start: the day the clock starts, such as the day a loss was learned of.
    :param days: how many business days to count.
    """
    step = 1 if days >= 0 else -1
    current, left = start, abs(days)
    while left:
        current += timedelta(days=step)
        if is_business_day(current):
            left -= 1
    return current


def _add_years(start: date, years: int) -> date:
    """Return the same day ``years`` later; 29 February becomes 28 February (the earlier day)."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:
        return start.replace(year=start.year + years, day=28)


@dataclass(frozen=True)
class _Rule:
    """One deadline: where it starts, how much it counts, and what it means."""

    id: str
    starts: tuple[tuple[str, int], ...]  # (request field, count); the latest due date wins
    unit: str  # "days", "business days", "hours" or "years"
    title: str
    rule: str
    source: str
    action: str
    late: str  # what can still be done once the date has passed
    routes: frozenset[str] = frozenset()  # payment routes it needs; empty: any route
    situations: frozenset[str] = frozenset()  # situations it fits; empty: any situation


_EFT = frozenset({"debit_card", "ach"})  # electronic transfers under Regulation E
_CREDIT = frozenset({"credit_card", "heloc"})  # credit under Regulation Z
_CARDS = frozenset({"credit_card", "debit_card"})
_NOT_ALLOWED = frozenset({"takeover", "partner"})  # someone paid without the person's OK
_WRONGED = frozenset({"takeover", "scam", "partner"})
SITUATIONS = ("misclick", "liquidation", "bad_trade", "takeover", "scam", "partner")
ROUTES = ("savings", "heloc", "credit_card", "debit_card", "ach", "wire")
KILL_CHAIN_MINIMUM = Decimal(50000)
_LAWYER_LATE = ("This rough date has passed. Talk with a lawyer anyway: the real start date "
                "may be later, and other claims may still be open.")
_BILLING_LATE = ("The 60 days have passed, so the lender does not have to follow the "
                 "billing-error rules. Write to it anyway: it can still choose to look into "
                 "the charge, and a card fraud claim may still be open.")
_BILLING_ERROR = ("The lender must receive your written billing-error notice, at its "
                  "billing-error address, within 60 days after it sent the first statement that "
                  "shows the charge.")
_RULES = (
    _Rule("reg_e_2_business_days", (("learned_of_loss", 2),), "business days",
          "Tell your bank that a card or login was lost or stolen",
          "If you tell your bank within 2 business days after you learn of it, your share of "
          "unauthorized transfers is at most $50. After that it can be up to $500.",
          "Regulation E, 12 CFR 1005.6(b)(1)",
          "Call or write to your bank. Note the date, the time and who you spoke with.",
          "The 2 days have passed, but tell your bank today. Your share can now be up to $500 "
          "instead of $50, and telling them now stops any more loss from falling on you.",
          _EFT, _NOT_ALLOWED),
    _Rule("reg_e_60_days", (("bank_statement_date", 60),), "days",
          "Report errors on your bank statement",
          "Your bank must receive your notice of an error or unauthorized transfer within 60 days "
          "after it sent the statement that first shows it. After that, you may have to bear "
          "later unauthorized transfers yourself.",
          "Regulation E, 12 CFR 1005.6(b)(3) and 1005.11(b)",
          "Send the bank a written notice that lists each transfer, its date and amount, and why "
          "it is wrong.",
          "The 60 days have passed, but send the notice anyway. The bank can still look into "
          "it, and your notice protects you from any new transfers.", _EFT),
    _Rule("reg_z_60_days", (("card_statement_date", 60),), "days",
          "Dispute a credit card charge in writing", _BILLING_ERROR,
          "Regulation Z, 12 CFR 1026.13(b)",
          "Mail a billing-error notice to the billing-error address on your statement.",
          _BILLING_LATE, frozenset({"credit_card"})),
    _Rule("heloc_reg_z_60_days", (("heloc_statement_date", 60),), "days",
          "Dispute a home equity line draw in writing", _BILLING_ERROR,
          "Regulation Z, 12 CFR 1026.13(b)",
          "Mail a billing-error notice about the draw to the lender's billing-error address.",
          "The 60 days have passed, so the lender does not have to follow the billing-error "
          "rules. Write to it anyway about the draw, and ask it to stop new draws.",
          frozenset({"heloc"})),
    _Rule("card_chargeback_120_days", (("card_processing_date", 120),), "days",
          "Ask your card issuer about a fraud chargeback",
          "Card networks often allow about 120 days from the day a charge was processed. This is "
          "a rule between banks, not a legal right, and the exact limit can differ.",
          "Card network rules, such as Visa reason code 10.4",
          "Ask your card issuer whether a chargeback is possible for this charge.",
          "The usual 120 days have passed. Ask your card issuer anyway: the limit can differ, "
          "and it costs nothing to ask.", _CARDS, _WRONGED),
    _Rule("ach_unauthorized_60_days", (("ach_settlement_date", 60),), "days",
          "Return an unauthorized ACH debit",
          "Your bank can usually send back an unauthorized debit if you report it within 60 "
          "calendar days after it settled. The bank will ask you to sign a written statement.",
          "Nacha Operating Rules, return codes R05, R07, R10 and R11",
          "Tell your bank the debit was not authorized and sign its written statement.",
          "The 60 days have passed, but tell your bank anyway. It can still ask the other bank "
          "to send the money back, though that bank does not have to.",
          frozenset({"ach"})),
    _Rule(KILL_CHAIN, (("wire_sent_at", 72),), "hours",
          "Ask for a wire recall through the Financial Fraud Kill Chain",
          "The FBI can try to freeze an international wire of $50,000 or more if a SWIFT recall "
          "has started and no more than 72 hours have passed. Every hour counts, because the "
          "money can be moved on.",
          "FBI Financial Fraud Kill Chain; UCC Article 4A",
          "Ask your bank to start a SWIFT recall now, and report the wire at ic3.gov.",
          "The 72 hours have passed, but still ask your bank for a recall and report the wire "
          "at ic3.gov. Money is sometimes found and frozen later.", frozenset({"wire"})),
    _Rule("wire_report_90_days", (("wire_notice_date", 90),), "days",
          "Report an unauthorized wire to your bank",
          "To keep your right to interest on a refund, report an unauthorized wire within a "
          "reasonable time, and no later than 90 days after the bank told you about it.",
          "UCC 4A-204",
          "Write to your bank that the wire was not authorized. Give its date, amount and "
          "reference.",
          "The 90 days have passed, so you may lose interest on a refund. Write to your bank "
          "anyway: you can still object until the 1-year date.", frozenset({"wire"})),
    _Rule("wire_objection_1_year", (("wire_notice_date", 1),), "years",
          "Last day to object to a wire",
          "Any objection to a wire is barred 1 year after the bank told you about it.",
          "UCC 4A-505",
          "Make sure your written objection reaches the bank before this date.",
          "The year to object to this wire has passed. A lawyer can tell you whether any other "
          "claim is still open.", frozenset({"wire"})),
    _Rule("tax_1040x_refund_claim", (("tax_return_filed_date", 3), ("tax_paid_date", 2)),
          "years", "Last day to claim a tax refund with Form 1040-X",
          "A refund claim is usually due by the later of 3 years after you filed the return or "
          "2 years after you paid the tax. A return filed early counts as filed on its due date, "
          "so the exact date can differ.",
          "Internal Revenue Code section 6511(a); Form 1040-X instructions",
          "If a loss could lower the tax for that year, ask a tax professional about an amended "
          "return before this date.",
          "The usual date for that year has passed. A tax professional can check whether the "
          "loss still counts in a later year."),
    _Rule("lawsuit_efta_1_year", (("learned_of_loss", 1),), "years",
          "Possible time limit to sue under the Electronic Fund Transfer Act",
          "A claim under this law usually must be filed within 1 year of the violation. This "
          f"date counts from the day you learned of the loss. {_ASK_A_LAWYER}",
          "15 U.S.C. 1693m(g)", "If you are thinking about a claim, talk with a lawyer early.",
          _LAWYER_LATE, _EFT, _WRONGED),
    _Rule("lawsuit_tila_1_year", (("learned_of_loss", 1),), "years",
          "Possible time limit to sue under the Truth in Lending Act",
          "A claim under this law usually must be filed within 1 year of the violation. This "
          f"date counts from the day you learned of the loss. {_ASK_A_LAWYER}",
          "15 U.S.C. 1640(e)", "If you are thinking about a claim, talk with a lawyer early.",
          _LAWYER_LATE, _CREDIT, _WRONGED),
    _Rule("lawsuit_fcra_2_years", (("learned_of_loss", 2),), "years",
          "Possible time limit to sue under the Fair Credit Reporting Act",
          "A claim under this law usually must be filed within 2 years after the problem is found, "
          f"and no later than 5 years after it happened. {_ASK_A_LAWYER}",
          "15 U.S.C. 1681p", "If you are thinking about a claim, talk with a lawyer early.",
          _LAWYER_LATE, frozenset(), _WRONGED),
)

_STARTS = {
    "learned_of_loss": "the day you learned of the loss",
    "bank_statement_date": "the bank statement date",
    "card_statement_date": "the card statement date",
    "heloc_statement_date": "the home equity line statement date",
    "card_processing_date": "the day the card charge was processed",
    "ach_settlement_date": "the day the ACH debit settled",
    "wire_sent_at": "the time the wire was sent",
    "wire_notice_date": "the day the bank told you about the wire",
    "tax_return_filed_date": "the day the tax return was filed",
    "tax_paid_date": "the day the tax was paid",
}


def _day(description: str) -> fields.Date:
    """Return an optional date field limited to the years Bearings can count."""
    return fields.Date(metadata={"description": description},
                       validate=validate.Range(min=FIRST_DAY, max=LAST_DAY,
                                               error="Enter a date from 2000 to 2100."))


class DeadlinesRequest(Schema):
    """The starting dates; every one is optional and adds the deadlines it starts."""

    learned_of_loss = _day("The day you learned of the loss, or that a card or login was "
                           "lost or stolen.")
    bank_statement_date = _day("The date of the first bank statement showing the transfer.")
    card_statement_date = _day("The date of the first credit card statement showing the charge.")
    heloc_statement_date = _day("The date of the first home equity line statement showing "
                                "the draw.")
    card_processing_date = _day("The day the card charge was processed.")
    ach_settlement_date = _day("The day the ACH debit settled.")
    wire_sent_at = fields.AwareDateTime(
        default_timezone=UTC,
        validate=validate.Range(min=datetime.combine(FIRST_DAY, time(), UTC),
                                max=datetime.combine(LAST_DAY, time.max, UTC),
                                error="Enter a time from 2000 to 2100."),
        metadata={"description": "When the wire was sent, ISO 8601; a time without an offset "
                                 "is taken as UTC."})
    wire_notice_date = _day("The day the bank first told you about the wire (statement or "
                            "notice).")
    tax_return_filed_date = _day("The day the tax return to amend was filed.")
    tax_paid_date = _day("The day the tax for that return was paid.")
    today = _day("The day to count days left from; the server's date when absent.")
    payment_methods = fields.List(
        fields.String(validate=validate.OneOf(ROUTES, error="Choose from: "
                                              + ", ".join(ROUTES) + ".")),
        validate=validate.Length(max=len(ROUTES)),
        metadata={"description": "How the money was paid (" + ", ".join(ROUTES) + "). When "
                                 "given, only the deadlines for these routes are counted: no "
                                 "Regulation E clock without a debit card or ACH, no wire clock "
                                 "without a wire. Savings alone starts no payment clock."})
    situation = fields.String(
        validate=validate.OneOf(SITUATIONS, error="Choose from: " + ", ".join(SITUATIONS) + "."),
        metadata={"description": "What happened (" + ", ".join(SITUATIONS) + "). When given, "
                                 "clocks for money taken without your OK (lost card or login, "
                                 "fraud chargeback, time limits to sue) are left out of trades "
                                 "you made yourself."})
    wire_international = fields.Boolean(metadata={
        "description": "Whether the wire went to another country. The Kill Chain clock is "
                       "counted only for a wire abroad, or when this is not given."})
    wire_amount = Money(minimum=CENT, metadata={
        "description": "The wire's amount in dollars. The Kill Chain clock needs $50,000 or "
                       "more; it is counted when this is not given."})

    @post_load
    def _to_utc(self, data: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
        """Convert the wire time to UTC."""
        if "wire_sent_at" in data:
            data["wire_sent_at"] = data["wire_sent_at"].astimezone(UTC)
        return data


def _due(rule: _Rule, start: date, count: int) -> date:
    """Return when ``rule`` falls due, counting ``count`` units from ``start``."""
    if rule.unit == "business days":
        return add_business_days(start, count)
    if rule.unit == "years":
        return _add_years(start, count)
    if rule.unit == "hours":
        return start + timedelta(hours=count)
    return start + timedelta(days=count)


def _urgency(days_left: int) -> str:
    """Return how pressing a deadline is, from the days left."""
    if days_left < 0:
        return "overdue"
    if days_left == 0:
        return "today"
    return "urgent" if days_left <= 3 else "soon" if days_left <= 14 else "later"


def _iso(moment: date) -> str:
    """Return a due date as YYYY-MM-DD, or a UTC time as ISO 8601 with a Z."""
    if isinstance(moment, datetime):
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.isoformat()


def _sort_key(moment: date) -> tuple[date, time]:
    """Order timed deadlines within their day; a whole-day deadline ends the day."""
    if isinstance(moment, datetime):
        return moment.date(), moment.time()
    return moment, time.max


def _count(rule: _Rule, loaded: dict[str, Any]) -> tuple[date, str, int] | None:
    """Return (due, start field, count) for ``rule``, the latest of its given starts."""
    found = [(_due(rule, loaded[name], count), name, count)
             for name, count in rule.starts if name in loaded]
    return max(found, key=lambda item: _sort_key(item[0])) if found else None


def spelled(moment: date) -> str:
    """Return a date as people write it (November 23, 2026); a time gets "at 3:00 PM UTC"."""
    day = f"{moment:%B} {moment.day}, {moment.year}"
    if not isinstance(moment, datetime):
        return day
    moment = moment.astimezone(UTC)
    hour = moment.hour % 12 or 12
    return f"{day} at {hour}:{moment:%M} {'AM' if moment.hour < 12 else 'PM'} UTC"


def _applies(rule: _Rule, loaded: dict[str, Any]) -> bool:
    """Return whether ``rule`` fits how the money was paid and what happened, as far as known."""
    routes = loaded.get("payment_methods")
    if rule.routes and routes is not None and not rule.routes & set(routes):
        return False
    situation = loaded.get("situation")
    if rule.situations and situation is not None and situation not in rule.situations:
        return False
    if rule.id == KILL_CHAIN:
        amount = loaded.get("wire_amount")
        return loaded.get("wire_international") is not False and (
            amount is None or amount >= KILL_CHAIN_MINIMUM)
    return True


def _deadline(rule: _Rule, due: date, today: date) -> dict[str, Any]:
    """Return one deadline as the contract shapes it; a passed one says what can still be done.

    ``due_text`` spells the date out for people; ``passed`` is true once it has gone by.
    """
    day = due.date() if isinstance(due, datetime) else due
    days_left = (day - today).days
    urgency = _urgency(days_left)
    return {"id": rule.id, "due": _iso(due), "due_text": spelled(due), "title": rule.title,
            "rule": rule.rule, "source": rule.source, "urgency": urgency,
            "action": rule.late if urgency == "overdue" else rule.action,
            "passed": urgency == "overdue", "days_left": days_left}


def _explain(deadlines: list[dict[str, Any]], today: date, dated: bool) -> list[str]:
    """Return plain sentences about the deadlines found; ``dated``: a starting date was given."""
    if not deadlines and dated:
        return ["None of the clocks we know of start from the dates you gave, for the way the "
                "money was paid and what happened.",
                "This is general information, not legal advice. A lawyer can tell you if any "
                "other time limit applies."]
    if not deadlines:
        return ["No deadlines were counted, because no starting dates were given.",
                "Add a date, such as the day you learned of the loss, to see which clocks apply."]
    count = len(deadlines)
    text = [f"We counted {count} deadline{'s' if count > 1 else ''} from the dates you gave, "
            f"as of {spelled(today)}."]
    passed = sum(item["passed"] for item in deadlines)
    if passed:
        text.append(f"{passed} of these dates {'has' if passed == 1 else 'have'} already passed. "
                    "Each one still says what you can do now, so it is worth acting on.")
    upcoming = [item for item in deadlines if not item["passed"]]
    if upcoming:
        text.append(f"The next one is \"{upcoming[0]['title']}\", due {upcoming[0]['due_text']}.")
    text.append("A business day is Monday to Friday, except the federal holidays the Federal "
                "Reserve Banks take off. Other clocks count every day, weekends included.")
    if any(item["id"].startswith("lawsuit_") for item in deadlines):
        text.append(f"The time limits to sue are only a rough guide. {_ASK_A_LAWYER}")
    text.append("These dates come from general rules, and your account terms may set others. "
                "This is general information, not legal advice.")
    return text


def compute(loaded: dict[str, Any]) -> dict[str, Any]:
    """Return every deadline the given dates start, soonest first, with the work shown."""
    today = loaded.get("today") or date.today()
    found = [(rule, *counted) for rule in _RULES
             if _applies(rule, loaded) and (counted := _count(rule, loaded))]
    found.sort(key=lambda item: (_sort_key(item[1]), item[0].id))
    deadlines = [_deadline(rule, due, today) for rule, due, _, _ in found]
    worksheet = [
        line(number, f"{rule.title}: {_STARTS[start]} ({_iso(loaded[start])}) plus {count} "
                     f"{rule.unit.removesuffix('s') if count == 1 else rule.unit} = {_iso(due)}",
             Decimal(count))
        for number, (rule, due, start, count) in enumerate(found, start=1)
    ]
    return {"deadlines": deadlines, "today": today.isoformat(), "worksheet": worksheet,
            "explanation": _explain(deadlines, today, any(name in loaded for name in _STARTS))}


def _event(item: dict[str, Any], calendar_id: str, stamp: datetime) -> Event:
    """Return one calendar event for one deadline, with an alarm only while it can still ring.

    The alarm rings a day before; when that moment is already gone, it rings when the deadline
    starts; once that is gone too, there is no alarm. A deadline already past says so in its
    title, and its description says what can still be done.
    """
    from icalendar import Alarm, Event

    event = Event()
    event.add("uid", f"{calendar_id}-{item['id']}@bearings")
    event.add("dtstamp", stamp)
    if "T" in item["due"]:
        start = datetime.fromisoformat(item["due"]).astimezone(UTC)
        event.add("dtstart", start)
        end = start
    else:
        day = date.fromisoformat(item["due"])
        event.add("dtstart", day)
        event.add("dtend", day + timedelta(days=1))
        start = datetime.combine(day, time(), UTC)
        end = start + timedelta(days=1)
    passed = item.get("passed") or item.get("urgency") == "overdue" or end <= stamp
    event.add("summary", f"Date passed: {item['title']}" if passed else item["title"])
    event.add("description", f"{item['action']}\n\n{item['rule']}\nSource: {item['source']}")
    if passed or start < stamp:  # gone, or due today already: no alarm in the past
        return event
    ahead = start - timedelta(days=1) >= stamp
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", f"{'Due in one day' if ahead else 'Due now'}: {item['title']}")
    alarm.add("trigger", timedelta(days=-1 if ahead else 0))
    event.add_component(alarm)
    return event


def to_ics(deadlines: list[dict[str, Any]], *, calendar_id: str = "bearings",
           stamp: datetime | None = None) -> bytes:
    """Return an iCalendar file with one event per deadline, each with a day-before alarm.

    No alarm is set in the past: see :func:`_event`.

    :param deadlines: deadlines as :func:`compute` returns them.
    :param calendar_id: makes the UIDs unique per person (a conversation id); the same
        deadline keeps the same UID, so importing again updates the event.
    :param stamp: the DTSTAMP to write; now when absent.
    """
    from icalendar import Calendar  # loaded with the first calendar, not at start-up

    calendar = Calendar()
    calendar.add("prodid", "-//Bearings//Deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "Bearings deadlines")
    for item in deadlines:
        calendar.add_component(_event(item, calendar_id, stamp or datetime.now(UTC)))
    return calendar.to_ical()


CALCULATOR = Calculator(
    name="deadlines",
    title="Deadlines after a loss",
    summary="The notice periods and time limits that start when money is lost, soonest first.",
    request=DeadlinesRequest,
    compute=compute,
)

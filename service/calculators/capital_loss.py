"""Capital-loss calculator: Schedule D netting, the yearly limit and the carryover worksheet."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from . import Calculator
from ._common import ZERO, Money, dollars, line, money
from ._tables import FILING_STATUSES, table, years

__all__ = ["CALCULATOR", "Netting", "carryover_lines", "carryover_sentences", "net", "project"]

#: The projection stops listing years after this many; ``years_to_use_up`` still counts them all.
PROJECTION_YEARS = 100
NOT_ADVICE = "This is an estimate to help you plan. It is not tax advice."

WORKSHEET_LABELS = (
    "taxable income (Form 1040 line 15), below zero if it would be",
    "the loss on Schedule D line 21, as a positive number",
    "line 1 plus line 2, not below zero",
    "the smaller of line 2 and line 3: the part of the deduction that lowered taxable income",
    "short-term loss on Schedule D line 7, as a positive number",
    "long-term gain on Schedule D line 15",
    "line 4 plus line 6",
    "short-term loss to carry forward: line 5 minus line 7, not below zero",
    "long-term loss on Schedule D line 15, as a positive number",
    "short-term gain on Schedule D line 7",
    "line 4 minus line 5, not below zero",
    "line 10 plus line 11",
    "long-term loss to carry forward: line 9 minus line 12, not below zero",
)


def served_year(year: int) -> None:
    """Refuse a tax year that has no tax table, naming the years that have one."""
    if year not in years():
        raise ValidationError(f"We have tax figures for {listing(years())} only.")


def listing(items: tuple[int, ...]) -> str:
    """Return ``2024, 2025 and 2026`` for three items."""
    words = [str(item) for item in items]
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def tax_year_field() -> fields.Integer:
    """Return the required tax-year field, limited to the years with tables."""
    return fields.Integer(required=True, strict=True, validate=served_year,
                          metadata={"description": f"Tax year: {listing(years())}."})


def filing_status_field() -> fields.String:
    """Return the required filing-status field."""
    choices = validate.OneOf(FILING_STATUSES, error="Choose one of: {choices}.")
    return fields.String(required=True, validate=choices,
                         metadata={"description": "Filing status."})


class CapitalLossRequest(Schema):
    """The year's net results, the losses carried in and, optionally, taxable income."""

    tax_year = tax_year_field()
    filing_status = filing_status_field()
    short_term = Money(load_default=ZERO, metadata={
        "description": "Net short-term gain (+) or loss (-) of the year, before carryover."})
    long_term = Money(load_default=ZERO, metadata={
        "description": "Net long-term gain (+) or loss (-) of the year, before carryover."})
    carryover_short_term = Money(minimum=ZERO, load_default=ZERO, metadata={
        "description": "Short-term loss carried in from earlier years (positive)."})
    carryover_long_term = Money(minimum=ZERO, load_default=ZERO, metadata={
        "description": "Long-term loss carried in from earlier years (positive)."})
    taxable_income = Money(load_default=None, allow_none=True, metadata={
        "description": "Form 1040 line 15, not floored at zero. Without it the whole "
                       "deduction is taken as usable."})


@dataclass(frozen=True)
class Netting:
    """Schedule D lines 7, 15, 16 and 21; line 21 is negative or zero, as on the form."""

    line_7: Decimal
    line_15: Decimal
    line_16: Decimal
    line_21: Decimal

    @property
    def deduction(self) -> Decimal:
        """Return the loss deducted this year as a positive amount."""
        return -self.line_21

    @property
    def form_1040(self) -> Decimal:
        """Return the capital gain or (loss) that goes on Form 1040 line 7."""
        return self.line_16 if self.line_16 > 0 else self.line_21


def net(short_term: Decimal, long_term: Decimal, carry_short: Decimal, carry_long: Decimal,
        limit: Decimal) -> Netting:
    """Net the year's results with the losses carried in and apply the yearly limit."""
    line_7 = short_term - carry_short
    line_15 = long_term - carry_long
    line_16 = line_7 + line_15
    line_21 = -min(-line_16, limit) if line_16 < 0 else ZERO
    return Netting(line_7, line_15, line_16, line_21)


def carryover_lines(netting: Netting, taxable_income: Decimal | None) -> tuple[Decimal, ...]:
    """Return the 13 lines of the Capital Loss Carryover Worksheet (line 8 and 13 carry)."""
    l1 = ZERO if taxable_income is None else taxable_income
    l2 = netting.deduction
    l3 = max(ZERO, l1 + l2)
    l4 = min(l2, l3)
    l5 = max(ZERO, -netting.line_7)
    l6 = max(ZERO, netting.line_15)
    l7 = l4 + l6
    l8 = max(ZERO, l5 - l7)
    l9 = max(ZERO, -netting.line_15)
    l10 = max(ZERO, netting.line_7)
    l11 = max(ZERO, l4 - l5)
    l12 = l10 + l11
    l13 = max(ZERO, l9 - l12)
    return (l1, l2, l3, l4, l5, l6, l7, l8, l9, l10, l11, l12, l13)


def project(tax_year: int, short: Decimal, long: Decimal,
            limit: Decimal) -> tuple[list[dict[str, Any]], int]:
    """Spend the carryover at the yearly limit, short-term first; return rows and years needed."""
    whole, part = divmod(short + long, limit)
    needed = int(whole) + (1 if part else 0)
    rows: list[dict[str, Any]] = []
    while (short or long) and len(rows) < PROJECTION_YEARS:
        used_short = min(short, limit)
        used_long = min(long, limit - used_short)
        short, long = short - used_short, long - used_long
        rows.append({"tax_year": tax_year + len(rows) + 1,
                     "deduction": money(used_short + used_long),
                     "carryover_short_term": money(short), "carryover_long_term": money(long)})
    return rows, needed


def carryover_sentences(tax_year: int, short: Decimal, long: Decimal, limit: Decimal,
                        needed: int) -> list[str]:
    """Say in plain words what carries forward and how long it lasts."""
    total = short + long
    if not total:
        return [f"Nothing carries forward to {tax_year + 1}."]
    if not long or not short:
        kind = "short-term" if short else "long-term"
        split = f"all of it {kind}"
    else:
        split = f"{dollars(short)} short-term and {dollars(long)} long-term"
    return [
        f"{dollars(total)} carries forward to {tax_year + 1}: {split}.",
        "It keeps that type, and it does not expire.",
        f"At {dollars(limit)} a year, this loss lasts {needed:,} more year"
        f"{'' if needed == 1 else 's'} unless you have gains to use it against.",
    ]


def _result(amount: Decimal, net: str = "") -> str:
    """Describe a gain or loss in words."""
    if amount > 0:
        return f"a {net}gain of {dollars(amount)}"
    return f"a {net}loss of {dollars(-amount)}" if amount < 0 else "zero"


def _netting_sentences(req: dict[str, Any], netting: Netting) -> list[str]:
    """Say what the year's results come to after netting."""
    carried = req["carryover_short_term"] or req["carryover_long_term"]
    start = "After counting the losses carried in, your" if carried else "Your"
    return [
        f"{start} short-term result for {req['tax_year']} is {_result(netting.line_7)} "
        f"and your long-term result is {_result(netting.line_15)}.",
        f"Together that is {_result(netting.line_16, 'net ')}.",
    ]


def _deduction_sentences(netting: Netting, limit: Decimal, used: Decimal) -> list[str]:
    """Say how much of a net loss comes off other income this year."""
    if netting.line_16 >= 0:
        return ["There is no net loss, so there is nothing to take off your other income."]
    if netting.deduction < limit:
        said = [f"All of it comes off your other income this year, which is within the "
                f"{dollars(limit)} yearly limit."]
    else:
        said = [f"You can take {dollars(limit)} of it off your other income this year. "
                "That is the most the rules allow in one year."]
    if used < netting.deduction:
        part = f"only {dollars(used)} of that" if used else "none of that"
        said.append(f"Your taxable income is below zero, so {part} lowered it. "
                    "The rest is not lost: it carries forward.")
    return said


def _worksheet(netting: Netting, lines: tuple[Decimal, ...], limit: Decimal,
               given: bool) -> list[dict[str, Any]]:
    """Return Schedule D lines 7-21 and the carryover worksheet as worksheet lines."""
    first = WORKSHEET_LABELS[0] if given else "taxable income: not given, so taken as zero " \
        "(the whole deduction counts)"
    labels = (first, *WORKSHEET_LABELS[1:])
    return [
        line("D7", "Schedule D line 7: net short-term gain or loss, after the short-term "
             "loss carried in", netting.line_7),
        line("D15", "Schedule D line 15: net long-term gain or loss, after the long-term "
             "loss carried in", netting.line_15),
        line("D16", "Schedule D line 16: line 7 plus line 15", netting.line_16),
        line("D21", f"Schedule D line 21: the loss deducted this year, the smaller of the "
             f"line 16 loss and {dollars(limit)} (negative, as on the form)", netting.line_21),
        *(line(f"W{number}", f"Carryover worksheet line {number}: {label}", amount)
          for number, (label, amount) in enumerate(zip(labels, lines, strict=True), start=1)),
    ]


def compute(req: dict[str, Any]) -> dict[str, Any]:
    """Net the year's results, apply the limit and work out next year's carryover."""
    year = req["tax_year"]
    limit = table(year).capital_loss_limit[req["filing_status"]]
    netting = net(req["short_term"], req["long_term"], req["carryover_short_term"],
                  req["carryover_long_term"], limit)
    lines = carryover_lines(netting, req["taxable_income"])
    short, long = lines[7], lines[12]
    rows, needed = project(year, short, long, limit)
    return {
        "schedule_d": {"line_7": money(netting.line_7), "line_15": money(netting.line_15),
                       "line_16": money(netting.line_16), "line_21": money(netting.line_21)},
        "deduction": money(netting.deduction),
        "carryover": {"short_term": money(short), "long_term": money(long)},
        "projection": rows,
        "years_to_use_up": needed,
        "worksheet": _worksheet(netting, lines, limit, req["taxable_income"] is not None),
        "explanation": [*_netting_sentences(req, netting),
                        *_deduction_sentences(netting, limit, lines[3]),
                        *carryover_sentences(year, short, long, limit, needed), NOT_ADVICE],
    }


class WorksheetLineSchema(Schema):
    """One line of a worksheet."""

    line = fields.String()
    label = fields.String()
    amount = fields.String(metadata={"description": "Decimal string with 2 places."})


class ProjectionRowSchema(Schema):
    """One later year of spending the carryover at the yearly limit, with no new gains."""

    tax_year = fields.Integer()
    deduction = fields.String()
    carryover_short_term = fields.String(metadata={"description": "Left after that year."})
    carryover_long_term = fields.String(metadata={"description": "Left after that year."})


class CarryoverSchema(Schema):
    """Loss carried to next year, by type."""

    short_term = fields.String()
    long_term = fields.String()


class ScheduleDSchema(Schema):
    """Schedule D lines; line 21 is negative (or zero), as on the form."""

    line_7 = fields.String()
    line_15 = fields.String()
    line_16 = fields.String()
    line_21 = fields.String()


class CapitalLossResponse(Schema):
    """The capital-loss result."""

    schedule_d = fields.Nested(ScheduleDSchema)
    deduction = fields.String()
    carryover = fields.Nested(CarryoverSchema)
    projection = fields.List(fields.Nested(ProjectionRowSchema), metadata={
        "description": f"At most {PROJECTION_YEARS} years; see years_to_use_up."})
    years_to_use_up = fields.Integer()
    worksheet = fields.List(fields.Nested(WorksheetLineSchema))
    explanation = fields.List(fields.String())


CALCULATOR = Calculator(
    name="capital-loss",
    title="Capital loss and carryover",
    summary="Nets the year's gains and losses as on Schedule D, applies the yearly limit "
            "and works out the loss that carries to later years.",
    request=CapitalLossRequest,
    compute=compute,
    response=CapitalLossResponse,
)

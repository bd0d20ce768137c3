"""Tax-savings calculator: federal income tax and NIIT with and without the year's capital losses.

Regular tax follows the rate schedules (not the Tax Table's $50 rows) and the Qualified
Dividends and Capital Gain Tax Worksheet; the net investment income tax takes the net capital
gain as the only investment income and AGI as modified AGI. No credits and no AMT. Each form
figure (regular tax, NIIT) is rounded to cents once, when it is produced.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marshmallow import Schema, fields

from . import Calculator
from ._common import ZERO, Money, cents, dollars, line, money
from ._tables import TaxTable, table
from .capital_loss import (
    NOT_ADVICE,
    CarryoverSchema,
    Netting,
    ProjectionRowSchema,
    WorksheetLineSchema,
    carryover_lines,
    carryover_sentences,
    filing_status_field,
    net,
    project,
    tax_year_field,
)

__all__ = ["CALCULATOR", "Figures", "figure", "gains_tax", "schedule_tax"]

SCOPE = ("This covers regular federal income tax and the 3.8% tax on investment income only. "
         "It leaves out credits, the alternative minimum tax and state tax.")


class TaxSavingsRequest(Schema):
    """A household's income, deductions and capital results for one year."""

    tax_year = tax_year_field()
    filing_status = filing_status_field()
    ordinary_income = Money(required=True, metadata={
        "description": "Wages and other income that is not a capital gain or loss."})
    itemized_deductions = Money(minimum=ZERO, load_default=ZERO, metadata={
        "description": "Used when larger than the standard deduction."})
    short_term = Money(load_default=ZERO, metadata={
        "description": "Net short-term gain (+) or loss (-) of the year, before carryover."})
    long_term = Money(load_default=ZERO, metadata={
        "description": "Net long-term gain (+) or loss (-) of the year, before carryover."})
    carryover_short_term = Money(minimum=ZERO, load_default=ZERO, metadata={
        "description": "Short-term loss carried in from earlier years (positive)."})
    carryover_long_term = Money(minimum=ZERO, load_default=ZERO, metadata={
        "description": "Long-term loss carried in from earlier years (positive)."})


@dataclass(frozen=True)
class Figures:
    """One return, from the capital gain or loss on Form 1040 line 7 to the total tax."""

    netting: Netting
    ordinary_income: Decimal
    agi: Decimal
    deduction: Decimal
    itemized: bool
    below_zero: Decimal
    taxable_income: Decimal
    bands: tuple[Decimal, Decimal, Decimal]
    regular_tax: Decimal
    niit: Decimal

    @property
    def total(self) -> Decimal:
        """Return regular tax plus the net investment income tax."""
        return self.regular_tax + self.niit


def schedule_tax(rates: TaxTable, status: str, amount: Decimal) -> Decimal:
    """Return the tax on ``amount`` by the ordinary rate schedule, unrounded."""
    tops = rates.ordinary_tops[status]
    tax = ZERO
    for rate, bottom, top in zip(rates.ordinary_rates, (ZERO, *tops), (*tops, None),
                                 strict=True):
        upper = amount if top is None else min(amount, top)
        if upper > bottom:
            tax += rate * (upper - bottom)
    return tax


def gains_tax(rates: TaxTable, status: str, taxable: Decimal,
              gain: Decimal) -> tuple[Decimal, tuple[Decimal, Decimal, Decimal]]:
    """Return regular tax by the capital gain worksheet and the amounts at each gain rate."""
    zero_top, mid_top = rates.gain_tops[status]
    line_5 = max(ZERO, taxable - gain)
    line_7 = min(taxable, zero_top)
    line_9 = line_7 - min(line_5, line_7)
    line_10 = min(taxable, gain)
    line_16 = max(ZERO, min(taxable, mid_top) - (line_5 + line_9))
    line_17 = min(line_10 - line_9, line_16)
    bands = (line_9, line_17, line_10 - line_9 - line_17)
    on_gains = sum((rate * part for rate, part in zip(rates.gain_rates, bands, strict=True)), ZERO)
    return min(on_gains + schedule_tax(rates, status, line_5),
               schedule_tax(rates, status, taxable)), bands


def figure(rates: TaxTable, status: str, ordinary: Decimal, itemized: Decimal,
           netting: Netting) -> Figures:
    """Work one return from income and Schedule D netting to the total tax."""
    agi = ordinary + netting.form_1040
    deduction = max(rates.standard_deduction[status], itemized)
    taxable = max(ZERO, agi - deduction)
    both_gains = netting.line_15 > 0 and netting.line_16 > 0
    gain = min(netting.line_15, netting.line_16) if both_gains else ZERO
    regular, bands = gains_tax(rates, status, taxable, gain)
    over = max(ZERO, agi - rates.niit_threshold[status])
    niit = rates.niit_rate * min(max(ZERO, netting.form_1040), over)
    return Figures(netting, ordinary, agi, deduction, itemized > rates.standard_deduction[status],
                   agi - deduction, taxable, bands, cents(regular), cents(niit))


def _scenario(n: int, heading: str, figures: Figures, limit: Decimal) -> list[dict[str, Any]]:
    """Return the worksheet lines of one return, numbered from ``n``."""
    kind = "itemized" if figures.itemized else "standard"
    texts_amounts = (
        ("ordinary income (not capital gains)", figures.ordinary_income),
        ("capital gain or loss on Form 1040 line 7 (a net loss counts up to "
         f"{dollars(limit)})", figures.netting.form_1040),
        (f"adjusted gross income: line {n} plus line {n + 1}", figures.agi),
        (f"{kind} deduction", figures.deduction),
        (f"taxable income: line {n + 2} minus line {n + 3}, not below zero",
         figures.taxable_income),
        (f"part of line {n + 4} taxed at the 0% capital-gain rate", figures.bands[0]),
        (f"part of line {n + 4} taxed at the 15% capital-gain rate", figures.bands[1]),
        (f"part of line {n + 4} taxed at the 20% capital-gain rate", figures.bands[2]),
        (f"regular income tax on line {n + 4} (rate schedules and the capital gain worksheet)",
         figures.regular_tax),
        ("net investment income tax: 3.8% of the smaller of the net capital gain and the "
         f"part of line {n + 2} over the threshold", figures.niit),
        (f"total tax: line {n + 8} plus line {n + 9}", figures.total),
    )
    return [line(n + i, f"{heading} — {text}", amount)
            for i, (text, amount) in enumerate(texts_amounts)]


def _explain(year: int, losses: Figures, gains_only: Figures, savings: Decimal) -> list[str]:
    """Say in plain words what the losses do to this year's tax."""
    said = [
        f"With your losses, your taxable income for {year} is {dollars(losses.taxable_income)} "
        f"and the estimated federal tax is {dollars(losses.total)}.",
        f"If you leave the losses out but keep any gains, the tax would be "
        f"{dollars(gains_only.total)}.",
    ]
    if savings > 0:
        said.append(f"So the losses lower your tax by about {dollars(savings)}.")
    elif losses.netting == gains_only.netting:
        said.append("You have no losses for this year, so the two figures are the same.")
    else:
        said.append("Here the losses do not lower this year's tax.")
    return said


def compute(req: dict[str, Any]) -> dict[str, Any]:
    """Work out the year's tax with and without its capital losses, and the carryover."""
    year, status = req["tax_year"], req["filing_status"]
    rates = table(year)
    limit = rates.capital_loss_limit[status]
    short_term, long_term = req["short_term"], req["long_term"]
    losses = figure(rates, status, req["ordinary_income"], req["itemized_deductions"],
                    net(short_term, long_term, req["carryover_short_term"],
                        req["carryover_long_term"], limit))
    gains_only = figure(rates, status, req["ordinary_income"], req["itemized_deductions"],
                        net(max(ZERO, short_term), max(ZERO, long_term), ZERO, ZERO, limit))
    carry = carryover_lines(losses.netting, losses.below_zero)
    short, long = carry[7], carry[12]
    rows, needed = project(year, short, long, limit)
    savings = gains_only.total - losses.total
    worksheet = [*_scenario(1, "With the losses", losses, limit),
                 *_scenario(12, "Without the losses", gains_only, limit),
                 line(23, "Savings: line 22 minus line 11", savings),
                 line(24, "Short-term loss carried to next year", short),
                 line(25, "Long-term loss carried to next year", long)]
    return {
        "taxable_income": money(losses.taxable_income),
        "tax": money(losses.total),
        "tax_without_losses": money(gains_only.total),
        "savings": money(savings),
        "carryover": {"short_term": money(short), "long_term": money(long)},
        "projection": rows,
        "years_to_use_up": needed,
        "worksheet": worksheet,
        "explanation": [*_explain(year, losses, gains_only, savings),
                        *carryover_sentences(year, short, long, limit, needed),
                        SCOPE, NOT_ADVICE],
    }


class TaxSavingsResponse(Schema):
    """The tax-savings result."""

    taxable_income = fields.String()
    tax = fields.String()
    tax_without_losses = fields.String()
    savings = fields.String()
    carryover = fields.Nested(CarryoverSchema)
    projection = fields.List(fields.Nested(ProjectionRowSchema))
    years_to_use_up = fields.Integer()
    worksheet = fields.List(fields.Nested(WorksheetLineSchema))
    explanation = fields.List(fields.String())


CALCULATOR = Calculator(
    name="tax-savings",
    title="Tax with and without the losses",
    summary="Estimates federal income tax and the net investment income tax for the year, "
            "with and without its capital losses, and the loss carried to later years.",
    request=TaxSavingsRequest,
    compute=compute,
    response=TaxSavingsResponse,
)

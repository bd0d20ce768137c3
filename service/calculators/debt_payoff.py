"""Debt payoff: the avalanche and snowball orders compared, and an emergency-fund target."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from . import Calculator
from ._common import CENT, ZERO, Money, dollars, line, money

__all__ = ["CALCULATOR", "MONTH_CAP", "compute", "simulate"]

#: The simulation stops after this many months (50 years).
MONTH_CAP = 600
MONTHLY = Decimal(1200)  # a yearly rate in percent, divided by 12 months and by 100
#: A balance left below half a cent after a payment counts as paid.
HALF_CENT = Decimal("0.005")
_RATE_ERRORS = {"invalid": "Enter a yearly rate in percent, such as 24.99.",
                "too_precise": "Use at most four decimal places.",
                "range": "Enter a rate between {minimum} and {maximum} percent."}


class DebtSchema(Schema):
    """One debt: what is owed, its rate and its minimum payment."""

    name = fields.String(required=True,
                         validate=[validate.Length(min=1, max=80),
                                   validate.Regexp(r"\s*\S", error="Enter a name.")],
                         metadata={"description": "A name for the debt, such as \"HELOC\"."})
    balance = Money(required=True, minimum=CENT,
                    metadata={"description": "What is owed now, in dollars."})
    apr = Money(required=True, minimum=ZERO, maximum=Decimal(100), places=4,
                error_messages=_RATE_ERRORS,
                metadata={"description": "Yearly interest rate in percent, such as \"24.99\"."})
    minimum_payment = Money(required=True, minimum=ZERO,
                            metadata={"description": "The minimum payment each month, in "
                                                     "dollars; taken as fixed."})


class DebtPayoffRequest(Schema):
    """The debts, the monthly budget for them, and monthly living expenses."""

    debts = fields.List(fields.Nested(DebtSchema), required=True,
                        validate=validate.Length(min=1, max=50),
                        metadata={"description": "Each debt, 1 to 50."})
    monthly_budget = Money(required=True, minimum=CENT, metadata={
        "description": "Dollars a month for all debt payments together; at least the sum of "
                       "the minimum payments."})
    monthly_expenses = Money(minimum=ZERO, metadata={
        "description": "Monthly living expenses, for the emergency-fund target (optional; $0 "
                       "gives no target)."})

    @validates_schema
    def _payable(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Refuse a budget below the minimums, or one that never pays the debts off."""
        if not {"debts", "monthly_budget"} <= set(data):
            return
        debts, budget = data["debts"], data["monthly_budget"]
        minimums = sum((debt["minimum_payment"] for debt in debts), ZERO)
        if budget < minimums:
            raise ValidationError(f"The budget is below the minimum payments, which add up to "
                                  f"{dollars(minimums)} a month.", "monthly_budget")
        interest = sum((debt["balance"] * debt["apr"] / MONTHLY for debt in debts), ZERO)
        if budget <= interest:
            raise ValidationError(f"The budget does not cover the interest, about "
                                  f"{dollars(interest)} in the first month, so the debts would "
                                  "never be paid off.", "monthly_budget")
        if simulate(debts, budget, _avalanche).months is None:
            raise ValidationError(f"At this budget the debts would not be paid off within "
                                  f"{MONTH_CAP} months (50 years).", "monthly_budget")


Order = Callable[[dict[str, Any], Decimal, int], tuple[Any, ...]]


def _avalanche(debt: dict[str, Any], balance: Decimal, index: int) -> tuple[Any, ...]:
    """Order by the highest rate first, then the smaller balance."""
    return -debt["apr"], balance, index


def _snowball(debt: dict[str, Any], balance: Decimal, index: int) -> tuple[Any, ...]:
    """Order by the smallest balance first, then the higher rate."""
    return balance, -debt["apr"], index


@dataclass
class Plan:
    """The outcome of paying the debts in one order."""

    months: int | None
    interest: list[Decimal]
    payoff: list[int | None]

    @property
    def total_interest(self) -> Decimal:
        """Return the interest paid on every debt together."""
        return sum(self.interest, ZERO)


def _pay(balances: list[Decimal], index: int, amount: Decimal) -> Decimal:
    """Pay up to ``amount`` off one balance; return what was paid."""
    paid = min(amount, balances[index])
    balances[index] -= paid
    if balances[index] < HALF_CENT:
        balances[index] = ZERO
    return paid


def simulate(debts: list[dict[str, Any]], budget: Decimal, order: Order) -> Plan:
    """Pay ``budget`` each month: every minimum first, the rest to debts in ``order``.

    Interest is added monthly at the yearly rate / 12 before each month's payments.
    ``months`` is None when the debts are not paid off within :data:`MONTH_CAP` months.
    """
    balances = [debt["balance"] for debt in debts]
    plan = Plan(None, [ZERO] * len(debts), [None] * len(debts))
    for month in range(1, MONTH_CAP + 1):
        for index, debt in enumerate(debts):
            charge = balances[index] * debt["apr"] / MONTHLY
            balances[index] += charge
            plan.interest[index] += charge
        left = budget
        for index, debt in enumerate(debts):
            left -= _pay(balances, index, debt["minimum_payment"])
        for index in sorted(range(len(debts)),
                            key=lambda i: order(debts[i], balances[i], i)):
            left -= _pay(balances, index, left)
        for index, balance in enumerate(balances):
            if balance == 0 and plan.payoff[index] is None:
                plan.payoff[index] = month
        if not any(balances):
            plan.months = month
            return plan
        if sum(balances) > budget * (MONTH_CAP - month):
            return plan  # even the whole budget every month left could not clear it in time
    return plan


def _describe(plan: Plan, debts: list[dict[str, Any]]) -> dict[str, Any]:
    """Return one plan as JSON."""
    total = sum((debt["balance"] for debt in debts), ZERO)
    finished = sorted((month, index) for index, month in enumerate(plan.payoff) if month)
    return {
        "months": plan.months, "paid_off": plan.months is not None,
        "total_interest": money(plan.total_interest),
        "total_paid": money(total + plan.total_interest) if plan.months else None,
        "payoff_order": [debts[index]["name"] for _, index in finished],
        "debts": [{"name": debt["name"], "payoff_month": plan.payoff[index],
                   "interest": money(plan.interest[index])}
                  for index, debt in enumerate(debts)],
    }


def _span(months: int) -> str:
    """Return a number of months in words: ``27 months (2 years and 3 months)``."""
    years, rest = divmod(months, 12)
    if not years:
        return f"{months} month{'s' if months != 1 else ''}"
    parts = f"{years} year{'s' if years != 1 else ''}"
    parts += f" and {rest} month{'s' if rest != 1 else ''}" if rest else ""
    return f"{months} months ({parts})"


def _explain_plan(name: str, how: str, plan: Plan) -> str:
    """Return one sentence about one plan."""
    if plan.months is None:
        return (f"The {name} way puts the extra money on {how} first. At this budget it does "
                f"not pay everything off within {MONTH_CAP} months (50 years), so the count "
                "stops there.")
    return (f"The {name} way puts the extra money on {how} first. It pays off everything in "
            f"{_span(plan.months)}, with {dollars(plan.total_interest)} in interest.")


def _explain(loaded: dict[str, Any], totals: dict[str, Decimal], avalanche: Plan,
             snowball: Plan) -> list[str]:
    """Return plain sentences comparing the two orders."""
    count = len(loaded["debts"])
    text = [f"You owe {dollars(totals['balance'])} on {count} debt{'s' if count > 1 else ''}.",
            f"The minimum payments add up to {dollars(totals['minimums'])} a month. Your budget "
            f"is {dollars(loaded['monthly_budget'])}, so {dollars(totals['extra'])} a month "
            "goes beyond the minimums.",
            _explain_plan("avalanche", "the debt with the highest rate", avalanche),
            _explain_plan("snowball", "the smallest balance", snowball)]
    saved = snowball.total_interest - avalanche.total_interest
    if snowball.months and money(saved) != "0.00":
        text.append(f"Here the avalanche way costs {dollars(saved)} less in interest.")
    elif snowball.months:
        text.append("Here both ways cost the same in interest.")
    text.append("Minimum payments and rates are taken as fixed. Real bills change, so these "
                "are estimates.")
    if loaded.get("monthly_expenses") == ZERO:
        text.append("Living costs of $0 a month give no emergency fund goal. Enter what you "
                    "spend in a usual month, such as rent, food and bills, to see one.")
    elif "monthly_expenses" in loaded:
        text.append(f"An emergency fund of 3 to 6 months of expenses would be "
                    f"{dollars(loaded['monthly_expenses'] * 3)} to "
                    f"{dollars(loaded['monthly_expenses'] * 6)}.")
    return text


def _worksheet(loaded: dict[str, Any], totals: dict[str, Decimal], avalanche: Plan,
               snowball: Plan) -> list[dict[str, Any]]:
    """Return the lines a person would write on paper."""
    rows = [line(1, "Total owed", totals["balance"]),
            line(2, "Minimum payments each month", totals["minimums"]),
            line(3, "Monthly budget for debts", loaded["monthly_budget"]),
            line(4, "Extra each month beyond the minimums (line 3 minus line 2)", totals["extra"]),
            line(5, "Interest in the first month", totals["first_interest"]),
            line(6, f"Avalanche: total interest ({_months(avalanche)})", avalanche.total_interest),
            line(7, f"Snowball: total interest ({_months(snowball)})", snowball.total_interest),
            line(8, "Interest saved by the avalanche way (line 7 minus line 6)",
                 snowball.total_interest - avalanche.total_interest)]
    if loaded.get("monthly_expenses"):  # none for $0: a goal of $0 to $0 helps no one
        rows += [line(9, "Emergency fund: 3 months of expenses", loaded["monthly_expenses"] * 3),
                 line(10, "Emergency fund: 6 months of expenses", loaded["monthly_expenses"] * 6)]
    return rows


def _months(plan: Plan) -> str:
    """Return a plan's length for a worksheet label."""
    return f"{plan.months} months" if plan.months else f"not paid off in {MONTH_CAP} months"


def compute(loaded: dict[str, Any]) -> dict[str, Any]:
    """Return the avalanche and snowball plans side by side, with an emergency-fund target."""
    debts, budget = loaded["debts"], loaded["monthly_budget"]
    totals = {"balance": sum((debt["balance"] for debt in debts), ZERO),
              "minimums": sum((debt["minimum_payment"] for debt in debts), ZERO),
              "first_interest": sum((d["balance"] * d["apr"] / MONTHLY for d in debts), ZERO)}
    totals["extra"] = budget - totals["minimums"]
    avalanche, snowball = simulate(debts, budget, _avalanche), simulate(debts, budget, _snowball)
    expenses = loaded.get("monthly_expenses")
    return {
        "total_balance": money(totals["balance"]), "total_minimums": money(totals["minimums"]),
        "monthly_budget": money(budget), "extra_payment": money(totals["extra"]),
        "first_month_interest": money(totals["first_interest"]),
        "avalanche": _describe(avalanche, debts), "snowball": _describe(snowball, debts),
        "interest_saved": money(snowball.total_interest - avalanche.total_interest)
        if snowball.months else None,
        "simulation_cap_months": MONTH_CAP,
        "emergency_fund": None if not expenses else {
            "monthly_expenses": money(expenses), "three_months": money(expenses * 3),
            "six_months": money(expenses * 6)},
        "worksheet": _worksheet(loaded, totals, avalanche, snowball),
        "explanation": _explain(loaded, totals, avalanche, snowball),
    }


CALCULATOR = Calculator(
    name="debt-payoff",
    title="Debt payoff plans",
    summary="Avalanche (highest rate first) and snowball (smallest balance first) compared, "
            "with an emergency-fund target.",
    request=DebtPayoffRequest,
    compute=compute,
)

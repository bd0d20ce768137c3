"""Loss summary: the net loss, where the money came from, and what the borrowed part costs."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from . import Calculator
from ._common import CENT, ZERO, Money, dollars, line, money

__all__ = ["BORROWED", "CALCULATOR", "SOURCES", "compute"]

SOURCES = {
    "savings": "savings",
    "heloc": "the home equity line",
    "other_loan": "other loans",
    "credit_card": "credit cards",
    "debit_card": "debit cards",
    "ach": "bank transfers (ACH)",
    "wire": "wires",
}
BORROWED = ("heloc", "other_loan", "credit_card")
HUNDRED = Decimal(100)
MONTHS = Decimal(12)
_RATE_ERRORS = {"invalid": "Enter a yearly rate in percent, such as 8.25.",
                "too_precise": "Use at most four decimal places.",
                "range": "Enter a rate between {minimum} and {maximum} percent."}


def _when(description: str) -> fields.Date:
    """Return an optional date field."""
    return fields.Date(validate=validate.Range(min=date(2000, 1, 1), max=date(2100, 12, 31),
                                               error="Enter a date from 2000 to 2100."),
                       metadata={"description": description})


class DepositSchema(Schema):
    """Money sent to the exchange, and where it came from."""

    amount = Money(required=True, minimum=CENT, metadata={"description": "Dollars deposited."})
    source = fields.String(required=True, validate=validate.OneOf(list(SOURCES)),
                           metadata={"description": "Where the money came from: "
                                                    + ", ".join(SOURCES) + "."})
    date = _when("The day of the deposit (optional).")


class WithdrawalSchema(Schema):
    """Money taken back out of the exchange."""

    amount = Money(required=True, minimum=CENT, metadata={"description": "Dollars withdrawn."})
    date = _when("The day of the withdrawal (optional).")


class BorrowingSchema(Schema):
    """The rate, and optionally the balance owed, for one borrowed source."""

    source = fields.String(required=True, validate=validate.OneOf(BORROWED),
                           metadata={"description": "One of " + ", ".join(BORROWED) + "."})
    apr = Money(required=True, minimum=ZERO, maximum=Decimal(400), places=4,
                error_messages=_RATE_ERRORS,
                metadata={"description": "Yearly interest rate in percent, such as \"8.25\"."})
    balance = Money(minimum=ZERO, metadata={
        "description": "What is still owed on it; the deposits from this source when absent."})


class LossSummaryRequest(Schema):
    """Deposits, withdrawals, what is left, and the rates on borrowed money."""

    deposits = fields.List(fields.Nested(DepositSchema), required=True,
                           validate=validate.Length(min=1, max=1000),
                           metadata={"description": "Each deposit to the exchange, 1 to 1000."})
    withdrawals = fields.List(fields.Nested(WithdrawalSchema), load_default=list,
                              validate=validate.Length(max=1000),
                              metadata={"description": "Each withdrawal back to the bank."})
    balance_left = Money(minimum=ZERO, load_default=ZERO, metadata={
        "description": "What the account is worth on the exchange now, in dollars."})
    fees = Money(minimum=ZERO, load_default=ZERO, metadata={
        "description": "Trading fees paid, in dollars; part of the loss, shown on its own line."})
    liquidation_losses = Money(minimum=ZERO, load_default=ZERO, metadata={
        "description": "Losses from forced liquidations, in dollars; part of the loss."})
    borrowing = fields.List(fields.Nested(BorrowingSchema), load_default=list,
                            validate=validate.Length(max=len(BORROWED)),
                            metadata={"description": "The rate for each borrowed source "
                                                     "(heloc, other_loan, credit_card)."})

    @validates_schema
    def _one_rate_per_source(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Refuse two rates for the same borrowed source."""
        sources = [item["source"] for item in data.get("borrowing", [])]
        if len(sources) != len(set(sources)):
            raise ValidationError("Give each borrowed source once.", "borrowing")


def _allocate(total: Decimal, weights: list[Decimal]) -> list[Decimal]:
    """Split ``total`` into cents in proportion to ``weights``; spare cents go to the largest
    remainders, so the parts always add up to the total."""
    whole = total.quantize(CENT)
    raw = [whole * weight / sum(weights) for weight in weights]
    parts = [share.quantize(CENT, rounding=ROUND_DOWN) for share in raw]
    spare = int((whole - sum(parts)) / CENT)
    order = sorted(range(len(raw)), key=lambda index: raw[index] - parts[index], reverse=True)
    for index in order[:spare]:
        parts[index] += CENT
    return parts


def _by_source(deposits: list[dict[str, Any]], net_loss: Decimal) -> list[dict[str, Any]]:
    """Return each source's deposits, share and part of the loss, largest first."""
    totals: dict[str, Decimal] = {}
    for deposit in deposits:
        totals[deposit["source"]] = totals.get(deposit["source"], ZERO) + deposit["amount"]
    names = sorted(totals, key=lambda name: (-totals[name], list(SOURCES).index(name)))
    weights = [totals[name] for name in names]
    losses = _allocate(max(net_loss, ZERO), weights)
    shares = _allocate(HUNDRED, weights)
    return [{"source": name, "label": SOURCES[name], "deposited": money(totals[name]),
             "share_percent": money(share), "loss": money(loss), "borrowed": name in BORROWED}
            for name, share, loss in zip(names, shares, losses, strict=True)]


def _to_repay(loaded: dict[str, Any]) -> Decimal:
    """Return the borrowed money still to pay back: each borrowed source's balance where
    given, else all it put in. It is owed in full, whatever share of the loss it carries."""
    balances = {item["source"]: item["balance"] for item in loaded["borrowing"]
                if item.get("balance") is not None}
    put_in = {name: sum((d["amount"] for d in loaded["deposits"] if d["source"] == name), ZERO)
              for name in BORROWED}
    return sum((balances.get(name, put_in[name]) for name in BORROWED
                if name in balances or put_in[name]), ZERO)


def _borrowed(loaded: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the monthly and yearly interest for each borrowed source with a rate."""
    result = []
    for item in loaded["borrowing"]:
        balance = item.get("balance")
        if balance is None:
            balance = sum((d["amount"] for d in loaded["deposits"]
                           if d["source"] == item["source"]), ZERO)
        yearly = balance * item["apr"] / HUNDRED
        result.append({"source": item["source"], "label": SOURCES[item["source"]],
                       "balance": balance, "apr": item["apr"], "monthly": yearly / MONTHS,
                       "yearly": yearly})
    return result


def _percent(value: Decimal | str) -> str:
    """Return a percentage without trailing zeros: ``80``, ``12.5``."""
    return f"{Decimal(value).normalize():f}"


def _period(items: Iterable[dict[str, Any]]) -> dict[str, str] | None:
    """Return the first and last dates given, or None when no item has a date."""
    days = sorted(item["date"] for item in items if item.get("date"))
    return {"from": days[0].isoformat(), "to": days[-1].isoformat()} if days else None


def _worksheet(totals: dict[str, Decimal], sources: list[dict[str, Any]],
               borrowed: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Return the lines a person would write on paper."""
    rows = [line(1, "Total deposited", totals["deposits"]),
            line(2, "Total withdrawn", totals["withdrawals"]),
            line(3, "Balance left on the exchange", totals["balance_left"]),
            line(4, "Net loss (line 1 minus lines 2 and 3)", totals["net_loss"]),
            line(5, "Part of line 4: trading fees", totals["fees"]),
            line(6, "Part of line 4: liquidation losses", totals["liquidations"]),
            line(7, "Other trading losses (line 4 minus lines 5 and 6)", totals["other"])]
    rows += [line(f"8{chr(97 + n)}", f"Loss from {item['label']}: line 4 x "
                  f"{_percent(item['share_percent'])}% (its share of line 1)", item["loss"])
             for n, item in enumerate(sources)]
    rows += [line(f"9{chr(97 + n)}", f"Monthly interest on {item['label']}: "
                  f"{dollars(item['balance'])} x {_percent(item['apr'])}% / 12", item["monthly"])
             for n, item in enumerate(borrowed)]
    rows.append(line(10, "Total monthly interest on borrowed money",
                     sum((item["monthly"] for item in borrowed), ZERO)))
    return rows


def _explain(totals: dict[str, Decimal], sources: list[dict[str, Any]],
             borrowed: list[dict[str, Any]], unpriced: list[str],
             to_repay: Decimal) -> list[str]:
    """Return plain sentences about the summary."""
    left = totals["balance_left"]
    text = [f"You sent {dollars(totals['deposits'])} to the exchange and took out "
            f"{dollars(totals['withdrawals'])}.",
            f"About {dollars(left)} is still there." if left else "Nothing is left there."]
    if totals["net_loss"] <= 0:
        return [*text, f"So far that is no net loss: you are ahead by "
                f"{dollars(-totals['net_loss'])}. There is no loss to split by source."]
    top = sources[0]
    text += [f"That leaves a net loss of {dollars(totals['net_loss'])}.",
             "We split the loss by where the money came from, in proportion to what each "
             f"source put in. For example, {top['label']} gave {_percent(top['share_percent'])}% "
             f"of the deposits, so it carries {dollars(Decimal(top['loss']))} of the loss.",
             "Money has no label once it is on an exchange, so this split is a fair way to "
             "show it, not an exact trace."]
    if totals["other"] < 0:
        text.append("The fees and liquidations you entered are more than the net loss, so "
                    "other trades made money overall.")
    if to_repay:
        text.append(f"You still owe all {dollars(to_repay)} that was borrowed, not only the part "
                    "of the loss it carries.")
    if borrowed:
        monthly = sum((item["monthly"] for item in borrowed), ZERO)
        yearly = sum((item["yearly"] for item in borrowed), ZERO)
        text.append(f"The borrowed money costs about {dollars(monthly)} a month in interest "
                    f"({dollars(yearly)} a year) at the rates you gave.")
    text += [f"No rate was given for {SOURCES[name]}, so that interest is not counted."
             for name in unpriced]
    text.append("These figures come only from what you entered.")
    return text


def compute(loaded: dict[str, Any]) -> dict[str, Any]:
    """Return the net loss, its split by funding source and the interest on borrowed money."""
    deposits, withdrawals = loaded["deposits"], loaded["withdrawals"]
    totals = {"deposits": sum((d["amount"] for d in deposits), ZERO),
              "withdrawals": sum((w["amount"] for w in withdrawals), ZERO),
              "balance_left": loaded["balance_left"], "fees": loaded["fees"],
              "liquidations": loaded["liquidation_losses"]}
    totals["net_loss"] = totals["deposits"] - totals["withdrawals"] - totals["balance_left"]
    totals["other"] = totals["net_loss"] - totals["fees"] - totals["liquidations"]
    sources = _by_source(deposits, totals["net_loss"])
    borrowed = _borrowed(loaded)
    priced = {item["source"] for item in borrowed}
    unpriced = [s["source"] for s in sources if s["borrowed"] and s["source"] not in priced]
    monthly = sum((item["monthly"] for item in borrowed), ZERO)
    yearly = sum((item["yearly"] for item in borrowed), ZERO)
    to_repay = _to_repay(loaded)
    return {
        "total_deposits": money(totals["deposits"]),
        "total_withdrawals": money(totals["withdrawals"]),
        "balance_left": money(totals["balance_left"]),
        "net_loss": money(totals["net_loss"]),
        "fees": money(totals["fees"]),
        "liquidation_losses": money(totals["liquidations"]),
        "other_trading_loss": money(totals["other"]),
        "by_source": sources,
        "attribution": "proportional to deposits",
        "borrowed_loss": money(sum((Decimal(s["loss"]) for s in sources if s["borrowed"]), ZERO)),
        "borrowed_to_repay": money(to_repay),
        "borrowed": [{"source": item["source"], "balance": money(item["balance"]),
                      "apr": _percent(item["apr"]),
                      "monthly_interest": money(item["monthly"]),
                      "yearly_interest": money(item["yearly"])} for item in borrowed],
        "monthly_interest": money(monthly),
        "yearly_interest": money(yearly),
        "missing_rates": unpriced,
        "period": _period([*deposits, *withdrawals]),
        "worksheet": _worksheet(totals, sources, borrowed),
        "explanation": _explain(totals, sources, borrowed, unpriced, to_repay),
    }


CALCULATOR = Calculator(
    name="loss-summary",
    title="Loss summary",
    summary="The net loss, how much of it came from each funding source, and the monthly "
            "interest on borrowed money.",
    request=LossSummaryRequest,
    compute=compute,
)

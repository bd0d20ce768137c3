"""Margin: the result of a leveraged long or short, its liquidation price and any debt left."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from . import Calculator
from ._common import CENT, MAX_MONEY, ZERO, Money, Quantity, cents, dollars, line, money

__all__ = ["CALCULATOR", "compute", "liquidation_price"]

ONE = Decimal(1)
HUNDRED = Decimal(100)
PRICE_STEP = Decimal("0.00000001")
MAX_PRICE = Decimal("1000000000")
_PRICE_ERRORS = {"invalid": "Enter a price such as 64250.50.",
                 "too_precise": "Use at most 8 decimal places.",
                 "range": "Enter a price above 0 and at most {maximum}."}


def _price_field(description: str, **kwargs: Any) -> Quantity:
    """Return a price field: above zero, up to 8 decimal places."""
    return Quantity(places=8, minimum=PRICE_STEP, maximum=MAX_PRICE,
                    error_messages=_PRICE_ERRORS, metadata={"description": description},
                    **kwargs)


class MarginRequest(Schema):
    """A leveraged position: its side, prices, size, leverage and charges."""

    side = fields.String(required=True, validate=validate.OneOf(["long", "short"]),
                         metadata={"description": "long (a bet the price rises) or short "
                                                  "(a bet it falls)."})
    entry_price = _price_field("The price when the position was opened.", required=True)
    exit_price = _price_field("The price when it was closed; the liquidation price when absent.")
    size = Quantity(required=True, minimum=Decimal("1E-18"),
                    metadata={"description": "How many coins the position held, such as 0.5."})
    leverage = Quantity(
        required=True, places=2, minimum=ONE, maximum=Decimal(200),
        error_messages={"invalid": "Enter the leverage, such as 10.",
                        "range": "Enter a leverage from 1 to 200."},
        metadata={"description": "How many times the deposit the position was worth, 1 to 200."})
    maintenance_margin_rate = Quantity(
        places=4, maximum=Decimal(50), load_default=Decimal("0.4"),
        error_messages={"invalid": "Enter a rate in percent, such as 0.5.",
                        "range": "Enter a rate from 0 to 50 percent."},
        metadata={"description": "The exchange's maintenance margin in percent of the "
                                 "position's value; 0.4 when absent."})
    fees = Money(minimum=ZERO, load_default=ZERO,
                 metadata={"description": "Trading fees paid, in dollars."})
    funding = Money(load_default=ZERO, metadata={
        "description": "Funding or borrow charges paid, in dollars; negative when received."})

    @validates_schema
    def _check_sizes(self, data: dict[str, Any], **kwargs: Any) -> None:
        """Refuse a position too large to be real, or one liquidated the moment it opens."""
        value = data["size"] * data["entry_price"] if {"size", "entry_price"} <= set(data) \
            else CENT
        if not CENT <= value <= MAX_MONEY:
            raise ValidationError("The position's value (size times price) must be from $0.01 "
                                  "to $1,000,000,000,000.", "size")
        if "leverage" in data and \
                data.get("maintenance_margin_rate", ZERO) / HUNDRED >= ONE / data["leverage"]:
            limit = _plain(HUNDRED / data["leverage"])
            raise ValidationError(f"At this leverage the rate must be below {limit}%, or the "
                                  "position would be closed as soon as it opened.",
                                  "maintenance_margin_rate")


def liquidation_price(side: str, entry: Decimal, leverage: Decimal, rate: Decimal) -> Decimal:
    """Return the isolated-margin price at which equity falls to the maintenance margin.

    The deposit is ``entry / leverage`` per coin and ``rate`` is a fraction (0.005 for 0.5%).
    Fees, funding and each exchange's own tiers are left out, so the figure is approximate.
    """
    if side == "long":
        return entry * (ONE - ONE / leverage) / (ONE - rate)
    return entry * (ONE + ONE / leverage) / (ONE + rate)


def _price(value: Decimal) -> str:
    """Format a price: cents from a dollar up, otherwise up to 8 places."""
    if value >= 1:
        return money(value)
    text = format(value.quantize(PRICE_STEP, rounding=ROUND_HALF_UP), "f").rstrip("0")
    return text if len(text.partition(".")[2]) >= 2 else money(value)


def _plain(value: Decimal) -> str:
    """Format a figure for a sentence: 20, 33.33, 0.5."""
    return f"{cents(value).normalize():f}"


def _figures(loaded: dict[str, Any]) -> dict[str, Any]:
    """Return every figure of the position, unrounded."""
    side, entry, size = loaded["side"], loaded["entry_price"], loaded["size"]
    sign = ONE if side == "long" else -ONE
    liquidation = liquidation_price(side, entry, loaded["leverage"],
                                    loaded["maintenance_margin_rate"] / HUNDRED)
    exit_price = loaded.get("exit_price", liquidation)
    notional = size * entry
    margin = notional / loaded["leverage"]
    price_pnl = sign * (exit_price - entry) * size
    net = price_pnl - loaded["fees"] - loaded["funding"]
    crossed = (liquidation > 0 and exit_price <= liquidation) if side == "long" \
        else exit_price >= liquidation
    return {"side": side, "entry": entry, "exit": exit_price, "size": size,
            "liquidation": liquidation, "notional": notional, "margin": margin,
            "price_pnl": price_pnl, "net": net, "left": margin + net,
            "liquidated": crossed, "closed_at_liquidation": "exit_price" not in loaded,
            "leverage": loaded["leverage"], "fees": loaded["fees"], "funding": loaded["funding"],
            "liquidation_move": (liquidation - entry) / entry * HUNDRED,
            "exit_move": (exit_price - entry) / entry * HUNDRED}


def _worksheet(f: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the lines a person would write on paper."""
    sign = "exit minus entry" if f["side"] == "long" else "entry minus exit"
    return [
        line(1, f"Position value: {format(f['size'].normalize(), 'f')} coins x entry price "
                f"{_price(f['entry'])}", f["notional"]),
        line(2, f"Deposit (initial margin): line 1 / leverage {f['leverage'].normalize():f}",
             f["margin"]),
        line(3, f"Liquidation price, approximate ({_price(f['liquidation'])})",
             f["liquidation"]),
        line(4, f"Exit price ({_price(f['exit'])})", f["exit"]),
        line(5, f"Profit or loss from the price: ({sign}) x coins", f["price_pnl"]),
        line(6, "Trading fees", f["fees"]),
        line(7, "Funding or borrow charges (negative when received)", f["funding"]),
        line(8, "Net profit or loss: line 5 minus lines 6 and 7", f["net"]),
        line(9, "What is left of the deposit: line 2 plus line 8", f["left"]),
        line(10, "Owed beyond the deposit (negative balance)", max(-f["left"], ZERO)),
    ]


def _about_the_side(f: dict[str, Any]) -> list[str]:
    """Return what a long or a short is, and what leverage does to it."""
    if f["side"] == "short":
        text = ["A short is a bet that the price will fall. You borrow coins, sell them now, "
                "and plan to buy them back later for less. If the price rises instead, you "
                "lose, and there is no top to how high a price can go."]
    else:
        text = ["A long is a bet that the price will rise. You lose when it falls."]
    move = HUNDRED / f["leverage"]
    return text + [f"With {_plain(f['leverage'])}x leverage, a deposit of "
                   f"{dollars(f['margin'])} controlled a position worth {dollars(f['notional'])}. "
                   f"A move of about {_plain(move)}% against you uses up the whole deposit."]


def _dollar_price(value: Decimal) -> str:
    """Format a price for a sentence: $54,216.87, or $0.00001908 below a dollar."""
    return dollars(value) if value >= 1 else "$" + _price(value)


def _about_the_limit(f: dict[str, Any]) -> list[str]:
    """Return where the exchange would step in, and why a loss can pass the deposit."""
    if f["liquidation"] <= 0:
        return ["At 1x, a long is not closed by the exchange because of the price alone, and "
                "it cannot lose more than the deposit, apart from fees."]
    text = [f"The exchange would close the position near {_dollar_price(f['liquidation'])}, a "
            f"move of {money(abs(f['liquidation_move']))}% from the entry. This is only an "
            "estimate: each exchange has its own formula, and fees and funding move it too."]
    if f["leverage"] > 1:
        text.append("A loss can be bigger than the deposit, because the position is bigger "
                    "than the deposit. Leverage makes losses grow as fast as gains.")
    else:
        text.append("A short can lose more than the deposit, because a price can more than "
                    "double.")
    return text


def _about_the_result(f: dict[str, Any]) -> list[str]:
    """Return what happened at the exit price."""
    outcome = "profit" if f["net"] >= 0 else "loss"
    if not f["closed_at_liquidation"]:
        where = f"Closing at {_dollar_price(f['exit'])}"
    else:
        where = "Closing at the liquidation price" if f["liquidation"] > 0 else \
            "If the price fell to zero, that"
    text = [f"{where} gives a {outcome} of {dollars(abs(f['net']))} after fees and funding."]
    if f["liquidated"] and not f["closed_at_liquidation"]:
        text.append("At that price the position would have been liquidated.")
    if f["liquidated"] and f["left"] > 0:
        text.append("Some exchanges keep part or all of what is left as a liquidation fee.")
    if f["left"] < 0:
        text.append(f"Here the loss is {dollars(-f['left'])} more than the deposit. This can "
                    "happen when the price jumps past the liquidation price before the exchange "
                    "can close the position. Some exchanges cover the gap from an insurance "
                    "fund; others ask you to pay it back.")
    text.append("These are estimates from the figures you entered.")
    return text


def compute(loaded: dict[str, Any]) -> dict[str, Any]:
    """Return the profit or loss, deposit, liquidation price and any negative balance."""
    f = _figures(loaded)
    return {
        "side": f["side"], "notional": money(f["notional"]), "initial_margin": money(f["margin"]),
        "liquidation_price": _price(f["liquidation"]), "exit_price": _price(f["exit"]),
        "liquidated": f["liquidated"], "price_pnl": money(f["price_pnl"]),
        "fees": money(f["fees"]), "funding": money(f["funding"]), "net_pnl": money(f["net"]),
        "ending_balance": money(f["left"]), "negative_balance": money(max(-f["left"], ZERO)),
        "return_on_margin_percent": money(f["net"] / f["margin"] * HUNDRED),
        "price_move_percent": money(f["exit_move"]),
        "liquidation_move_percent": money(f["liquidation_move"]),
        "worksheet": _worksheet(f),
        "explanation": _about_the_side(f) + _about_the_limit(f) + _about_the_result(f),
    }


CALCULATOR = Calculator(
    name="margin",
    title="Leveraged position",
    summary="Profit or loss of a leveraged long or short, its approximate liquidation price, "
            "and any loss beyond the deposit.",
    request=MarginRequest,
    compute=compute,
)

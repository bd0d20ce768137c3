"""Turn one spot trade against dollars (or a dollar-pegged coin) into transactions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from ._values import USD_LIKE, ZERO, RowError, no_usd, tx


@dataclass(frozen=True)
class Trade:
    """One fill: ``quantity`` of ``base`` bought or sold for ``total`` of ``quote``."""

    ident: str
    time: str
    side: str  # "buy" or "sell"
    base: str
    quantity: Decimal
    quote: str
    total: Decimal
    fee: Decimal = ZERO
    fee_asset: str = ""
    wallet: str = "default"


def convert(trade: Trade) -> tuple[list[dict[str, Any]], str | None]:
    """Return the trade's transactions and a note on a fee that could not be valued.

    A fee in dollars adds to a buy's basis or comes off a sale's proceeds; a fee in the coin
    traded changes the quantity (fewer received, more given up); a fee in a third coin has no
    dollar value in the file and is left out, with a note.
    """
    base, quote = trade.base, trade.quote
    if base in USD_LIKE and quote in USD_LIKE:
        return [], None
    if quote not in USD_LIKE:
        raise no_usd(base, quote)
    if trade.side not in ("buy", "sell"):
        raise RowError(f"the side {trade.side!r} is neither buy nor sell")
    quantity, fee_usd, note = abs(trade.quantity), ZERO, None
    fee = abs(trade.fee)
    if fee and trade.fee_asset in USD_LIKE:
        fee_usd = fee
    elif fee and trade.fee_asset == base:
        quantity = quantity - fee if trade.side == "buy" else quantity + fee
    elif fee:
        note = (f"the fee of {fee} {trade.fee_asset} has no US dollar value in the file and "
                "was left out; add it as a fee transaction in the generic CSV")
    row = tx(trade.ident, trade.time, trade.side, base, quantity, abs(trade.total), fee_usd,
             trade.wallet)
    return [row], note

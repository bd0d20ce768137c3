"""Kraken ledgers export (both legs of a trade share a refid) and Kraken trades export."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ._format import Columns, Format, Item, Records, each_row
from ._trades import Trade, convert
from ._values import USD_LIKE, RowError, amount, asset, no_usd, optional, pair, tx, when

WALLET = "kraken"
TRADES = frozenset(("trade", "spend", "receive"))
INCOME = frozenset(("staking", "dividend", "airdrop", "reward"))
INTERNAL = frozenset(("transfer", "allocation", "deallocation", "autoallocation", "migration",
                      "spottostaking", "stakingfromspot", "stakingtospot", "spotfromstaking"))
MARGIN = frozenset(("margin", "rollover", "settled", "position"))


def ledgers(columns: Columns, records: Records) -> Iterator[Item]:
    """Convert ledger rows, holding the first leg of a trade until its partner arrives."""
    waiting: dict[str, tuple[int, dict[str, str]]] = {}

    def handle(number: int, row: dict[str, str]) -> list[dict[str, Any]] | None:
        kind, sub = row["type"].lower(), row.get("subtype", "").lower()
        if not row["txid"]:
            return []  # Kraken writes pending movements twice; the copy has no txid
        if kind in TRADES:
            first = waiting.pop(row["refid"], None)
            if first is None:
                waiting[row["refid"]] = (number, row)
                return None
            return _trade(first[1], row)
        return _single(kind, sub, row)

    yield from each_row(columns, records, handle)
    for number, row in waiting.values():
        yield number, (f"Only one side of trade {row['refid']} is in the file; export the whole "
                       "period so both legs are included.")


def _leg(row: dict[str, str]) -> tuple[str, Decimal, Decimal]:
    """Return a ledger row's asset, signed amount and fee."""
    return asset(row["asset"]), amount(row["amount"]), abs(optional(row["fee"], "fee") or 0)


def _trade(one: dict[str, str], two: dict[str, str]) -> list[dict[str, Any]]:
    """Combine the two legs of a trade into a buy or a sale."""
    legs = sorted((_leg(one), _leg(two)), key=lambda leg: leg[1])
    (paid, spent, spent_fee), (got, received, received_fee) = legs
    ident, time = f"kraken-{one['refid']}", when(two["time"])
    if paid in USD_LIKE and got in USD_LIKE:
        return []
    if paid in USD_LIKE:
        return [tx(ident, time, "buy", got, received - received_fee, abs(spent), spent_fee,
                   WALLET)]
    if got in USD_LIKE:
        return [tx(ident, time, "sell", paid, abs(spent) + spent_fee, received, received_fee,
                   WALLET)]
    raise no_usd(paid, got)


def _single(kind: str, sub: str, row: dict[str, str]) -> list[dict[str, Any]]:
    """Convert a deposit, withdrawal, reward or internal move."""
    name, value, fee = _leg(row)
    ident, time = row["txid"], when(row["time"])
    if kind in INTERNAL or sub in INTERNAL or (kind == "earn" and sub != "reward"):
        return []
    if kind in MARGIN:
        raise RowError(f"{kind} rows are margin positions, not coins bought or sold; enter the "
                       "realized margin result with the margin calculator")
    if name in USD_LIKE and kind in ("deposit", "withdrawal"):
        return []
    if kind == "deposit":
        return [tx(ident, time, "transfer_in", name, value - fee, None, None, WALLET)]
    if kind == "withdrawal":
        return [tx(ident, time, "transfer_out", name, abs(value) + fee, None, None, WALLET)]
    if kind in INCOME or (kind == "earn" and sub == "reward"):
        if name not in USD_LIKE:
            raise RowError(f"this {name} reward has no US dollar value in the file; add it "
                           "with the generic CSV at its value on the day")
        return []
    raise RowError(f"the ledger type {kind!r} is not one Bearings imports")


def trades(columns: Columns, records: Records) -> Iterator[Item]:
    """Convert rows of the trades export (one row per fill)."""

    def handle(number: int, row: dict[str, str]) -> list[dict[str, Any]]:
        if (optional(row.get("margin", ""), "margin") or 0) != 0:
            raise RowError("this is a margin trade; Bearings imports spot trades only (enter "
                           "the realized margin result with the margin calculator)")
        base, quote = pair(row["pair"])
        made, note = convert(Trade(row["txid"] or f"kraken-{number}", when(row["time"]),
                                   row["type"].lower(), base, amount(row["vol"], "volume"),
                                   quote, amount(row["cost"], "cost"),
                                   optional(row["fee"], "fee") or Decimal(0), quote, WALLET))
        return [*made, note] if note else made

    return each_row(columns, records, handle)


FORMATS = (
    Format("kraken-trades", "Kraken trades (txid, ordertxid, pair, time, type, ordertype, "
           "price, cost, fee, vol, margin, misc, ledgers)",
           ("txid", "ordertxid", "pair", "time", "type", "cost", "fee", "vol"), trades),
    Format("kraken-ledgers", "Kraken ledgers (txid, refid, time, type, subtype, aclass, asset, "
           "wallet, amount, fee, balance)",
           ("txid", "refid", "time", "type", "asset", "amount", "fee", "balance"), ledgers),
)

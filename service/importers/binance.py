"""Binance trade history (current and older layouts) and the Binance account statement."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from ._format import Columns, Format, Item, Records, each_row
from ._trades import Trade, convert
from ._values import USD_LIKE, ZERO, RowError, amount, asset, no_usd, pair, tx, when

WALLET = "binance"
_WITH_UNIT = re.compile(r"\s*([\d.,]+)\s*([A-Za-z0-9]+)\s*")


def _with_unit(text: str, what: str) -> tuple[Decimal, str]:
    """Split "0.5BTC" into (0.5, "BTC")."""
    match = _WITH_UNIT.fullmatch(text)
    if match is None:
        raise RowError(f"the {what} {text!r} should look like 0.5BTC")
    return amount(match.group(1), what), asset(match.group(2))


def _finish(made: list[dict[str, Any]], note: str | None) -> list[Any]:
    """Return the transactions, then the note about a fee that could not be valued."""
    return [*made, note] if note else list(made)


def trades(columns: Columns, records: Records) -> Iterator[Item]:
    """Convert the current trade history: Executed, Amount and Fee carry their units."""

    def handle(number: int, row: dict[str, str]) -> list[Any]:
        base, quote = pair(row["pair"])
        quantity, _unit = _with_unit(row["executed"], "executed quantity")
        total, _quote = _with_unit(row["amount"], "amount")
        fee, fee_asset = _with_unit(row["fee"], "fee") if row["fee"] else (ZERO, "")
        return _finish(*convert(Trade(f"binance-{number}", when(row["date(utc)"]),
                                      row["side"].lower(), base, quantity, quote, total, fee,
                                      fee_asset, WALLET)))

    return each_row(columns, records, handle)


def legacy_trades(columns: Columns, records: Records) -> Iterator[Item]:
    """Convert the older trade history: Market, Type, Amount, Total, Fee, Fee Coin."""

    def handle(number: int, row: dict[str, str]) -> list[Any]:
        base, quote = pair(row["market"])
        return _finish(*convert(Trade(
            f"binance-{number}", when(row["date(utc)"]), row["type"].lower(), base,
            amount(row["amount"], "amount"), quote, amount(row["total"], "total"),
            amount(row["fee"] or "0", "fee"), asset(row["fee coin"]), WALLET)))

    return each_row(columns, records, handle)


TRADE_OPS = frozenset(("buy", "sell", "fee", "transaction related", "transaction buy",
                       "transaction spend", "transaction fee", "transaction revenue",
                       "transaction sold", "small assets exchange bnb", "binance convert",
                       "large otc trading"))
INCOME_OPS = ("reward", "interest", "distribution", "airdrop", "commission", "kickback",
              "cashback", "launchpool", "mining")
INTERNAL_OPS = ("subscription", "redemption", "purchase", "transfer between",
                "transfer_in", "transfer_out", "main and funding", "staking purchase")


def statement(columns: Columns, records: Records) -> Iterator[Item]:
    """Convert statement rows; trade legs at the same second in one account form one trade."""
    group: list[tuple[int, dict[str, str]]] = []
    for number, item in each_row(columns, records, lambda n, row: [dict(row, _row=str(n))]):
        if not isinstance(item, dict):
            yield number, item
            continue
        if item["operation"].lower() not in TRADE_OPS:
            yield from _flush(group)
            yield from _single(number, item)
            continue
        if group and (group[0][1]["utc_time"], group[0][1]["account"]) != (
                item["utc_time"], item["account"]):
            yield from _flush(group)
        group.append((number, item))
    yield from _flush(group)


def _single(number: int, row: dict[str, str]) -> Iterator[Item]:
    """Convert a deposit, a withdrawal, a reward or an internal move."""
    try:
        made = _movement(number, row)
    except ValueError as exc:
        yield number, str(exc)[0].upper() + str(exc)[1:] + "."
        return
    yield number, made


def _movement(number: int, row: dict[str, str]) -> dict[str, Any] | None:
    """Return the transaction of one non-trade statement row (None: nothing to import)."""
    operation, name = row["operation"].lower(), asset(row["coin"])
    change, time = amount(row["change"], "change"), when(row["utc_time"])
    if any(word in operation for word in INTERNAL_OPS):
        return None
    if operation in ("deposit", "withdraw", "withdrawal"):
        if name in USD_LIKE:
            return None
        kind = "transfer_in" if operation == "deposit" else "transfer_out"
        return tx(f"binance-{number}", time, kind, name, change, None, None, WALLET)
    if any(word in operation for word in INCOME_OPS):
        if name in USD_LIKE:
            return None
        raise RowError(f"this {name} reward has no US dollar value in the file; add it with "
                       "the generic CSV at its value on the day")
    raise RowError(f"the operation {row['operation']!r} is not one Bearings imports")


def _flush(group: list[tuple[int, dict[str, str]]]) -> Iterator[Item]:
    """Turn the legs of one trade into a buy or a sale; empty ``group``."""
    if not group:
        return
    number, first = group[0]
    legs: dict[str, Decimal] = {}
    try:
        for _n, row in group:
            name = asset(row["coin"])
            legs[name] = legs.get(name, ZERO) + amount(row["change"], "change")
        yield from _trade(number, when(first["utc_time"]), legs)
    except ValueError as exc:
        yield number, str(exc)[0].upper() + str(exc)[1:] + "."
    finally:
        group.clear()


def _trade(number: int, time: str, legs: dict[str, Decimal]) -> Iterator[Item]:
    """Value the coin traded by the dollar leg; report a fee coin that has no value."""
    dollars = sum((change for name, change in legs.items() if name in USD_LIKE), ZERO)
    coins = {name: change for name, change in legs.items() if name not in USD_LIKE and change}
    if not coins:
        return
    if not dollars:
        raise no_usd(*(list(coins) + ["another coin"])[:2])
    main = max(coins, key=lambda name: (coins[name] > 0) == (dollars < 0))
    side = "buy" if coins[main] > 0 else "sell"
    yield number, tx(f"binance-{number}", time, side, main, coins.pop(main), dollars, None,
                     WALLET)
    for name, change in coins.items():
        yield number, (f"The fee of {abs(change)} {name} has no US dollar value in the file "
                       "and was left out; add it as a fee transaction in the generic CSV.")


FORMATS = (
    Format("binance-trades", "Binance trade history (Date(UTC), Pair, Side, Price, Executed, "
           "Amount, Fee)", ("date(utc)", "pair", "side", "executed", "amount", "fee"), trades),
    Format("binance-trades-legacy", "Binance trade history, older layout (Date(UTC), Market, "
           "Type, Price, Amount, Total, Fee, Fee Coin)",
           ("date(utc)", "market", "type", "amount", "total", "fee", "fee coin"), legacy_trades),
    Format("binance-statement", "Binance account statement (User_ID, UTC_Time, Account, "
           "Operation, Coin, Change, Remark)",
           ("utc_time", "account", "operation", "coin", "change"), statement),
)

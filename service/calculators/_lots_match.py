"""The sweep: take transactions in time order and match each disposal against lots."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Context, Decimal
from typing import Any

from ._common import CENT, ZERO
from ._lots_input import Ledger
from ._lots_piles import PILES, Lot, Part, Pile, first
from ._lots_report import Report
from ._lots_values import (
    ASSET,
    BUY,
    CODE,
    EXTRA,
    FEE_USD,
    IDENT,
    INCOME,
    QTY,
    TRANSFER_IN,
    TRANSFER_OUT,
    VALUE,
    WALLET,
    Row,
    text,
)

#: Disposals from here on match lots within their own wallet.
PER_WALLET = datetime(2025, 1, 1, tzinfo=UTC)
_Q18 = Decimal("1e-18")


class Matcher:
    """Hold the piles of lots and apply each transaction to them."""

    def __init__(self, method: str, ledger: Ledger, pairs: dict[int, int], report: Report):
        self.method = method
        self.pile = PILES[method]
        self.ledger = ledger
        self.pairs = pairs
        self.paired_outs = set(pairs.values())
        self.report = report
        self.piles: dict[str, dict[str, Pile]] = {}
        self.by_id: dict[str, list[Lot]] | None = {} if ledger.names_lots else None
        self.transit: dict[int, list[Part]] = {}
        self.waiting: dict[int, int] = {}
        #: Reads an amount of a row (plain ASCII text or a Decimal, see ``Row``): exact, as
        #: amounts have at most 31 digits; a context's ``create_decimal`` skips the keyword
        #: parsing of ``Decimal()``, a fifth of its cost.
        self.number = Context(prec=60).create_decimal

    def run(self, order: list[int], stop: datetime | None) -> None:
        """Apply the transactions in ``order`` up to (not including) time ``stop``."""
        rows, keys = self.ledger.rows, self.ledger.keys
        for seq, index in enumerate(order):
            key = keys[index]
            if stop is not None and key >= stop:
                break
            row = rows[index]
            code = row[CODE]
            if code == BUY or code == INCOME:
                self.acquire(row, index, key, seq, code)
            elif code == TRANSFER_OUT:
                self.send(row, index, key, seq)
            elif code == TRANSFER_IN:
                self.receive(row, index, key, seq)
            else:
                self.dispose(row, index, key, code)

    def _add(self, lot: Lot) -> None:
        """Put ``lot`` on its wallet's pile."""
        wallets = self.piles.get(lot.asset)
        if wallets is None:
            wallets = self.piles[lot.asset] = {}
        pile = wallets.get(lot.wallet)
        if pile is None:
            pile = wallets[lot.wallet] = self.pile()
        pile.add(lot)
        if self.by_id is not None:
            self.by_id.setdefault(lot.id, []).append(lot)

    def acquire(self, row: Row, index: int, key: datetime, seq: int, code: int) -> None:
        """Open a lot for a buy (value plus fee) or for income (its value)."""
        number = self.number
        value = number(row[VALUE])
        fee = row[FEE_USD]
        if fee is not None:
            value += number(fee)
        if not value.same_quantum(CENT):  # most values come in cents: skip the rounding
            value = value.quantize(CENT, ROUND_HALF_UP)
        asset, wallet = row[ASSET], row[WALLET]
        lot = Lot(row[IDENT], asset, wallet, key.toordinal(), seq, number(row[QTY]), value)
        wallets = self.piles.get(asset)
        pile = wallets.get(wallet) if wallets is not None else None
        if pile is None or self.by_id is not None:
            self._add(lot)
        else:
            pile.add(lot)
        if code == INCOME:
            self.report.income(lot, key)

    def dispose(self, row: Row, index: int, key: datetime, code: int) -> None:
        """Match a sale or a fee paid in crypto against lots and report its rows."""
        ident, asset, wallet, extra = row[IDENT], row[ASSET], row[WALLET], row[EXTRA]
        number = self.number
        quantity = number(row[QTY])
        proceeds = number(row[VALUE])
        fee = row[FEE_USD]
        if fee is not None:
            proceeds -= number(fee)
        if not proceeds.same_quantum(CENT):
            proceeds = proceeds.quantize(CENT, ROUND_HALF_UP)
        parts: list[Part] = []
        universal = key < PER_WALLET
        left = quantity
        if self.by_id is not None and extra is not None and "lots" in extra:
            left = self._named(extra["lots"], ident, asset, wallet, universal, left, parts)
        left = self._take(asset, wallet, universal, left, parts)
        if left:
            self.report.missing(ident, asset, wallet, left, self._elsewhere(asset, wallet))
        self.report.disposal(None if extra is None else extra.get("form_1099"), ident, asset,
                             wallet, key, code, quantity, proceeds, parts, left)

    def _take(self, asset: str, wallet: str, universal: bool, left: Decimal,
              parts: list[Part]) -> Decimal:
        """Take ``left`` from the wallet's pile (from every wallet when universal)."""
        wallets = self.piles.get(asset)
        if not wallets or not left:
            return left
        if universal and len(wallets) > 1:
            piles = list(wallets.values())
            method = self.method
            while left:
                lot = first(method, piles)
                if lot is None:
                    break
                left = _part(lot, left, parts)
            return left
        pile = next(iter(wallets.values())) if universal else wallets.get(wallet)
        if pile is None:
            return left
        head = pile.head
        while left:
            lot = head()
            if lot is None:
                break
            left = _part(lot, left, parts)
        return left

    def _named(self, names: list[Any], ident: str, asset: str, wallet: str, universal: bool,
               left: Decimal, parts: list[Part]) -> Decimal:
        """Take from the lots a sale names, in the order named (specific identification)."""
        for name in names:
            name = text(name)
            candidates = [lot for lot in self.by_id.get(name, ())  # type: ignore[union-attr]
                          if lot.qty and lot.asset == asset]
            usable = [lot for lot in candidates if universal or lot.wallet == wallet]
            for lot in usable:
                if not left:
                    break
                left = _part(lot, left, parts)
            if not usable:
                self.report.unknown_lot(ident, name, bool(candidates))  # type: ignore[arg-type]
        return left

    def _elsewhere(self, asset: str, wallet: str) -> Decimal:
        """Return the quantity of ``asset`` held in lots of other wallets."""
        wallets = self.piles.get(asset, {})
        return sum((lot.qty for name, pile in wallets.items() if name != wallet
                    for lot in pile.live()), ZERO)

    def send(self, row: Row, index: int, key: datetime, seq: int) -> None:
        """Take the lots a transfer_out moves; hold them for the paired transfer_in."""
        ident, asset, wallet = row[IDENT], row[ASSET], row[WALLET]
        quantity = self.number(row[QTY])
        parts: list[Part] = []
        left = self._take(asset, wallet, False, quantity, parts)
        if left and key < PER_WALLET:
            left = self._take(asset, wallet, True, left, parts)
        if left:
            self.report.short_transfer(ident, asset, wallet, left)
        if index in self.paired_outs:
            self.transit[index] = parts
            waiting = self.waiting.pop(index, None)
            if waiting is not None:
                self.receive(self.ledger.rows[waiting], waiting, key, seq)
        else:
            self.report.unmatched_out(ident, asset, quantity, parts)

    def receive(self, row: Row, index: int, key: datetime, seq: int) -> None:
        """Place the lots of the paired transfer_out in this wallet, or open a new lot."""
        out = self.pairs.get(index)
        asset, wallet = row[ASSET], row[WALLET]
        quantity = self.number(row[QTY])
        if out is None:
            value = self.number(row[VALUE] or 0)
            lot = Lot(row[IDENT], asset, wallet, key.toordinal(), seq, quantity,
                      value.quantize(CENT, ROUND_HALF_UP))
            self._add(lot)
            self.report.unmatched_in(lot, row[VALUE] is not None)
            return
        parts = self.transit.pop(out, None)
        if parts is None:
            self.waiting[out] = index
            return
        sent = self.number(self.ledger.rows[out][QTY])
        for ident, day, lot_seq, qty, basis in _arrive(parts, sent, quantity):
            self._add(Lot(ident, asset, wallet, day, lot_seq, qty, basis))
        if quantity > sent:
            surplus = Lot(row[IDENT], asset, wallet, key.toordinal(), seq, quantity - sent,
                          ZERO)
            self._add(surplus)
            self.report.surplus(surplus)

    def holdings(self) -> dict[str, dict[str, list[Lot]]]:
        """Return the lots left, by asset and wallet."""
        return {asset: {wallet: pile.live() for wallet, pile in wallets.items()}
                for asset, wallets in self.piles.items()}


def _part(lot: Lot, left: Decimal, parts: list[Part]) -> Decimal:
    """Take up to ``left`` from ``lot`` with its share of the basis; return what is still due."""
    qty = lot.qty
    if qty <= left:
        parts.append((lot.id, lot.day, lot.seq, qty, lot.basis))
        lot.qty = lot.basis = ZERO
        return left - qty
    basis = (lot.basis * left / qty).quantize(CENT, ROUND_HALF_UP)
    parts.append((lot.id, lot.day, lot.seq, left, basis))
    lot.qty = qty - left
    lot.basis -= basis
    return ZERO


def _arrive(parts: list[Part], sent: Decimal, received: Decimal) -> list[Part]:
    """Shrink moved lots in proportion when less arrived than was sent; keep all the basis."""
    if received >= sent or not parts:
        return parts
    known = sum((part[3] for part in parts), ZERO)
    target = received if known == sent else (known * received / sent).quantize(_Q18, ROUND_DOWN)
    kept: list[Part] = []
    carry, total = ZERO, ZERO
    for ident, day, seq, qty, basis in parts[:-1]:
        qty = (qty * received / sent).quantize(_Q18, ROUND_DOWN)
        if qty:
            kept.append((ident, day, seq, qty, basis))
            total += qty
        else:
            carry += basis
    ident, day, seq, _qty, basis = parts[-1]
    if target - total:
        return [*kept, (ident, day, seq, target - total, basis + carry)]
    if kept:
        ident, day, seq, qty, basis_kept = kept.pop()
        kept.append((ident, day, seq, qty, basis_kept + basis + carry))
    return kept

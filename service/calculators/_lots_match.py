"""The sweep: take transactions in time order and match each disposal against lots."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import Any

from ._common import CENT, ZERO
from ._lots_input import Ledger
from ._lots_piles import PILES, Lot, Part, Pile, first
from ._lots_report import Report
from ._lots_values import (
    BUY,
    DEFAULT_WALLET,
    INCOME,
    TRANSFER_IN,
    TRANSFER_OUT,
    TYPES,
    asset_of,
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
        self._assets: dict[str, str] = {}
        self._wallets: dict[Any, str] = {}

    def names(self, row: Mapping[str, Any]) -> tuple[str, str]:
        """Return the row's asset and wallet, normalized once per distinct spelling."""
        raw_asset, raw_wallet = row["asset"], row.get("wallet")
        asset = self._assets.get(raw_asset)
        if asset is None:
            asset = self._assets[raw_asset] = asset_of(raw_asset)  # type: ignore[assignment]
        wallet = self._wallets.get(raw_wallet)
        if wallet is None:
            wallet = self._wallets[raw_wallet] = text(raw_wallet, DEFAULT_WALLET)  # type: ignore
        return asset, wallet  # type: ignore[return-value]

    def run(self, order: list[int], stop: datetime | None) -> None:
        """Apply the transactions in ``order`` up to (not including) time ``stop``."""
        rows, keys = self.ledger.rows, self.ledger.keys
        for seq, index in enumerate(order):
            key = keys[index]
            if stop is not None and key >= stop:
                break
            row = rows[index]
            code = TYPES[row["type"]]
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

    def acquire(self, row: Mapping[str, Any], index: int, key: datetime, seq: int,
                code: int) -> None:
        """Open a lot for a buy (value plus fee) or for income (its value)."""
        value = Decimal(row["usd_value"])
        fee = row.get("fee_usd")
        if fee is not None:
            value += Decimal(fee)
        asset, wallet = self.names(row)
        lot = Lot(_ident(row, index), asset, wallet, key.toordinal(), seq,
                  Decimal(row["quantity"]), value.quantize(CENT, ROUND_HALF_UP))
        wallets = self.piles.get(asset)
        pile = wallets.get(wallet) if wallets is not None else None
        if pile is None or self.by_id is not None:
            self._add(lot)
        else:
            pile.add(lot)
        if code == INCOME:
            self.report.income(lot, key)

    def dispose(self, row: Mapping[str, Any], index: int, key: datetime, code: int) -> None:
        """Match a sale or a fee paid in crypto against lots and report its rows."""
        ident = _ident(row, index)
        asset, wallet = self.names(row)
        quantity = Decimal(row["quantity"])
        proceeds = Decimal(row["usd_value"])
        fee = row.get("fee_usd")
        if fee is not None:
            proceeds -= Decimal(fee)
        parts: list[Part] = []
        universal = key < PER_WALLET
        left = quantity
        if self.by_id is not None and "lots" in row:
            left = self._named(row["lots"], ident, asset, wallet, universal, left, parts)
        left = self._take(asset, wallet, universal, left, parts)
        if left:
            self.report.missing(ident, asset, wallet, left, self._elsewhere(asset, wallet))
        self.report.disposal(row, ident, asset, wallet, key, code, quantity,
                             proceeds.quantize(CENT, ROUND_HALF_UP), parts, left)

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

    def send(self, row: Mapping[str, Any], index: int, key: datetime, seq: int) -> None:
        """Take the lots a transfer_out moves; hold them for the paired transfer_in."""
        ident = _ident(row, index)
        asset, wallet = self.names(row)
        quantity = Decimal(row["quantity"])
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

    def receive(self, row: Mapping[str, Any], index: int, key: datetime, seq: int) -> None:
        """Place the lots of the paired transfer_out in this wallet, or open a new lot."""
        out = self.pairs.get(index)
        asset, wallet = self.names(row)
        quantity = Decimal(row["quantity"])
        if out is None:
            value = Decimal(row.get("usd_value") or 0)
            lot = Lot(_ident(row, index), asset, wallet, key.toordinal(), seq, quantity,
                      value.quantize(CENT, ROUND_HALF_UP))
            self._add(lot)
            self.report.unmatched_in(lot, row.get("usd_value") is not None)
            return
        parts = self.transit.pop(out, None)
        if parts is None:
            self.waiting[out] = index
            return
        sent = Decimal(self.ledger.rows[out]["quantity"])
        for ident, day, lot_seq, qty, basis in _arrive(parts, sent, quantity):
            self._add(Lot(ident, asset, wallet, day, lot_seq, qty, basis))
        if quantity > sent:
            extra = Lot(_ident(row, index), asset, wallet, key.toordinal(), seq,
                        quantity - sent, ZERO)
            self._add(extra)
            self.report.surplus(extra)

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


def _ident(row: Mapping[str, Any], index: int) -> str:
    """Return a transaction's id, or ``#index`` when it has none."""
    ident = row.get("id")
    if type(ident) is str and ident.strip() == ident:
        return ident
    return f"#{index}" if ident is None else text(ident)  # type: ignore[return-value]

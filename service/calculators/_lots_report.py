"""Collect disposal rows, income and warnings during the sweep; shape the result."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ._common import CENT, ZERO
from ._lots_piles import Lot
from ._lots_values import DAY, EPOCH_DAY, FEE, FORM_1099

MAX_WARNINGS = 1000
#: Box letters by year band, then by form_1099 value; long-term adds 3.
_BOX_INDEX = {"basis_reported": 0, "basis_not_reported": 1, "none": 2}
_ZEROS = ("0.00", "-0.00")


def amount(value: Decimal) -> str:
    """Format a cents Decimal as JSON money (never ``-0.00``)."""
    text = str(value)
    return "0.00" if text in _ZEROS or not value else text


def quantity_text(value: Decimal) -> str:
    """Format a quantity without trailing zeros or exponent."""
    text = str(value)
    if "E" in text or (text.endswith("0") and "." in text):
        return format(value.normalize(), "f")
    return text


class Report:
    """What the sweep found: rows of the tax year, income, warnings and totals."""

    def __init__(self, start: int | None, stop: int | None) -> None:
        self.start = start
        self.stop = stop
        self.disposals: list[dict[str, Any]] = []
        self.incomes: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        self.dropped = 0
        self.terms = {"short": [ZERO, ZERO], "long": [ZERO, ZERO]}
        self.boxes: dict[str, list[Decimal]] = {}
        self.income_total = ZERO
        self.removed = ZERO
        self._days: dict[int, tuple[str, tuple[int, int, int]]] = {}

    def day(self, day: int) -> tuple[str, tuple[int, int, int]]:
        """Return the ISO date and (year, month, day) of a day number."""
        known = self._days.get(day)
        if known is None:
            when = date.fromordinal(day + EPOCH_DAY)
            known = self._days[day] = (when.isoformat(), (when.year, when.month, when.day))
        return known

    def in_year(self, key: int) -> bool:
        """Tell whether time ``key`` falls in the tax year asked for (any time when none)."""
        return self.start is None or key >= self.start

    def warn(self, code: str, message: str, transaction: str | None) -> None:
        """Add one warning, up to the cap."""
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append({"code": code, "message": message, "transaction": transaction})
        else:
            self.dropped += 1

    def income(self, lot: Lot, key: int) -> None:
        """Record staking or reward income at its value when received."""
        if not self.in_year(key):
            return
        self.income_total += lot.basis
        self.incomes.append({"id": lot.id, "asset": lot.asset, "wallet": lot.wallet,
                             "quantity": quantity_text(lot.qty), "date": self.day(lot.day)[0],
                             "usd_value": amount(lot.basis)})

    def disposal(self, row: Mapping[str, Any], ident: str, asset: str, wallet: str, key: int,
                 code: int, quantity: Decimal, proceeds: Decimal, parts: list[Lot],
                 left: Decimal) -> None:
        """Add the Form 8949 rows of one disposal: one per lot used, one for any shortfall."""
        if not self.in_year(key):
            return
        sold, sold_on = self.day(key // DAY)
        boxes = "GHIJKL" if sold_on[0] >= 2025 else "ABCDEF"
        box = _BOX_INDEX[row.get("form_1099") or "none"]
        kind = "fee" if code == FEE else "sell"
        shared = proceeds
        last = len(parts) - (0 if left else 1)
        for number, part in enumerate(parts):
            share = shared if number == last else (proceeds * part.qty / quantity).quantize(
                CENT, rounding=ROUND_HALF_UP)
            shared -= share
            acquired, on = self.day(part.day)
            long = sold_on > (on[0] + 1, on[1], on[2])
            self._row(ident, asset, wallet, part.qty, acquired, sold, share, part.basis, long,
                      boxes[box + 3 if long else box], part.id, kind)
        if left:
            self._row(ident, asset, wallet, left, None, sold, shared, ZERO, False, boxes[box],
                      None, kind)

    def _row(self, ident: str, asset: str, wallet: str, qty: Decimal, acquired: str | None,
             sold: str, proceeds: Decimal, basis: Decimal, long: bool, box: str,
             lot: str | None, kind: str) -> None:
        """Append one disposal row and add it to the totals."""
        term = self.terms["long" if long else "short"]
        term[0] += proceeds
        term[1] += basis
        totals = self.boxes.get(box)
        if totals is None:
            totals = self.boxes[box] = [ZERO, ZERO, ZERO]
        totals[0] += proceeds
        totals[1] += basis
        totals[2] += 1
        self.disposals.append({
            "id": ident, "asset": asset, "wallet": wallet, "quantity": quantity_text(qty),
            "acquired": acquired, "disposed": sold, "proceeds": amount(proceeds),
            "cost_basis": amount(basis), "gain": amount(proceeds - basis),
            "term": "long" if long else "short", "form_8949_box": box, "lot": lot,
            "type": kind})

    def missing(self, ident: str, asset: str, wallet: str, left: Decimal,
                elsewhere: Decimal) -> None:
        """Warn that part of a disposal had no lots left: it is reported at zero basis."""
        message = (f"No lots of {asset} were left in wallet {wallet} for "
                   f"{quantity_text(left)} {asset}; that part is reported with a cost basis "
                   "of 0, which overstates the gain. Add the missing purchases or transfers.")
        if elsewhere:
            message += (f" Other wallets hold {quantity_text(elsewhere)} {asset}, but from 2025 "
                        "a sale may only use lots of its own wallet.")
        self.warn("missing_basis", message, ident)

    def unknown_lot(self, ident: str, name: str, elsewhere: bool) -> None:
        """Warn that a lot a sale names cannot be used."""
        reason = ("is in another wallet; from 2025 a sale can only use lots of its own wallet"
                  if elsewhere else "has nothing left of this asset (or no such lot exists)")
        self.warn("unknown_lot", f"Lot {name} {reason}; the method chose lots instead.", ident)

    def short_transfer(self, ident: str, asset: str, wallet: str, left: Decimal) -> None:
        """Warn that a transfer_out moved more than the wallet's known lots."""
        self.warn("missing_basis", f"Wallet {wallet} had no lots for {quantity_text(left)} "
                  f"{asset} of this transfer; those units move without a cost basis.", ident)

    def unmatched_out(self, ident: str, asset: str, quantity: Decimal, parts: list[Lot]) -> None:
        """Warn that coins left for a wallet not in the ledger; their lots leave the holdings."""
        self.removed += sum((part.basis for part in parts), ZERO)
        self.warn("unmatched_transfer_out", f"No transfer_in matches this transfer_out of "
                  f"{quantity_text(quantity)} {asset}; its lots left the holdings without a "
                  "sale. If it was a sale, a payment, a gift or a theft, record it as such.",
                  ident)

    def unmatched_in(self, lot: Lot, valued: bool) -> None:
        """Warn that coins arrived from outside the ledger and start a new lot."""
        basis = (f"its value then, ${amount(lot.basis)}" if valued
                 else "a cost basis of 0 (no usd_value was given)")
        self.warn("unmatched_transfer_in", f"No transfer_out matches this transfer_in of "
                  f"{quantity_text(lot.qty)} {lot.asset}; it starts a new lot at {basis}. "
                  "Add the transfer_out (or the purchase) to keep the original date and basis.",
                  lot.id)

    def surplus(self, lot: Lot) -> None:
        """Warn that more arrived than the paired transfer_out sent."""
        self.warn("transfer_mismatch", f"{quantity_text(lot.qty)} {lot.asset} more arrived "
                  "than was sent; the extra starts a lot with a cost basis of 0.", lot.id)

    def money_totals(self) -> dict[str, dict[str, str]]:
        """Return proceeds, basis and gain for each term."""
        return {f"{term}_term": _triple(proceeds, basis)
                for term, (proceeds, basis) in self.terms.items()}

    def box_totals(self) -> list[dict[str, Any]]:
        """Return the totals of each Form 8949 box used."""
        return [{"box": box, "rows": int(count), **_triple(proceeds, basis),
                 "adjustment": "0.00"}
                for box, (proceeds, basis, count) in sorted(self.boxes.items())]


def _triple(proceeds: Decimal, basis: Decimal) -> dict[str, str]:
    """Return proceeds, cost basis and gain as money strings."""
    return {"proceeds": amount(proceeds), "cost_basis": amount(basis),
            "gain": amount(proceeds - basis)}


__all__ = ["FORM_1099", "Report", "amount", "quantity_text"]

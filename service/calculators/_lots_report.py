"""Collect disposal rows, income and warnings during the sweep; shape the result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ._common import CENT, ZERO
from ._lots_piles import Lot, Part
from ._lots_values import FEE, FORM_1099

MAX_WARNINGS = 1000
#: The fields of a disposal row, in the order each row's dict holds them.
DISPOSAL_FIELDS = ("id", "asset", "wallet", "quantity", "acquired", "disposed", "proceeds",
                   "cost_basis", "gain", "term", "form_8949_box", "lot", "type")
Disposal = dict[str, Any]
#: The short- and long-term Form 8949 boxes by form_1099 value: before 2025, then from 2025.
_BOXES = tuple({reported: (boxes[index], boxes[index + 3])
                for reported, index in (("basis_reported", 0), ("basis_not_reported", 1),
                                        ("none", 2), (None, 2))}
               for boxes in ("ABCDEF", "GHIJKL"))
_ZEROS = ("0.00", "-0.00")
_LONG = frozenset("DEFJKL")


def amount(value: Decimal) -> str:
    """Format a cents Decimal as JSON money (never ``-0.00``)."""
    text = str(value)
    return "0.00" if text in _ZEROS or not value else text


def quantity_text(value: Decimal) -> str:
    """Format a quantity without trailing zeros or exponent."""
    text = str(value)
    if "E" in text:
        return format(value.normalize(), "f")
    if "." in text and text[-1] == "0":
        text = text.rstrip("0").rstrip(".")
    return text if text != "-0" else "0"


class Report:
    """What the sweep found: rows of the tax year, income, warnings and totals.

    Disposal rows (dicts of :data:`DISPOSAL_FIELDS`, in order) go to ``self.disposals``, or to
    ``emit`` as they are found when it is given (so that a million of them need not be
    held); ``rows`` counts them either way.
    """

    def __init__(self, start: datetime | None, stop: datetime | None,
                 emit: Callable[[Disposal], object] | None = None) -> None:
        self.start = start
        self.stop = stop
        self.disposals: list[Disposal] = []
        self.emit = self.disposals.append if emit is None else emit
        self.rows = 0
        self.incomes: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        self.dropped = 0
        self.boxes: dict[str, list[Any]] = {}
        self.income_total = ZERO
        self.removed = ZERO
        #: Day ordinal -> (ISO date, YYYYMMDD, its first anniversary as YYYYMMDD).
        self.days: dict[int, tuple[str, int, int]] = {}

    def day(self, day: int) -> tuple[str, int, int]:
        """Return the ISO date of a day ordinal, and the date and its first anniversary as
        numbers (YYYYMMDD) to compare for the holding period."""
        known = self.days.get(day)
        if known is None:
            when = date.fromordinal(day)
            number = when.year * 10000 + when.month * 100 + when.day
            known = self.days[day] = (when.isoformat(), number, number + 10000)
        return known

    def in_year(self, key: datetime) -> bool:
        """Tell whether time ``key`` falls in the tax year asked for (any time when none)."""
        return self.start is None or key >= self.start

    def warn(self, code: str, message: str, transaction: str | None) -> None:
        """Add one warning, up to the cap."""
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append({"code": code, "message": message, "transaction": transaction})
        else:
            self.dropped += 1

    def income(self, lot: Lot, key: datetime) -> None:
        """Record staking or reward income at its value when received."""
        if not self.in_year(key):
            return
        self.income_total += lot.basis
        self.incomes.append({"id": lot.id, "asset": lot.asset, "wallet": lot.wallet,
                             "quantity": quantity_text(lot.qty), "date": self.day(lot.day)[0],
                             "usd_value": amount(lot.basis)})

    def disposal(self, form_1099: str | None, ident: str, asset: str, wallet: str,
                 key: datetime, code: int, quantity: Decimal, proceeds: Decimal,
                 parts: list[Part], left: Decimal) -> None:
        """Add the Form 8949 rows of one disposal: one per lot used, one for any shortfall.

        The proceeds are shared over the lots by quantity, to the cent; the last lot takes
        what is left, so that the rows add up to the proceeds exactly.
        """
        if self.start is not None and key < self.start:
            return
        sold, sold_on, _ = self.days.get(key.toordinal()) or self.day(key.toordinal())
        short, long = _BOXES[key.year >= 2025][form_1099]
        kind = "fee" if code == FEE else "sell"
        rest, last = proceeds, len(parts) - (0 if left else 1)
        add, days, totals = self.emit, self.days, self.boxes
        self.rows += len(parts)
        for number, (lot, acquired_on, _seq, qty, basis) in enumerate(parts):
            if number == last:
                share = rest
            else:
                share = (proceeds * qty / quantity).quantize(CENT, ROUND_HALF_UP)
                rest -= share
            acquired, _, anniversary = days.get(acquired_on) or self.day(acquired_on)
            is_long = sold_on > anniversary
            letter = long if is_long else short
            total = totals.get(letter)
            if total is None:
                total = totals[letter] = [ZERO, ZERO, 0]
            total[0] += share
            total[1] += basis
            total[2] += 1
            gain = share - basis
            text = str(qty)
            if "E" in text or (text[-1] == "0" and "." in text):
                text = quantity_text(qty)
            add({"id": ident, "asset": asset, "wallet": wallet, "quantity": text,
                 "acquired": acquired, "disposed": sold,
                 "proceeds": str(share) if share else "0.00",
                 "cost_basis": str(basis) if basis else "0.00",
                 "gain": str(gain) if gain else "0.00", "term": "long" if is_long else "short",
                 "form_8949_box": letter, "lot": lot, "type": kind})
        if left:
            self._shortfall(ident, asset, wallet, left, sold, rest, short, kind)

    def _shortfall(self, ident: str, asset: str, wallet: str, qty: Decimal, sold: str,
                   proceeds: Decimal, box: str, kind: str) -> None:
        """Add the zero-basis row for the part of a disposal that no lot covered."""
        total = self.boxes.setdefault(box, [ZERO, ZERO, 0])
        total[0] += proceeds
        total[2] += 1
        self.rows += 1
        self.emit({"id": ident, "asset": asset, "wallet": wallet, "quantity": quantity_text(qty),
                   "acquired": None, "disposed": sold, "proceeds": amount(proceeds),
                   "cost_basis": "0.00", "gain": amount(proceeds), "term": "short",
                   "form_8949_box": box, "lot": None, "type": kind})

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

    def unmatched_out(self, ident: str, asset: str, quantity: Decimal, parts: list[Part]) -> None:
        """Warn that coins left for a wallet not in the ledger; their lots leave the holdings."""
        self.removed += sum((part[4] for part in parts), ZERO)
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

    @property
    def terms(self) -> dict[str, tuple[Decimal, Decimal]]:
        """Return (proceeds, basis) of short-term and of long-term rows."""
        sums = {"short": [ZERO, ZERO], "long": [ZERO, ZERO]}
        for box, (proceeds, basis, _count) in self.boxes.items():
            term = sums["long" if box in _LONG else "short"]
            term[0] += proceeds
            term[1] += basis
        return {term: (p, b) for term, (p, b) in sums.items()}

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


__all__ = ["DISPOSAL_FIELDS", "FORM_1099", "Disposal", "Report", "amount", "quantity_text"]

"""Lots and the piles that hold them: one pile per (asset, wallet), ordered by the method."""

from __future__ import annotations

from bisect import insort
from collections import deque
from decimal import Decimal
from heapq import heappop, heappush
from itertools import count
from operator import attrgetter

_SEQ = attrgetter("seq")
#: What a disposal or a transfer took from one lot: id, day acquired, order, quantity, basis.
Part = tuple[str, int, int, Decimal, Decimal]


class Lot:
    """Units of one asset acquired together: their quantity left and its basis in cents."""

    __slots__ = ("id", "asset", "wallet", "day", "seq", "qty", "basis")

    def __init__(self, ident: str, asset: str, wallet: str, day: int, seq: int, qty: Decimal,
                 basis: Decimal) -> None:
        self.id = ident
        self.asset = asset
        self.wallet = wallet
        self.day = day
        self.seq = seq
        self.qty = qty
        self.basis = basis


class FifoPile:
    """Lots in order of acquisition; the oldest goes first."""

    __slots__ = ("lots",)

    def __init__(self) -> None:
        self.lots: deque[Lot] = deque()

    def add(self, lot: Lot) -> None:
        """Place ``lot`` by its acquisition order (lots moved in may be older)."""
        lots = self.lots
        if not lots or lots[-1].seq < lot.seq:
            lots.append(lot)
        else:
            insort(lots, lot, key=_SEQ)

    def head(self) -> Lot | None:
        """Return the lot to use next, dropping used-up ones."""
        lots = self.lots
        while lots:
            lot = lots[0]
            if lot.qty:
                return lot
            lots.popleft()
        return None

    def live(self) -> list[Lot]:
        """Return the lots with something left."""
        return [lot for lot in self.lots if lot.qty]


class LifoPile(FifoPile):
    """Lots in order of acquisition; the newest goes first."""

    __slots__ = ()

    def head(self) -> Lot | None:
        """Return the newest lot with something left."""
        lots = self.lots
        while lots:
            lot = lots[-1]
            if lot.qty:
                return lot
            lots.pop()
        return None


class HifoPile:
    """Lots by cost per unit; the dearest goes first (ties: the oldest)."""

    __slots__ = ("heap", "_added")

    def __init__(self) -> None:
        self.heap: list[tuple[Decimal, int, int, Lot]] = []
        self._added = count()

    def add(self, lot: Lot) -> None:
        """Place ``lot`` by its cost per unit (pieces of one lot tie: first placed goes first)."""
        heappush(self.heap, (-(lot.basis / lot.qty), lot.seq, next(self._added), lot))

    def head(self) -> Lot | None:
        """Return the dearest lot with something left, dropping used-up ones."""
        heap = self.heap
        while heap:
            lot = heap[0][3]
            if lot.qty:
                return lot
            heappop(heap)
        return None

    def live(self) -> list[Lot]:
        """Return the lots with something left."""
        return [entry[3] for entry in self.heap if entry[3].qty]


Pile = FifoPile | HifoPile
PILES: dict[str, type[FifoPile] | type[HifoPile]] = {
    "fifo": FifoPile, "lifo": LifoPile, "hifo": HifoPile}


def first(method: str, piles: list[Pile]) -> Lot | None:
    """Return the lot the method uses next among several wallets' piles (None: all empty)."""
    best: Lot | None = None
    for pile in piles:
        lot = pile.head()
        if lot is None:
            continue
        if best is None:
            best = lot
        elif method == "fifo":
            best = lot if lot.seq < best.seq else best
        elif method == "lifo":
            best = lot if lot.seq > best.seq else best
        elif (lot.basis * best.qty, -lot.seq) > (best.basis * lot.qty, -best.seq):
            best = lot
    return best

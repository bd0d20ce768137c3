"""Pair each transfer_in with the transfer_out it came from.

A pair is explicit when both carry the same ``transfer_id``. Otherwise a transfer_in without a
transfer_id is paired with the earliest unpaired transfer_out without one that moves the same
asset from another wallet, at most 72 hours before it (or at the same moment, earlier in the
list), whose quantity is at least the quantity received and at most 5% more (the network fee).
"""

from __future__ import annotations

from collections import deque
from datetime import timedelta
from decimal import Decimal
from typing import Any

from ._lots_input import InvalidTransactions, Ledger
from ._lots_values import (
    ASSET,
    CODE,
    EXTRA,
    QTY,
    TRANSFER_IN,
    TRANSFER_OUT,
    TYPE_NAMES,
    WALLET,
    Row,
    text,
)

WINDOW = timedelta(hours=72)
TOLERANCE = Decimal("0.95")


def _transfer_id(row: Row) -> Any:
    """Return the row's transfer_id, or None."""
    extra = row[EXTRA]
    return None if extra is None else extra.get("transfer_id")


def pair_transfers(ledger: Ledger) -> dict[int, int]:
    """Return transfer_in index → transfer_out index for every pair found."""
    rows, keys = ledger.rows, ledger.keys
    pairs = _explicit(ledger)
    pending: dict[str, deque[int]] = {}
    for index in sorted(ledger.transfers, key=lambda i: (keys[i], i)):
        row = rows[index]
        if _transfer_id(row) is not None:
            continue
        asset = row[ASSET]
        if row[CODE] == TRANSFER_OUT:
            pending.setdefault(asset, deque()).append(index)
            continue
        queue = pending.get(asset)
        while queue and keys[index] - keys[queue[0]] > WINDOW:
            queue.popleft()
        out = _match(rows, row, queue) if queue else None
        if out is not None:
            pairs[index] = out
            queue.remove(out)  # type: ignore[union-attr]
    return pairs


def _match(rows: list[Row], row: Row, queue: deque[int]) -> int | None:
    """Return the first pending transfer_out that ``row`` can have come from."""
    quantity, wallet = Decimal(row[QTY]), row[WALLET]
    for out in queue:
        sent = rows[out]
        sent_quantity = Decimal(sent[QTY])
        if sent[WALLET] != wallet and sent_quantity * TOLERANCE <= quantity <= sent_quantity:
            return out
    return None


def _explicit(ledger: Ledger) -> dict[int, int]:
    """Pair transfers sharing a transfer_id; raise InvalidTransactions on a clash."""
    rows = ledger.rows
    sides: dict[tuple[str, int], int] = {}
    errors: dict[int, dict[str, list[str]]] = {}
    for index in ledger.transfers:
        tid = _transfer_id(rows[index])
        if tid is None:
            continue
        kind = rows[index][CODE]
        earlier = sides.setdefault((text(tid), kind), index)  # type: ignore[arg-type]
        if earlier != index:
            errors[index] = {"transfer_id": [
                f"Transaction {earlier} already uses this transfer_id for a "
                f"{TYPE_NAMES[kind]}."]}
    pairs: dict[int, int] = {}
    for (tid, kind), index in sides.items():
        out = sides.get((tid, TRANSFER_OUT)) if kind == TRANSFER_IN else None
        if out is None:
            continue
        if rows[out][ASSET] != rows[index][ASSET]:
            errors[index] = {"transfer_id": [
                f"Transaction {out} with this transfer_id moves another asset."]}
        pairs[index] = out
    if errors:
        raise InvalidTransactions(errors)
    return pairs

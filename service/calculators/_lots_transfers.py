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

from ._lots_input import InvalidTransactions, Ledger
from ._lots_values import DEFAULT_WALLET, asset_of, number, text

WINDOW = timedelta(hours=72)
TOLERANCE = Decimal("0.95")


def pair_transfers(ledger: Ledger) -> dict[int, int]:
    """Return transfer_in index → transfer_out index for every pair found."""
    rows, keys = ledger.rows, ledger.keys
    pairs = _explicit(ledger)
    pending: dict[str, deque[int]] = {}
    for index in sorted(ledger.transfers, key=lambda i: (keys[i], i)):
        row = rows[index]
        if row.get("transfer_id") is not None:
            continue
        asset = asset_of(row["asset"])
        if row["type"] == "transfer_out":
            pending.setdefault(asset, deque()).append(index)  # type: ignore[arg-type]
            continue
        queue = pending.get(asset)  # type: ignore[arg-type]
        while queue and keys[index] - keys[queue[0]] > WINDOW:
            queue.popleft()
        out = _match(rows, row, queue) if queue else None
        if out is not None:
            pairs[index] = out
            queue.remove(out)  # type: ignore[union-attr]
    return pairs


def _match(rows: list, row: dict, queue: deque[int]) -> int | None:
    """Return the first pending transfer_out that ``row`` can have come from."""
    quantity = number(row["quantity"])
    wallet = text(row.get("wallet"), DEFAULT_WALLET)
    for out in queue:
        sent = rows[out]
        sent_quantity = number(sent["quantity"])
        if (text(sent.get("wallet"), DEFAULT_WALLET) != wallet
                and sent_quantity * TOLERANCE <= quantity <= sent_quantity):  # type: ignore
            return out
    return None


def _explicit(ledger: Ledger) -> dict[int, int]:
    """Pair transfers sharing a transfer_id; raise InvalidTransactions on a clash."""
    rows = ledger.rows
    sides: dict[tuple[str, str], int] = {}
    errors: dict[int, dict[str, list[str]]] = {}
    for index in ledger.transfers:
        tid = rows[index].get("transfer_id")
        if tid is None:
            continue
        earlier = sides.setdefault((text(tid), rows[index]["type"]), index)  # type: ignore
        if earlier != index:
            errors[index] = {"transfer_id": [
                f"Transaction {earlier} already uses this transfer_id for a "
                f"{rows[index]['type']}."]}
    pairs: dict[int, int] = {}
    for (tid, kind), index in sides.items():
        out = sides.get((tid, "transfer_out")) if kind == "transfer_in" else None
        if out is None:
            continue
        if asset_of(rows[out]["asset"]) != asset_of(rows[index]["asset"]):
            errors[index] = {"transfer_id": [
                f"Transaction {out} with this transfer_id moves another asset."]}
        pairs[index] = out
    if errors:
        raise InvalidTransactions(errors)
    return pairs

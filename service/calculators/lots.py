"""Cost-basis lot matching (FIFO, LIFO, HIFO, specific lots) and Form 8949 rows.

Request and response: see docs and the `lots` section of the public contract. The
transactions list is checked by a hand-written loop (``_lots_input``) because marshmallow per
row is far too slow for a million rows; the few top-level fields use a marshmallow schema.
"""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from . import Calculator
from ._lots_csv import form_8949_csv
from ._lots_input import InvalidTransactions, Ledger
from ._lots_input import validate as validate_transactions
from ._lots_run import pairs, result, sweep
from ._lots_schema import TRANSACTION, LotsResponse
from ._lots_stream import parse_request, write

__all__ = ["CALCULATOR", "form_8949_csv", "parse_request", "write"]


class Transactions(fields.Field):
    """The transactions list, checked in one pass; loads to a :class:`Ledger`."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Ledger:
        try:
            return validate_transactions(value)
        except InvalidTransactions as exc:
            raise ValidationError(exc.errors) from exc  # type: ignore[arg-type]


class LotsRequest(Schema):
    """The `lots` request: method, optional tax year, transactions."""

    method = fields.String(load_default="fifo", validate=validate.OneOf(("fifo", "lifo", "hifo")))
    tax_year = fields.Integer(load_default=None, allow_none=True,
                              validate=validate.Range(min=2009, max=2100))
    transactions = Transactions(required=True, metadata={
        "type": "array", "items": TRANSACTION,
        "description": "Buys, sales, transfers, income and fees, in any order."})


def compute(loaded: dict[str, Any]) -> dict[str, Any]:
    """Match lots and return disposals, totals, holdings, income and warnings."""
    report, held, held_basis = sweep(loaded, pairs(loaded))
    return result(loaded, report, held, held_basis)


CALCULATOR = Calculator(
    name="lots",
    title="Cost basis and Form 8949 rows",
    summary="Match each sale to the lots it used (FIFO, LIFO, HIFO or named lots), per wallet "
            "from 2025, and list the Form 8949 rows with short- and long-term totals.",
    request=LotsRequest,
    compute=compute,
    response=LotsResponse,
)

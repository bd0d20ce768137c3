"""Cost-basis lot matching (FIFO, LIFO, HIFO, specific lots) and Form 8949 rows.

Request and response: see docs and the `lots` section of the public contract. The
transactions list is checked by a hand-written loop (``_lots_input``) because marshmallow per
row is far too slow for a million rows; the few top-level fields use a marshmallow schema.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from decimal import localcontext
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from . import Calculator
from ._lots_csv import form_8949_csv
from ._lots_input import InvalidTransactions, Ledger
from ._lots_input import validate as validate_transactions
from ._lots_match import Matcher
from ._lots_report import Report, amount
from ._lots_schema import TRANSACTION, LotsResponse
from ._lots_summary import explanation, holdings, more_warnings, schedule_d, worksheet
from ._lots_transfers import pair_transfers

__all__ = ["CALCULATOR", "form_8949_csv"]


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


@contextmanager
def _quiet_collector() -> Iterator[None]:
    """Pause the cyclic garbage collector while lots are matched, then restore it.

    The sweep builds up to millions of small objects and no reference cycles; letting the
    collector rescan them all repeatedly costs about 15% of the time at a million rows.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _year_key(year: int) -> datetime:
    """Return 1 January of ``year``, 00:00 UTC."""
    return datetime(year, 1, 1, tzinfo=UTC)


def compute(loaded: dict[str, Any]) -> dict[str, Any]:
    """Match lots and return disposals, totals, holdings, income and warnings."""
    ledger: Ledger = loaded["transactions"]
    method, tax_year = loaded["method"], loaded["tax_year"]
    try:
        pairs = pair_transfers(ledger)
    except InvalidTransactions as exc:
        raise ValidationError({"transactions": exc.errors}) from exc
    keys = ledger.keys
    order = sorted(range(len(keys)), key=keys.__getitem__)
    start = _year_key(tax_year) if tax_year else None
    stop = _year_key(tax_year + 1) if tax_year else None
    report = Report(start, stop)
    with localcontext() as context, _quiet_collector():
        context.prec = 60
        matcher = Matcher(method, ledger, pairs, report)
        matcher.run(order, stop)
        del order
        held, held_basis = holdings(matcher.holdings())
    return {
        "method": method, "tax_year": tax_year,
        "disposals": report.disposals, "totals": report.money_totals(), "holdings": held,
        "warnings": more_warnings(report), "income": report.incomes,
        "income_total": amount(report.income_total), "form_8949": report.box_totals(),
        "schedule_d": schedule_d(report), "worksheet": worksheet(report, held_basis),
        "explanation": explanation(method, tax_year, report),
    }


CALCULATOR = Calculator(
    name="lots",
    title="Cost basis and Form 8949 rows",
    summary="Match each sale to the lots it used (FIFO, LIFO, HIFO or named lots), per wallet "
            "from 2025, and list the Form 8949 rows with short- and long-term totals.",
    request=LotsRequest,
    compute=compute,
    response=LotsResponse,
)

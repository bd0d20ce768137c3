"""One run of the `lots` calculator: pair transfers, sweep in time order, shape the result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, localcontext
from typing import Any

from marshmallow import ValidationError

from ._lots_input import InvalidTransactions, Ledger, quiet_collector
from ._lots_match import Matcher
from ._lots_report import Disposal, Report, amount
from ._lots_summary import explanation, holdings, more_warnings, schedule_d, worksheet
from ._lots_transfers import pair_transfers

__all__ = ["pairs", "result", "sweep"]


def _year_key(year: int) -> datetime:
    """Return 1 January of ``year``, 00:00 UTC."""
    return datetime(year, 1, 1, tzinfo=UTC)


def pairs(loaded: dict[str, Any]) -> dict[int, int]:
    """Return the transfer pairs of a loaded request; raise ValidationError on a clash."""
    try:
        return pair_transfers(loaded["transactions"])
    except InvalidTransactions as exc:
        raise ValidationError({"transactions": exc.errors}) from exc


def sweep(loaded: dict[str, Any], paired: dict[int, int],
          emit: Callable[[Disposal], object] | None = None,
          ) -> tuple[Report, list[dict[str, Any]], Decimal]:
    """Match every lot; return the report, the holdings and their total cost basis."""
    ledger: Ledger = loaded["transactions"]
    tax_year = loaded["tax_year"]
    keys = ledger.keys
    order = sorted(range(len(keys)), key=keys.__getitem__)
    start = _year_key(tax_year) if tax_year else None
    stop = _year_key(tax_year + 1) if tax_year else None
    report = Report(start, stop, emit)
    with localcontext() as context, quiet_collector():
        context.prec = 60
        matcher = Matcher(loaded["method"], ledger, paired, report)
        matcher.run(order, stop)
        del order
        held, held_basis = holdings(matcher.holdings())
    return report, held, held_basis


def result(loaded: dict[str, Any], report: Report, held: list[dict[str, Any]],
           held_basis: Decimal) -> dict[str, Any]:
    """Return the calculator's answer (with the disposal rows the report kept)."""
    method, tax_year = loaded["method"], loaded["tax_year"]
    return {
        "method": method, "tax_year": tax_year,
        "disposals": report.disposals,
        "totals": report.money_totals(), "holdings": held,
        "warnings": more_warnings(report), "income": report.incomes,
        "income_total": amount(report.income_total), "form_8949": report.box_totals(),
        "schedule_d": schedule_d(report), "worksheet": worksheet(report, held_basis),
        "explanation": explanation(method, tax_year, report),
    }

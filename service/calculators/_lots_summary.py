"""Holdings, Schedule D lines, the worksheet and the plain-language explanation."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ._common import ZERO, dollars, line
from ._lots_piles import Lot
from ._lots_report import Report, amount, quantity_text

METHODS = {"fifo": "first in, first out (FIFO)", "lifo": "last in, first out (LIFO)",
           "hifo": "highest cost first (HIFO)"}
#: Schedule D line for each Form 8949 box (boxes G-L join A-F on the 2025 form).
SCHEDULE_D = {"A": "1b", "G": "1b", "B": "2", "H": "2", "C": "3", "I": "3",
              "D": "8b", "J": "8b", "E": "9", "K": "9", "F": "10", "L": "10"}


def holdings(lots: dict[str, dict[str, list[Lot]]]) -> tuple[list[dict[str, Any]], Decimal]:
    """Return what is still held, by asset and wallet, and its total cost basis."""
    result, total = [], ZERO
    for asset in sorted(lots):
        for wallet in sorted(lots[asset]):
            live = lots[asset][wallet]
            if not live:
                continue
            basis = sum((lot.basis for lot in live), ZERO)
            total += basis
            result.append({"asset": asset, "wallet": wallet,
                           "quantity": quantity_text(sum((lot.qty for lot in live), ZERO)),
                           "cost_basis": amount(basis), "lots": len(live)})
    return result, total


def schedule_d(report: Report) -> dict[str, dict[str, str]]:
    """Return the Form 8949 totals that flow to each Schedule D line."""
    lines: dict[str, list[Decimal]] = {}
    for box, (proceeds, basis, _count) in report.boxes.items():
        sums = lines.setdefault(f"line_{SCHEDULE_D[box]}", [ZERO, ZERO])
        sums[0] += proceeds
        sums[1] += basis
    return {name: {"proceeds": amount(p), "cost_basis": amount(b), "adjustment": "0.00",
                   "gain": amount(p - b)} for name, (p, b) in sorted(lines.items())}


def worksheet(report: Report, held: Decimal) -> list[dict[str, Any]]:
    """Return the lines a person would write down to check the totals."""
    (sp, sb), (lp, lb) = report.terms["short"], report.terms["long"]
    lines = [
        line(1, "Short-term proceeds", sp), line(2, "Short-term cost basis", sb),
        line(3, "Short-term gain or loss (line 1 minus line 2)", sp - sb),
        line(4, "Long-term proceeds", lp), line(5, "Long-term cost basis", lb),
        line(6, "Long-term gain or loss (line 4 minus line 5)", lp - lb),
        line(7, "Net gain or loss (line 3 plus line 6)", sp - sb + lp - lb),
        line(8, "Income from staking and rewards (ordinary income)", report.income_total),
        line(9, "Cost basis of the lots still held", held),
    ]
    if report.removed:
        lines.append(line(10, "Cost basis that left through unmatched transfers",
                          report.removed))
    return lines


def explanation(method: str, tax_year: int | None, report: Report) -> list[str]:
    """Return plain sentences saying how the figures were reached."""
    (sp, sb), (lp, lb) = report.terms["short"], report.terms["long"]
    scope = f"in {tax_year}" if tax_year else "in the whole ledger"
    sentences = [
        f"Each sale or fee paid in crypto was matched to lots {METHODS[method]}, unless "
        "the sale named its lots.",
        "Before 2025 a sale could use lots held in any wallet; from 1 January 2025 a sale "
        "uses only lots held in the same wallet or account.",
        "A sale is long-term when the asset was held more than one year: counting starts the "
        "day after it was acquired, so a sale on the anniversary is still short-term.",
        f"{_rows(report.rows)} {scope}: short-term {dollars(sp - sb)} "
        f"(proceeds {dollars(sp)}, basis {dollars(sb)}), long-term {dollars(lp - lb)} "
        f"(proceeds {dollars(lp)}, basis {dollars(lb)}).",
    ]
    if report.income_total:
        sentences.append(f"Staking and rewards of {dollars(report.income_total)} are ordinary "
                         "income; each reward starts a lot at that value.")
    if report.warnings:
        count = len(report.warnings) + report.dropped
        sentences.append(f"{count} warning{'s' if count != 1 else ''} need"
                         f"{'' if count != 1 else 's'} a look before these figures are used.")
    sentences.append("These figures are a worksheet for you or your tax preparer, not tax "
                     "advice.")
    return sentences


def _rows(count: int) -> str:
    """Say how many Form 8949 rows there are."""
    return f"{count:,} Form 8949 row{'s' if count != 1 else ''}"


def more_warnings(report: Report) -> list[dict[str, Any]]:
    """Return the warnings, with a last one counting those left out."""
    if not report.dropped:
        return report.warnings
    return report.warnings + [{"code": "more_warnings", "transaction": None, "message":
                               f"{report.dropped} more warnings were left out."}]


__all__ = ["explanation", "holdings", "more_warnings", "schedule_d", "worksheet"]


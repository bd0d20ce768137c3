"""Cross-check tax-savings against taxcalc (PSL Tax-Calculator) as an independent oracle.

taxcalc knows wages (e00200), net short-term (p22250) and long-term (p23250) gains and the
filing status (MARS); it applies the $3,000/$1,500 limit but has no carry-in, so carry-ins are
folded into p22250/p23250. Its ``taxbc`` is regular tax before credits (AMT apart); with
``niit`` it is our ``tax``.
"""

from __future__ import annotations

import os
import random
from decimal import Decimal
from typing import Any

import pytest

# taxcalc's numba JIT compile alone takes ~20 s; for a few hundred households the same
# functions run faster as plain Python. NOTAXCALCJIT is taxcalc's own switch (decorators.py),
# read when taxcalc is first imported.
os.environ.setdefault("NOTAXCALCJIT", "1")

import pandas as pd  # noqa: E402  (must follow the NOTAXCALCJIT switch)
import taxcalc  # noqa: E402

from service.calculators import _tables, run  # noqa: E402

MARS = {"single": 1, "married_joint": 2, "married_separate": 3, "head_of_household": 4,
        "qualifying_surviving_spouse": 5}
YEARS = (2024, 2025, 2026)
PER_YEAR = 120
TOLERANCE = Decimal("1.00")


def _amount(rng: random.Random, low: int, high: int) -> Decimal:
    """Return a random amount in cents between ``low`` and ``high`` dollars, often round."""
    dollars = rng.randint(low, high)
    return Decimal(dollars if rng.random() < 0.5 else f"{dollars}.{rng.randint(0, 99):02d}")


def _capital(rng: random.Random) -> Decimal:
    """Return a year's net gain or loss: sometimes none, sometimes large."""
    pick = rng.random()
    if pick < 0.15:
        return Decimal(0)
    return _amount(rng, -400_000, 600_000) if pick > 0.9 else _amount(rng, -60_000, 80_000)


def households(year: int) -> list[dict[str, Any]]:
    """Return seeded random calculator requests for ``year``."""
    rng = random.Random(f"bearings-{year}")
    result = []
    for _ in range(PER_YEAR):
        result.append({
            "tax_year": year, "filing_status": rng.choice(list(MARS)),
            "ordinary_income": str(_amount(rng, 0, 900_000 if rng.random() < 0.1 else 250_000)),
            "short_term": str(_capital(rng)), "long_term": str(_capital(rng)),
            "carryover_short_term": str(_amount(rng, 0, 30_000) if rng.random() < 0.2 else 0),
            "carryover_long_term": str(_amount(rng, 0, 30_000) if rng.random() < 0.2 else 0),
        })
    return result


def _row(request: dict[str, Any], with_losses: bool) -> dict[str, float]:
    """Return one taxcalc input row for a request, with or without its losses."""
    short, long = Decimal(request["short_term"]), Decimal(request["long_term"])
    if with_losses:
        short -= Decimal(request["carryover_short_term"])
        long -= Decimal(request["carryover_long_term"])
    else:
        short, long = max(short, Decimal(0)), max(long, Decimal(0))
    wages = float(request["ordinary_income"])
    return {"MARS": MARS[request["filing_status"]], "e00200": wages, "e00200p": wages,
            "p22250": float(short), "p23250": float(long)}


def taxcalc_figures(year: int, requests: list[dict[str, Any]]) -> pd.DataFrame:
    """Run taxcalc once on every request, with and without losses, in one Records frame."""
    rows = [_row(request, flag) for flag in (True, False) for request in requests]
    frame = pd.DataFrame(rows)
    frame.insert(0, "RECID", range(1, len(frame) + 1))
    records = taxcalc.Records(data=frame, start_year=year, gfactors=None, weights=None,
                              adjust_ratios=None)
    calc = taxcalc.Calculator(policy=taxcalc.Policy(), records=records, verbose=False)
    calc.calc_all()
    return pd.DataFrame({"tax": calc.array("taxbc") + calc.array("niit"),
                         "taxable": calc.array("c04800")})


def _off(ours: str, theirs: float) -> bool:
    """Tell whether our figure is more than the tolerance away from taxcalc's."""
    return abs(Decimal(ours) - Decimal(repr(float(theirs)))) > TOLERANCE


@pytest.mark.slow
@pytest.mark.parametrize("year", YEARS)
def test_tax_matches_taxcalc(year: int) -> None:
    requests = households(year)
    theirs = taxcalc_figures(year, requests)
    count = len(requests)
    mismatches = []
    for i, request in enumerate(requests):
        ours = run("tax-savings", request)
        expected = (theirs["tax"][i], theirs["tax"][count + i], theirs["taxable"][i])
        got = (ours["tax"], ours["tax_without_losses"], ours["taxable_income"])
        if any(_off(mine, other) for mine, other in zip(got, expected, strict=True)):
            mismatches.append((request, got, expected))
    assert mismatches == []


def test_households_exercise_every_branch() -> None:
    requests = [request for year in YEARS for request in households(year)]
    results = [run("tax-savings", request) for request in requests]
    assert {request["filing_status"] for request in requests} == set(MARS)
    assert any(Decimal(result["savings"]) > 0 for result in results)
    lines = [{row["line"]: Decimal(row["amount"]) for row in result["worksheet"]}
             for result in results]
    assert any(sheet["8"] > 0 for sheet in lines)  # some gain taxed at 20%
    assert any(sheet["10"] > 0 for sheet in lines)  # some net investment income tax
    assert any(result["carryover"] != {"short_term": "0.00", "long_term": "0.00"}
               for result in results)


PARAMETERS = {
    "ordinary_tops": ("II_brk1", "II_brk2", "II_brk3", "II_brk4", "II_brk5", "II_brk6"),
    "gain_tops": ("CG_brk1", "CG_brk2"),
}


@pytest.mark.parametrize("year", YEARS)
def test_tables_agree_with_taxcalc_parameters(year: int) -> None:
    policy = taxcalc.Policy()
    policy.set_year(year)
    table = _tables.table(year)
    for status, column in MARS.items():
        for field, names in PARAMETERS.items():
            tops = tuple(Decimal(repr(float(getattr(policy, name)[0][column - 1])))
                         for name in names)
            assert getattr(table, field)[status] == tops, (status, field)
        assert table.standard_deduction[status] == Decimal(repr(float(policy.STD[0][column - 1])))
        assert table.niit_threshold[status] == Decimal(repr(float(policy.NIIT_thd[0][column - 1])))
    rates = tuple(float(getattr(policy, f"II_rt{n}")[0]) for n in range(1, 8))
    assert table.ordinary_rates == tuple(Decimal(repr(rate)) for rate in rates)
    assert table.niit_rate == Decimal(repr(float(policy.NIIT_rt[0])))

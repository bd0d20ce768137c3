"""Tests for the tax-savings calculator and the tax tables it reads."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import ValidationError

from service.calculators import _tables, get, run, tax

from .readability import grade_level

STATUSES = _tables.FILING_STATUSES
MONEY = re.compile(r"-?\d+\.\d{2}")


def calc(status: str = "single", year: int = 2025, **amounts: str) -> dict[str, Any]:
    """Run the calculator for one household."""
    return run("tax-savings", {"tax_year": year, "filing_status": status, **amounts})


# Expected figures worked by hand from the rate schedules and the capital gain worksheet.
# request → taxable income, tax, tax without losses, savings, carryover (short, long)
GOLDEN = [
    pytest.param(  # 1,192.50 + 4,386 + 22% of 12,775; without: 3,000 more at 22%
        {"ordinary_income": "80000.00", "short_term": "-20000.00", "long_term": "-5000.00"},
        ("61250.00", "8389.00", "9049.00", "660.00", ("17000.00", "5000.00")),
        id="contract-example"),
    pytest.param(  # 24,100 at 0%, 25,900 at 15%, 24,250 at ordinary rates
        {"ordinary_income": "40000.00", "long_term": "50000.00"},
        ("74250.00", "6556.50", "6556.50", "0.00", ("0.00", "0.00")), id="gain-at-0-and-15"),
    pytest.param(  # ordinary part 280,800; 90,000 at 15%; NIIT on 100,000
        {"year": 2024, "status": "married_joint", "ordinary_income": "300000.00",
         "short_term": "10000.00", "long_term": "90000.00"},
        ("370800.00", "70777.00", "70777.00", "0.00", ("0.00", "0.00")), id="niit-gains"),
    pytest.param(  # short-term loss nets against long-term gain: 80,000 at 15%, NIIT 3,040
        {"year": 2024, "status": "married_joint", "ordinary_income": "300000.00",
         "short_term": "-10000.00", "long_term": "90000.00"},
        ("350800.00", "66117.00", "67997.00", "1880.00", ("0.00", "0.00")),
        id="loss-against-gain-with-niit"),
    pytest.param(  # 1,500 limit; 1,240 + 12% of 30,000
        {"year": 2026, "status": "married_separate", "ordinary_income": "60000.00",
         "short_term": "-10000.00"},
        ("42400.00", "4840.00", "5020.00", "180.00", ("8500.00", "0.00")),
        id="married-separate"),
    pytest.param(  # 1,770 + 5,970 + 22% of 5,400
        {"year": 2026, "status": "head_of_household", "ordinary_income": "100000.00",
         "long_term": "-4000.00"},
        ("72850.00", "8928.00", "9588.00", "660.00", ("0.00", "1000.00")),
        id="head-of-household"),
    pytest.param(  # 96,700 at 0%, 503,350 at 15%, 368,450 at 20%; NIIT on 750,000 over
        {"status": "qualifying_surviving_spouse", "ordinary_income": "0.00",
         "long_term": "1000000.00"},
        ("968500.00", "177692.50", "177692.50", "0.00", ("0.00", "0.00")),
        id="twenty-percent-rate"),
    pytest.param(  # taxable income -7,600 before flooring: the whole loss carries
        {"year": 2024, "ordinary_income": "10000.00", "short_term": "-5000.00"},
        ("0.00", "0.00", "0.00", "0.00", ("5000.00", "0.00")), id="below-zero"),
    pytest.param(
        {"ordinary_income": "200000.00", "itemized_deductions": "40000.00",
         "short_term": "-1000.00"},
        ("159000.00", "31007.00", "31247.00", "240.00", ("0.00", "0.00")), id="itemized"),
    pytest.param(  # line 15 is a loss, so the short-term gain left on line 16 is ordinary
        {"ordinary_income": "50000.00", "short_term": "10000.00", "long_term": "-3000.00"},
        ("41250.00", "4711.50", "5071.50", "360.00", ("0.00", "0.00")),
        id="short-gain-long-loss"),
    pytest.param(  # 12% of 22,325.05 = 2,679.006: rounded once, half up
        {"ordinary_income": "50000.05"},
        ("34250.05", "3871.51", "3871.51", "0.00", ("0.00", "0.00")), id="rounding"),
    pytest.param(
        {"year": 2026, "ordinary_income": "0.00", "carryover_short_term": "2000.00",
         "carryover_long_term": "4000.00"},
        ("0.00", "0.00", "0.00", "0.00", ("2000.00", "4000.00")), id="zeros-with-carry-in"),
]


@pytest.mark.parametrize(("request_", "expected"), GOLDEN)
def test_golden(request_: dict[str, Any], expected: tuple[Any, ...]) -> None:
    result = calc(**request_)
    carryover = (result["carryover"]["short_term"], result["carryover"]["long_term"])
    assert (result["taxable_income"], result["tax"], result["tax_without_losses"],
            result["savings"], carryover) == expected


def test_worksheet_shows_the_work() -> None:
    result = calc(year=2024, status="married_joint", ordinary_income="300000.00",
                  short_term="-10000.00", long_term="90000.00")
    amounts = {row["line"]: row["amount"] for row in result["worksheet"]}
    assert [amounts[str(n)] for n in range(1, 12)] == [
        "300000.00", "80000.00", "380000.00", "29200.00", "350800.00", "0.00", "80000.00",
        "0.00", "63077.00", "3040.00", "66117.00"]
    assert amounts["23"] == "1880.00"
    assert all(MONEY.fullmatch(amount) for amount in amounts.values())


def test_projection_and_explanation() -> None:
    result = calc(ordinary_income="80000.00", short_term="-20000.00", long_term="-5000.00")
    assert result["years_to_use_up"] == 8
    assert result["projection"][0] == {"tax_year": 2026, "deduction": "3000.00",
                                       "carryover_short_term": "14000.00",
                                       "carryover_long_term": "5000.00"}
    said = result["explanation"]
    assert "So the losses lower your tax by about $660." in said
    assert ("At $3,000 a year, this loss lasts 8 more years unless you have gains to use it "
            "against.") in said
    assert any("not tax advice" in sentence for sentence in said)


@pytest.mark.parametrize("request_", [param.values[0] for param in GOLDEN])
def test_explanation_is_plain(request_: dict[str, Any]) -> None:
    sentences = calc(**request_)["explanation"]
    assert all(sentence.endswith(".") for sentence in sentences)
    assert all(len(sentence.split()) <= 25 for sentence in sentences)
    assert grade_level(sentences) <= 8


@pytest.mark.parametrize("year", [2023, 2027])
def test_other_years_are_refused_naming_the_years_served(year: int) -> None:
    with pytest.raises(ValidationError) as caught:
        calc(year=year, ordinary_income="50000.00")
    assert caught.value.messages_dict["tax_year"] == [
        "We have tax figures for 2024, 2025 and 2026 only."]


@pytest.mark.parametrize(("payload", "field"), [
    ({}, "ordinary_income"),
    ({"ordinary_income": "1", "itemized_deductions": "-1.00"}, "itemized_deductions"),
    ({"ordinary_income": "1", "status": "joint"}, "filing_status"),
])
def test_invalid_requests_name_the_field(payload: dict[str, Any], field: str) -> None:
    payload = dict(payload)
    status = payload.pop("status", "single")
    with pytest.raises(ValidationError) as caught:
        calc(status=status, **payload)
    assert field in caught.value.messages_dict


def test_registered() -> None:
    assert get("tax-savings") is tax.CALCULATOR


def test_tables_are_found_and_loaded_once() -> None:
    assert _tables.years() == (2024, 2025, 2026)
    assert _tables.table(2025) is _tables.table(2025)
    with pytest.raises(LookupError):
        _tables.table(2023)


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_table_names_its_sources(year: int) -> None:
    sources = _tables.table(year).sources
    for key in ("ordinary_brackets", "capital_gain_breakpoints", "standard_deduction", "niit",
                "capital_loss_limit"):
        assert re.search(r"Rev\. Proc\.|IRC|Pub\. L\.", sources[key])


# DOMAIN.md section 1: capital-gain breakpoints (0% top, 15% top) by year and status
GAIN_TOPS = {
    2024: {"single": (47025, 518900), "married_joint": (94050, 583750),
           "married_separate": (47025, 291850), "head_of_household": (63000, 551350)},
    2025: {"single": (48350, 533400), "married_joint": (96700, 600050),
           "married_separate": (48350, 300000), "head_of_household": (64750, 566700)},
    2026: {"single": (49450, 545500), "married_joint": (98900, 613700),
           "married_separate": (49450, 306850), "head_of_household": (66200, 579600)},
}
SINGLE_TOPS = {2024: (11600, 47150, 100525, 191950, 243725, 609350),
               2025: (11925, 48475, 103350, 197300, 250525, 626350),
               2026: (12400, 50400, 105700, 201775, 256225, 640600)}
JOINT_35_TOP = {2024: 731200, 2025: 751600, 2026: 768700}
SEPARATE_35_TOP = {2024: 365600, 2025: 375800, 2026: 384350}
SINGLE_STANDARD = {2024: 14600, 2025: 15750, 2026: 16100}


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_tables_match_domain_figures(year: int) -> None:
    t = _tables.table(year)
    gains = {status: tuple(int(x) for x in tops) for status, tops in t.gain_tops.items()}
    assert gains == {**GAIN_TOPS[year],
                     "qualifying_surviving_spouse": GAIN_TOPS[year]["married_joint"]}
    single = SINGLE_TOPS[year]
    assert t.ordinary_tops["single"] == single
    assert t.ordinary_tops["married_joint"] == (*(2 * x for x in single[:5]), JOINT_35_TOP[year])
    assert t.ordinary_tops["qualifying_surviving_spouse"] == t.ordinary_tops["married_joint"]
    assert t.ordinary_tops["married_separate"] == (*single[:5], SEPARATE_35_TOP[year])
    assert t.ordinary_rates == tuple(Decimal(r) for r in
                                     ("0.10", "0.12", "0.22", "0.24", "0.32", "0.35", "0.37"))
    assert t.gain_rates == (Decimal("0"), Decimal("0.15"), Decimal("0.20"))
    assert t.standard_deduction["single"] == SINGLE_STANDARD[year]
    assert t.niit_rate == Decimal("0.038")
    assert dict(t.niit_threshold) == {"single": 200000, "married_joint": 250000,
                                      "married_separate": 125000, "head_of_household": 200000,
                                      "qualifying_surviving_spouse": 250000}
    assert dict(t.capital_loss_limit) == {status: 1500 if status == "married_separate" else 3000
                                          for status in STATUSES}


amounts = st.decimals(min_value=-2 * 10**6, max_value=2 * 10**6, places=2)
households = st.fixed_dictionaries({
    "status": st.sampled_from(STATUSES), "year": st.sampled_from([2024, 2025, 2026]),
    "ordinary_income": st.decimals(min_value=-10**5, max_value=3 * 10**6, places=2),
    "itemized_deductions": st.decimals(min_value=0, max_value=10**5, places=2),
    "short_term": amounts, "long_term": amounts,
    "carryover_short_term": st.decimals(min_value=0, max_value=10**6, places=2),
    "carryover_long_term": st.decimals(min_value=0, max_value=10**6, places=2)})


def _run(household: dict[str, Any], **changes: Decimal) -> dict[str, Any]:
    """Run the calculator with every amount sent as a string."""
    merged = {**household, **changes}
    return calc(**{key: value if key in ("status", "year") else str(value)
                   for key, value in merged.items()})


@given(households)
def test_losses_never_raise_the_tax(household: dict[str, Any]) -> None:
    result = _run(household)
    assert Decimal(result["tax"]) >= 0
    assert Decimal(result["savings"]) >= 0
    assert Decimal(result["tax_without_losses"]) - Decimal(result["tax"]) == \
        Decimal(result["savings"])


@given(households, st.decimals(min_value="0.01", max_value=10**5, places=2))
def test_more_income_never_lowers_the_tax(household: dict[str, Any], more: Decimal) -> None:
    before = _run(household)
    after = _run(household, ordinary_income=household["ordinary_income"] + more)
    assert Decimal(after["tax"]) >= Decimal(before["tax"])


@given(households)
def test_carryover_agrees_with_the_capital_loss_calculator(household: dict[str, Any]) -> None:
    result = _run(household)
    lines = {row["line"]: Decimal(row["amount"]) for row in result["worksheet"]}
    losses = run("capital-loss", {
        "tax_year": household["year"], "filing_status": household["status"],
        "taxable_income": str(lines["3"] - lines["4"]),
        **{key: str(household[key]) for key in ("short_term", "long_term",
                                                "carryover_short_term", "carryover_long_term")}})
    assert losses["carryover"] == result["carryover"]
    assert losses["projection"] == result["projection"]


@given(households)
def test_gain_rates_never_cost_more_than_ordinary_rates(household: dict[str, Any]) -> None:
    result = _run(household)
    lines = {row["line"]: Decimal(row["amount"]) for row in result["worksheet"]}
    t = _tables.table(household["year"])
    ordinary = tax.schedule_tax(t, household["status"], lines["5"])
    assert lines["9"] <= ordinary.quantize(Decimal("0.01")) + Decimal("0.01")
    bands = [lines["6"], lines["7"], lines["8"], lines["17"], lines["18"], lines["19"]]
    assert all(band >= 0 for band in bands)
    assert lines["6"] + lines["7"] + lines["8"] <= lines["5"]

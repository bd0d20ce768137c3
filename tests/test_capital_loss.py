"""Tests for the capital-loss calculator: Schedule D netting, the limit and the carryover."""

from __future__ import annotations

import ast
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from marshmallow import ValidationError

from service.calculators import capital_loss, get, run

from .readability import grade_level

MONEY = re.compile(r"-?\d+\.\d{2}")


def calc(status: str = "single", year: int = 2025, **amounts: str) -> dict[str, Any]:
    """Run the calculator for one household."""
    return run("capital-loss", {"tax_year": year, "filing_status": status, **amounts})


# request → Schedule D lines 7/15/16/21, deduction, carryover (short, long), years to use up
GOLDEN = [
    pytest.param(  # DOMAIN.md / CONTRACT.md example
        {"short_term": "-20000.00", "long_term": "-5000.00", "taxable_income": "61250.00"},
        ("-20000.00", "-5000.00", "-25000.00", "-3000.00"), "3000.00", ("17000.00", "5000.00"),
        8, id="contract-example"),
    pytest.param(  # no taxable income given: the deduction counts in full
        {"short_term": "-20000.00", "long_term": "-5000.00"},
        ("-20000.00", "-5000.00", "-25000.00", "-3000.00"), "3000.00", ("17000.00", "5000.00"),
        8, id="no-taxable-income"),
    pytest.param(
        {"status": "married_separate", "short_term": "-20000.00", "long_term": "-5000.00"},
        ("-20000.00", "-5000.00", "-25000.00", "-1500.00"), "1500.00", ("18500.00", "5000.00"),
        16, id="married-separate-limit"),
    pytest.param(  # taxable income -2,000: only 1,000 of the 3,000 saved tax
        {"year": 2024, "short_term": "-10000.00", "taxable_income": "-2000.00"},
        ("-10000.00", "0.00", "-10000.00", "-3000.00"), "3000.00", ("9000.00", "0.00"),
        3, id="negative-taxable-income-partly-used"),
    pytest.param(  # taxable income far below zero: the whole loss carries
        {"short_term": "-4000.00", "long_term": "-6000.00", "taxable_income": "-50000.00"},
        ("-4000.00", "-6000.00", "-10000.00", "-3000.00"), "3000.00", ("4000.00", "6000.00"),
        4, id="negative-taxable-income-unused"),
    pytest.param(  # short-term gain soaks up long-term loss first
        {"short_term": "8000.00", "long_term": "-20000.00"},
        ("8000.00", "-20000.00", "-12000.00", "-3000.00"), "3000.00", ("0.00", "9000.00"),
        3, id="short-gain-long-loss"),
    pytest.param(
        {"short_term": "-20000.00", "long_term": "8000.00"},
        ("-20000.00", "8000.00", "-12000.00", "-3000.00"), "3000.00", ("9000.00", "0.00"),
        3, id="short-loss-long-gain"),
    pytest.param(  # a net gain: nothing to deduct, nothing to carry
        {"short_term": "-5000.00", "long_term": "8000.00"},
        ("-5000.00", "8000.00", "3000.00", "0.00"), "0.00", ("0.00", "0.00"), 0,
        id="net-gain"),
    pytest.param(
        {"year": 2026, "carryover_short_term": "4000.00", "carryover_long_term": "10000.00"},
        ("-4000.00", "-10000.00", "-14000.00", "-3000.00"), "3000.00", ("1000.00", "10000.00"),
        4, id="pure-carry-in"),
    pytest.param(  # this year's gain uses up part of the loss carried in
        {"short_term": "2500.00", "carryover_short_term": "4000.00",
         "carryover_long_term": "1000.00"},
        ("-1500.00", "-1000.00", "-2500.00", "-2500.00"), "2500.00", ("0.00", "0.00"), 0,
        id="carry-in-against-gain"),
    pytest.param(
        {"status": "married_separate", "long_term": "-1200.00"},
        ("0.00", "-1200.00", "-1200.00", "-1200.00"), "1200.00", ("0.00", "0.00"), 0,
        id="loss-under-limit"),
    pytest.param(
        {}, ("0.00", "0.00", "0.00", "0.00"), "0.00", ("0.00", "0.00"), 0, id="zeros"),
    pytest.param(
        {"status": "head_of_household", "short_term": "-250000.00"},
        ("-250000.00", "0.00", "-250000.00", "-3000.00"), "3000.00", ("247000.00", "0.00"),
        83, id="eighty-three-years"),
]


@pytest.mark.parametrize(("request_", "schedule", "deduction", "carryover", "years"), GOLDEN)
def test_golden(request_: dict[str, Any], schedule: tuple[str, ...], deduction: str,
                carryover: tuple[str, str], years: int) -> None:
    result = calc(**request_)
    lines = result["schedule_d"]
    assert (lines["line_7"], lines["line_15"], lines["line_16"], lines["line_21"]) == schedule
    assert result["deduction"] == deduction
    assert (result["carryover"]["short_term"], result["carryover"]["long_term"]) == carryover
    assert result["years_to_use_up"] == years
    assert len(result["projection"]) == years


def test_worksheet_matches_the_thirteen_lines() -> None:
    result = calc(short_term="-20000.00", long_term="-5000.00", taxable_income="61250.00")
    worksheet = {row["line"]: row["amount"] for row in result["worksheet"]}
    expected = ["61250.00", "3000.00", "64250.00", "3000.00", "20000.00", "0.00", "3000.00",
                "17000.00", "5000.00", "0.00", "0.00", "0.00", "5000.00"]
    assert [worksheet[f"W{n}"] for n in range(1, 14)] == expected
    assert [worksheet[f"D{n}"] for n in (7, 15, 16, 21)] == [
        "-20000.00", "-5000.00", "-25000.00", "-3000.00"]


def test_worksheet_negative_taxable_income() -> None:
    result = calc(year=2024, short_term="-10000.00", taxable_income="-2000.00")
    amounts = [row["amount"] for row in result["worksheet"] if row["line"].startswith("W")]
    assert amounts == ["-2000.00", "3000.00", "1000.00", "1000.00", "10000.00", "0.00",
                       "1000.00", "9000.00", "0.00", "0.00", "0.00", "0.00", "0.00"]
    assert any("below zero, so only $1,000" in sentence for sentence in result["explanation"])


def test_projection_spends_short_term_first() -> None:
    result = calc(short_term="-20000.00", long_term="-5000.00")
    rows = result["projection"]
    assert [row["tax_year"] for row in rows] == list(range(2026, 2034))
    assert rows[4] == {"tax_year": 2030, "deduction": "3000.00",
                       "carryover_short_term": "2000.00", "carryover_long_term": "5000.00"}
    assert rows[5]["carryover_short_term"] == "0.00"
    assert rows[5]["carryover_long_term"] == "4000.00"
    assert rows[-1] == {"tax_year": 2033, "deduction": "1000.00",
                        "carryover_short_term": "0.00", "carryover_long_term": "0.00"}


def test_projection_is_capped_but_years_are_counted() -> None:
    result = calc(status="married_separate", long_term="-1000000.00")
    assert result["years_to_use_up"] == 666  # 998,500 / 1,500 = 665.67
    assert len(result["projection"]) == capital_loss.PROJECTION_YEARS
    assert result["projection"][-1]["tax_year"] == 2125
    assert result["projection"][-1]["carryover_long_term"] == "848500.00"
    assert "At $1,500 a year, this loss lasts 666 more years" in result["explanation"][-2]


def test_long_counts_are_grouped_for_reading() -> None:
    result = calc(long_term="-999999999999.99")
    assert result["years_to_use_up"] == 333_333_333
    assert "lasts 333,333,333 more years" in result["explanation"][-2]


def test_explanation_says_how_long_the_loss_lasts() -> None:
    result = calc(short_term="-250000.00")
    assert ("At $3,000 a year, this loss lasts 83 more years unless you have gains to use it "
            "against.") in result["explanation"]
    assert "$247,000 carries forward to 2026: all of it short-term." in result["explanation"]
    assert any("not tax advice" in sentence for sentence in result["explanation"])


@pytest.mark.parametrize("request_", [param.values[0] for param in GOLDEN])
def test_explanation_is_plain(request_: dict[str, Any]) -> None:
    sentences = calc(**request_)["explanation"]
    assert all(sentence.endswith(".") for sentence in sentences)
    assert all(len(sentence.split()) <= 25 for sentence in sentences)
    assert grade_level(sentences) <= 8


@pytest.mark.parametrize("request_", [param.values[0] for param in GOLDEN])
def test_every_amount_is_a_money_string(request_: dict[str, Any]) -> None:
    result = calc(**request_)
    amounts = [*result["schedule_d"].values(), result["deduction"],
               *result["carryover"].values(), *(row["amount"] for row in result["worksheet"])]
    amounts += [row[key] for row in result["projection"] for key in row if key != "tax_year"]
    assert all(isinstance(amount, str) and MONEY.fullmatch(amount) for amount in amounts)


@pytest.mark.parametrize(("payload", "field", "message"), [
    ({"tax_year": 2023}, "tax_year", "2024, 2025 and 2026"),
    ({"tax_year": "2025"}, "tax_year", "integer"),
    ({"filing_status": "married"}, "filing_status", "Choose one of"),
    ({"short_term": 1.5}, "short_term", "amount"),
    ({"short_term": "12.345"}, "short_term", "two decimal places"),
    ({"carryover_long_term": "-5.00"}, "carryover_long_term", "between"),
    ({"shortterm": "-5.00"}, "shortterm", "Unknown"),
])
def test_invalid_requests_name_the_field(payload: dict[str, Any], field: str,
                                         message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        run("capital-loss", {"tax_year": 2025, "filing_status": "single", **payload})
    assert message in " ".join(caught.value.messages_dict[field])


def test_missing_filing_status_is_refused() -> None:
    with pytest.raises(ValidationError) as caught:
        run("capital-loss", {"tax_year": 2025})
    assert "filing_status" in caught.value.messages_dict


def test_registered() -> None:
    assert get("capital-loss") is capital_loss.CALCULATOR


@pytest.mark.parametrize("module", ["capital_loss.py", "tax.py", "_tables.py"])
def test_no_floats_in_the_code(module: str) -> None:
    path = Path(capital_loss.__file__).with_name(module)
    tree = ast.parse(path.read_text(encoding="utf-8"))
    floats = [node for node in ast.walk(tree)
              if (isinstance(node, ast.Constant) and isinstance(node.value, float))
              or (isinstance(node, ast.Name) and node.id == "float")]
    assert floats == []


money = st.decimals(min_value=-10**9, max_value=10**9, places=2)
losses_in = st.decimals(min_value=0, max_value=10**9, places=2)
statuses = st.sampled_from(["single", "married_joint", "married_separate", "head_of_household",
                            "qualifying_surviving_spouse"])
households = st.fixed_dictionaries(
    {"status": statuses, "year": st.sampled_from([2024, 2025, 2026]), "short_term": money,
     "long_term": money, "carryover_short_term": losses_in, "carryover_long_term": losses_in},
    optional={"taxable_income": money})


def _run(household: dict[str, Any]) -> dict[str, Any]:
    """Run the calculator with every amount sent as a string."""
    return calc(**{key: value if key in ("status", "year") else str(value)
                   for key, value in household.items()})


@given(households)
def test_carryover_is_never_negative(household: dict[str, Any]) -> None:
    result = _run(household)
    assert Decimal(result["carryover"]["short_term"]) >= 0
    assert Decimal(result["carryover"]["long_term"]) >= 0
    assert all(Decimal(row[key]) >= 0 for row in result["projection"]
               for key in ("carryover_short_term", "carryover_long_term"))


@given(households)
def test_deduction_never_exceeds_the_limit(household: dict[str, Any]) -> None:
    result = _run(household)
    limit = Decimal(1500 if household["status"] == "married_separate" else 3000)
    assert 0 <= Decimal(result["deduction"]) <= limit
    assert Decimal(result["schedule_d"]["line_21"]) == -Decimal(result["deduction"])
    assert all(Decimal(row["deduction"]) <= limit for row in result["projection"])


@given(households)
def test_short_term_loss_is_used_first(household: dict[str, Any]) -> None:
    result = _run(household)
    line_15 = Decimal(result["schedule_d"]["line_15"])
    if Decimal(result["carryover"]["short_term"]) > 0:
        assert Decimal(result["carryover"]["long_term"]) == max(Decimal(0), -line_15)
    seen_long_spent = False
    previous_long = Decimal(result["carryover"]["long_term"])
    for row in result["projection"]:
        if Decimal(row["carryover_long_term"]) < previous_long:
            seen_long_spent = True
        assert not (seen_long_spent and Decimal(row["carryover_short_term"]) > 0)
        previous_long = Decimal(row["carryover_long_term"])


@given(households)
def test_no_loss_is_lost_or_made_up(household: dict[str, Any]) -> None:
    result = _run(household)
    used = Decimal({row["line"]: row["amount"] for row in result["worksheet"]}["W4"])
    carried = sum(Decimal(amount) for amount in result["carryover"].values())
    assert used + carried == max(Decimal(0), -Decimal(result["schedule_d"]["line_16"]))
    if "taxable_income" not in household:
        assert used == Decimal(result["deduction"])
    if result["years_to_use_up"] <= capital_loss.PROJECTION_YEARS:
        assert sum(Decimal(row["deduction"]) for row in result["projection"]) == carried

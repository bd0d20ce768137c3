"""Tests for the debt-payoff calculator."""

from __future__ import annotations

from decimal import ROUND_UP, Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from service.calculators import run
from service.calculators.debt_payoff import MONTH_CAP, DebtPayoffRequest

from .readability import grade_level


def debt(name: str, balance: str, apr: str, minimum: str) -> dict[str, str]:
    """Return one debt as the request carries it."""
    return {"name": name, "balance": balance, "apr": apr, "minimum_payment": minimum}


STORY = {"debts": [debt("HELOC", "200000", "8.5", "1500"), debt("Visa", "8000", "27.99", "240"),
                   debt("Car", "4000", "6", "300")],
         "monthly_budget": "3000", "monthly_expenses": "4200"}
TWO = {"debts": [debt("A", "1000", "24", "50"), debt("B", "500", "6", "50")],
       "monthly_budget": "300"}
ROLLING = {"debts": [debt("A", "300", "0", "50"), debt("B", "100", "0", "50")],
           "monthly_budget": "150"}

# Expected figures were checked against a separate exact-fraction simulation.
GOLDEN = [
    ({"debts": [debt("Card", "1000", "12", "100")], "monthly_budget": "100"},
     (11, "58.98", [11]), (11, "58.98", [11])),
    (ROLLING, (3, "0.00", [3, 1]), (3, "0.00", [3, 1])),
    (TWO, (6, "63.50", [5, 6]), (6, "84.37", [6, 3])),
    (STORY, (99, "84055.11", [99, 8, 14]), (99, "84693.34", [99, 9, 4])),
]


def summary(plan: dict[str, Any]) -> tuple[int, str, list[int]]:
    """Return a plan's months, interest and payoff month per debt."""
    return plan["months"], plan["total_interest"], [d["payoff_month"] for d in plan["debts"]]


@pytest.mark.parametrize(("payload", "avalanche", "snowball"), GOLDEN)
def test_golden(payload: dict[str, Any], avalanche: tuple[Any, ...],
                snowball: tuple[Any, ...]) -> None:
    result = run("debt-payoff", payload)
    assert summary(result["avalanche"]) == avalanche
    assert summary(result["snowball"]) == snowball


def test_story_totals_order_and_emergency_fund() -> None:
    result = run("debt-payoff", STORY)
    assert (result["total_balance"], result["total_minimums"], result["extra_payment"]) == (
        "212000.00", "2040.00", "960.00")
    assert result["first_month_interest"] == "1623.27"
    assert result["avalanche"]["payoff_order"] == ["Visa", "Car", "HELOC"]
    assert result["snowball"]["payoff_order"] == ["Car", "Visa", "HELOC"]
    assert result["avalanche"]["total_paid"] == "296055.11"
    assert result["interest_saved"] == "638.23"
    assert result["emergency_fund"] == {"monthly_expenses": "4200.00",
                                        "three_months": "12600.00", "six_months": "25200.00"}
    assert result["simulation_cap_months"] == MONTH_CAP == 600
    lines = {row["line"]: row["amount"] for row in result["worksheet"]}
    assert (lines["6"], lines["7"], lines["8"], lines["10"]) == (
        "84055.11", "84693.34", "638.23", "25200.00")


def test_without_expenses_there_is_no_emergency_fund() -> None:
    result = run("debt-payoff", TWO)
    assert result["emergency_fund"] is None
    assert len(result["worksheet"]) == 8
    assert not any("emergency fund" in sentence for sentence in result["explanation"])


def test_living_costs_of_zero_set_no_emergency_fund_of_0_to_0() -> None:
    result = run("debt-payoff", {**TWO, "monthly_expenses": "0"})
    assert result["emergency_fund"] is None
    assert len(result["worksheet"]) == 8
    text = " ".join(result["explanation"])
    assert "$0 to $0" not in text and "Enter what you spend in a usual month" in text
    assert grade_level(result["explanation"]) <= 8.0


def test_explanation() -> None:
    result = run("debt-payoff", STORY)
    text = " ".join(result["explanation"])
    assert "99 months (8 years and 3 months), with $84,055.11 in interest" in text
    assert "the avalanche way costs $638.23 less in interest" in text
    assert "would be $12,600 to $25,200" in text
    assert "these are estimates" in text
    assert grade_level(result["explanation"]) <= 8.0


def test_same_rates_cost_the_same() -> None:
    result = run("debt-payoff", ROLLING)
    assert "Here both ways cost the same in interest." in result["explanation"]
    assert result["interest_saved"] == "0.00"


SNOWBALL_STALLS = {"debts": [debt("Loan", "100000", "30", "100"),
                             debt("Family", "90000", "0", "0")],
                   "monthly_budget": "2600"}


def test_a_plan_past_the_cap_is_reported_not_refused() -> None:
    result = run("debt-payoff", SNOWBALL_STALLS)
    assert result["avalanche"]["paid_off"] is True and result["avalanche"]["months"] < MONTH_CAP
    snowball = result["snowball"]
    assert (snowball["paid_off"], snowball["months"], snowball["total_paid"]) == (False, None,
                                                                                    None)
    assert [d["payoff_month"] for d in snowball["debts"]] == [None, 36]
    assert result["interest_saved"] is None
    assert any("does not pay everything off within 600 months" in sentence
               for sentence in result["explanation"])


@st.composite
def payable(draw: st.DrawFn) -> dict[str, Any]:
    """Draw debts whose minimums cover interest plus 1% of the balance, and a budget."""
    debts = []
    for number in range(draw(st.integers(1, 5))):
        balance = draw(st.decimals(Decimal("1"), Decimal("50000"), places=2))
        apr = draw(st.decimals(Decimal("0"), Decimal("36"), places=2))
        minimum = (balance * apr / 1200 + balance / 100).quantize(Decimal("0.01"), ROUND_UP)
        debts.append(debt(f"debt {number}", str(balance), str(apr), str(minimum)))
    extra = draw(st.decimals(Decimal("0"), Decimal("2000"), places=2))
    budget = sum(Decimal(item["minimum_payment"]) for item in debts) + extra
    return {"debts": debts, "monthly_budget": str(budget)}


@settings(max_examples=60, deadline=None)
@given(payable())
def test_avalanche_never_costs_more_than_snowball(payload: dict[str, Any]) -> None:
    result = run("debt-payoff", payload)
    avalanche, snowball = result["avalanche"], result["snowball"]
    assert Decimal(avalanche["total_interest"]) <= Decimal(snowball["total_interest"]) + \
        Decimal("0.01")
    assert avalanche["months"] <= snowball["months"]


@settings(max_examples=60, deadline=None)
@given(payable())
def test_plans_add_up(payload: dict[str, Any]) -> None:
    result = run("debt-payoff", payload)
    owed = Decimal(result["total_balance"])
    for plan in (result["avalanche"], result["snowball"]):
        months = [item["payoff_month"] for item in plan["debts"]]
        assert max(months) == plan["months"] and min(months) >= 1
        interest = sum(Decimal(item["interest"]) for item in plan["debts"])
        assert abs(interest - Decimal(plan["total_interest"])) <= Decimal("0.01") * len(months)
        assert Decimal(plan["total_paid"]) == owed + Decimal(plan["total_interest"])
        assert Decimal(plan["total_paid"]) <= Decimal(result["monthly_budget"]) * plan["months"]


def test_every_request_field_is_documented() -> None:
    schema = DebtPayoffRequest()
    nested = schema.fields["debts"].inner.schema  # type: ignore[attr-defined]
    fields_ = [*schema.fields.values(), *nested.fields.values()]
    assert all("description" in field.metadata for field in fields_)


@pytest.mark.parametrize(("payload", "path", "words"), [
    ({**TWO, "monthly_budget": "99.99"}, ("monthly_budget",), "below the minimum payments"),
    ({"debts": [debt("Card", "100000", "24", "100")], "monthly_budget": "1500"},
     ("monthly_budget",), "does not cover the interest"),
    ({"debts": [debt("Loan", "100000", "30", "100"), debt("Flat", "100000", "0", "2000")],
      "monthly_budget": "2600"}, ("monthly_budget",), "within 600 months"),
    ({"monthly_budget": "100"}, ("debts",), ""),
    ({"debts": [], "monthly_budget": "100"}, ("debts",), ""),
    ({"debts": [debt(str(n), "10", "1", "1") for n in range(51)], "monthly_budget": "100"},
     ("debts",), ""),
    ({"debts": [debt("", "10", "1", "1")], "monthly_budget": "100"}, ("debts", 0, "name"), ""),
    ({"debts": [debt("   ", "10", "1", "1")], "monthly_budget": "100"},
     ("debts", 0, "name"), ""),
    ({"debts": [debt("x" * 81, "10", "1", "1")], "monthly_budget": "100"},
     ("debts", 0, "name"), ""),
    ({"debts": [debt("A", "0", "1", "1")], "monthly_budget": "100"}, ("debts", 0, "balance"), ""),
    ({"debts": [debt("A", "-10", "1", "1")], "monthly_budget": "100"},
     ("debts", 0, "balance"), ""),
    ({"debts": [debt("A", "10", "101", "1")], "monthly_budget": "100"}, ("debts", 0, "apr"), ""),
    ({"debts": [debt("A", "10", "abc", "1")], "monthly_budget": "100"}, ("debts", 0, "apr"), ""),
    ({"debts": [debt("A", "10", "1", "-5")], "monthly_budget": "100"},
     ("debts", 0, "minimum_payment"), ""),
    ({"debts": [{"name": "A", "balance": "10", "apr": "1"}], "monthly_budget": "100"},
     ("debts", 0, "minimum_payment"), ""),
    ({**TWO, "monthly_budget": 300.0}, ("monthly_budget",), ""),
    ({**TWO, "monthly_budget": "1e13"}, ("monthly_budget",), ""),
    ({**TWO, "monthly_expenses": "-1"}, ("monthly_expenses",), ""),
    ({**TWO, "strategy": "avalanche"}, ("strategy",), ""),
])
def test_bad_input_names_the_field(payload: dict[str, Any], path: tuple[str | int, ...],
                                   words: str) -> None:
    with pytest.raises(ValidationError) as caught:
        run("debt-payoff", payload)
    messages: Any = caught.value.messages
    for key in path:
        messages = messages[key]
    assert messages and words in " ".join(messages)


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30),
    st.text("0129-:.,TZabe eE", max_size=12),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(["0", "0.01", "100", "5000", "100.0000", "1000000000000", "NaN", "card"]),
)
ODD_DEBTS = st.lists(st.dictionaries(st.sampled_from(["name", "balance", "apr",
                                                      "minimum_payment"]), ODD_VALUES),
                     max_size=3)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({}, optional={"debts": st.one_of(ODD_VALUES, ODD_DEBTS),
                                           "monthly_budget": ODD_VALUES,
                                           "monthly_expenses": ODD_VALUES}))
def test_odd_input_gives_a_result_or_a_validation_error(payload: dict[str, Any]) -> None:
    try:
        result = run("debt-payoff", payload)
    except ValidationError as exc:
        assert exc.messages
    else:
        assert result["worksheet"] and result["explanation"]


@pytest.mark.parametrize("budget", ["1000000000000", "2600"])
def test_a_runaway_balance_stops_early_without_overflow(budget: str) -> None:
    payload = {"debts": [debt("Loan", "999999999999", "100", "0"),
                         debt("Small", "1", "0", "0")], "monthly_budget": budget}
    if budget == "2600":
        with pytest.raises(ValidationError):
            run("debt-payoff", payload)
        return
    result = run("debt-payoff", payload)
    assert result["avalanche"]["paid_off"] is True

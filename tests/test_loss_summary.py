"""Tests for the loss-summary calculator."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError, fields

from service.calculators import run
from service.calculators.loss_summary import BORROWED, SOURCES, LossSummaryRequest

from .readability import grade_level

STORY = {
    "deposits": [{"amount": "200000", "source": "heloc", "date": "2025-03-01"},
                 {"amount": "30000.00", "source": "savings"},
                 {"amount": "20000", "source": "credit_card", "date": "2025-02-01"}],
    "withdrawals": [{"amount": "10000", "date": "2025-04-02"}],
    "balance_left": "1234.56", "fees": "2100", "liquidation_losses": "150000",
    "borrowing": [{"source": "heloc", "apr": "8.25"}],
}


def losses(result: dict[str, Any]) -> dict[str, str]:
    """Return each source's part of the loss."""
    return {item["source"]: item["loss"] for item in result["by_source"]}


@pytest.mark.parametrize(("payload", "net_loss", "split"), [
    ({"deposits": [{"amount": "1000", "source": "savings"}]}, "1000.00", {"savings": "1000.00"}),
    (STORY, "238765.44",
     {"heloc": "191012.35", "savings": "28651.85", "credit_card": "19101.24"}),
    ({"deposits": [{"amount": "100", "source": "savings"}, {"amount": "100", "source": "heloc"},
                   {"amount": "100", "source": "wire"}], "balance_left": "200"},
     "100.00", {"savings": "33.34", "heloc": "33.33", "wire": "33.33"}),
    ({"deposits": [{"amount": "500", "source": "ach"}, {"amount": "1500", "source": "ach"},
                   {"amount": "2000", "source": "debit_card"}],
      "withdrawals": [{"amount": "1000"}, {"amount": "500.50"}]},
     "2499.50", {"ach": "1249.75", "debit_card": "1249.75"}),
    ({"deposits": [{"amount": "1000", "source": "other_loan"}],
      "withdrawals": [{"amount": "1500"}]}, "-500.00", {"other_loan": "0.00"}),
])
def test_net_loss_and_split(payload: dict[str, Any], net_loss: str,
                            split: dict[str, str]) -> None:
    result = run("loss-summary", payload)
    assert result["net_loss"] == net_loss
    assert losses(result) == split


def test_story_totals_and_worksheet() -> None:
    result = run("loss-summary", STORY)
    assert (result["total_deposits"], result["total_withdrawals"], result["balance_left"]) == (
        "250000.00", "10000.00", "1234.56")
    assert result["other_trading_loss"] == "86665.44"
    assert result["borrowed_loss"] == "210113.59"
    assert [item["share_percent"] for item in result["by_source"]] == ["80.00", "12.00", "8.00"]
    assert result["period"] == {"from": "2025-02-01", "to": "2025-04-02"}
    lines = {row["line"]: row["amount"] for row in result["worksheet"]}
    assert lines["4"] == "238765.44" and lines["8a"] == "191012.35" and lines["10"] == "1375.00"
    assert all(re.fullmatch(r"-?\d+\.\d\d", row["amount"]) for row in result["worksheet"])


def test_the_whole_borrowed_sum_is_owed_not_only_its_share_of_the_loss() -> None:
    result = run("loss-summary", {
        "deposits": [{"amount": "250000", "source": "heloc"}, {"amount": "12000",
                                                                "source": "savings"}],
        "withdrawals": [{"amount": "2000"}], "balance_left": "500"})
    assert (result["borrowed_loss"], result["borrowed_to_repay"]) == ("247614.50", "250000.00")
    assert ("You still owe all $250,000 that was borrowed, not only the part of the loss it "
            "carries.") in result["explanation"]
    assert grade_level(result["explanation"]) <= 8.0


@pytest.mark.parametrize(("borrowing", "to_repay"), [
    ([], "220000.00"),
    ([{"source": "heloc", "apr": "8", "balance": "150000"}], "170000.00"),
])
def test_borrowed_to_repay_uses_a_balance_where_given(borrowing: list[dict[str, str]],
                                                      to_repay: str) -> None:
    result = run("loss-summary", {**STORY, "borrowing": borrowing})
    assert result["borrowed_to_repay"] == to_repay


def test_nothing_borrowed_nothing_to_repay() -> None:
    result = run("loss-summary", {"deposits": [{"amount": "100", "source": "savings"}]})
    assert result["borrowed_to_repay"] == "0.00"
    assert not any("borrowed" in sentence for sentence in result["explanation"])


@pytest.mark.parametrize(("borrowing", "monthly", "yearly"), [
    ([{"source": "heloc", "apr": "8.25"}], "1375.00", "16500.00"),
    ([{"source": "heloc", "apr": "9", "balance": "150000"}], "1125.00", "13500.00"),
    ([{"source": "credit_card", "apr": "29.99"}], "499.83", "5998.00"),
    ([{"source": "heloc", "apr": "9", "balance": "150000"},
      {"source": "credit_card", "apr": "29.99", "balance": "5000"}], "1249.96", "14999.50"),
    ([{"source": "other_loan", "apr": "12", "balance": "6000"}], "60.00", "720.00"),
    ([{"source": "heloc", "apr": "0"}], "0.00", "0.00"),
])
def test_monthly_interest(borrowing: list[dict[str, str]], monthly: str, yearly: str) -> None:
    result = run("loss-summary", {**STORY, "borrowing": borrowing})
    assert (result["monthly_interest"], result["yearly_interest"]) == (monthly, yearly)


def test_sources_without_a_rate_are_named() -> None:
    result = run("loss-summary", STORY)
    assert result["missing_rates"] == ["credit_card"]
    assert "No rate was given for credit cards, so that interest is not counted." in \
        result["explanation"]
    priced = run("loss-summary", {**STORY, "borrowing": [
        {"source": "heloc", "apr": "8"}, {"source": "credit_card", "apr": "24"}]})
    assert priced["missing_rates"] == []


def test_explanation_says_how_the_split_is_made() -> None:
    result = run("loss-summary", STORY)
    text = " ".join(result["explanation"])
    assert "in proportion to what each source put in" in text
    assert "gave 80% of the deposits, so it carries $191,012.35 of the loss" in text
    assert "$1,375 a month" in text
    assert result["attribution"] == "proportional to deposits"
    assert grade_level(result["explanation"]) <= 8.0


def test_a_gain_has_nothing_to_split() -> None:
    result = run("loss-summary", {"deposits": [{"amount": "1000", "source": "savings"}],
                                  "balance_left": "1250"})
    assert result["net_loss"] == "-250.00"
    assert "you are ahead by $250" in " ".join(result["explanation"])


def test_fees_larger_than_the_loss_are_explained() -> None:
    result = run("loss-summary", {"deposits": [{"amount": "1000", "source": "savings"}],
                                  "balance_left": "900", "fees": "150"})
    assert result["other_trading_loss"] == "-50.00"
    assert any("other trades made money" in sentence for sentence in result["explanation"])


money_text = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100000000"), places=2)
deposit = st.fixed_dictionaries({"amount": money_text.map(str),
                                 "source": st.sampled_from(list(SOURCES))})


@settings(deadline=None)  # no timing limits: a busy machine is not a bug
@given(st.lists(deposit, min_size=1, max_size=12), st.decimals(
    min_value=Decimal("0"), max_value=Decimal("1"), places=2))
def test_split_always_adds_up(deposits: list[dict[str, str]], kept: Decimal) -> None:
    total = sum(Decimal(item["amount"]) for item in deposits)
    left = (total * kept).quantize(Decimal("0.01"))
    result = run("loss-summary", {"deposits": deposits, "balance_left": str(left)})
    parts = [Decimal(item["loss"]) for item in result["by_source"]]
    assert sum(parts) == Decimal(result["net_loss"]) == total - left
    assert all(Decimal(0) <= part <= total - left for part in parts)
    assert sum(Decimal(item["share_percent"]) for item in result["by_source"]) == 100


def describe(schema: Schema) -> list[str]:
    """Return the names of fields, nested included, that have no description."""
    missing = []
    for name, field in schema.fields.items():
        if "description" not in field.metadata:
            missing.append(name)
        inner = field.inner if isinstance(field, fields.List) else field
        if isinstance(inner, fields.Nested):
            missing += [f"{name}.{child}" for child in describe(inner.schema)]
    return missing


def test_every_request_field_is_documented() -> None:
    assert describe(LossSummaryRequest()) == []
    assert set(BORROWED) <= set(SOURCES)


@pytest.mark.parametrize(("payload", "path"), [
    ({}, ("deposits",)),
    ({"deposits": []}, ("deposits",)),
    ({"deposits": "1000"}, ("deposits",)),
    ({"deposits": [{"amount": "-5", "source": "savings"}]}, ("deposits", 0, "amount")),
    ({"deposits": [{"amount": "0", "source": "savings"}]}, ("deposits", 0, "amount")),
    ({"deposits": [{"amount": 12.5, "source": "savings"}]}, ("deposits", 0, "amount")),
    ({"deposits": [{"amount": "1e20", "source": "savings"}]}, ("deposits", 0, "amount")),
    ({"deposits": [{"amount": "1.001", "source": "savings"}]}, ("deposits", 0, "amount")),
    ({"deposits": [{"amount": "10", "source": "lottery"}]}, ("deposits", 0, "source")),
    ({"deposits": [{"amount": "10"}]}, ("deposits", 0, "source")),
    ({"deposits": [{"amount": "10", "source": "ach", "date": "2025-02-30"}]},
     ("deposits", 0, "date")),
    ({"deposits": [{"amount": "10", "source": "ach"}], "withdrawals": [{"amount": "-1"}]},
     ("withdrawals", 0, "amount")),
    ({"deposits": [{"amount": "10", "source": "ach"}], "balance_left": "-5"}, ("balance_left",)),
    ({"deposits": [{"amount": "10", "source": "ach"}], "fees": "abc"}, ("fees",)),
    ({"deposits": [{"amount": "10", "source": "ach"}], "liquidation_losses": True},
     ("liquidation_losses",)),
    ({"deposits": [{"amount": "10", "source": "ach"}],
      "borrowing": [{"source": "heloc", "apr": "-1"}]}, ("borrowing", 0, "apr")),
    ({"deposits": [{"amount": "10", "source": "ach"}],
      "borrowing": [{"source": "heloc", "apr": "500"}]}, ("borrowing", 0, "apr")),
    ({"deposits": [{"amount": "10", "source": "ach"}],
      "borrowing": [{"source": "savings", "apr": "5"}]}, ("borrowing", 0, "source")),
    ({"deposits": [{"amount": "10", "source": "ach"}],
      "borrowing": [{"source": "heloc", "apr": "5"}, {"source": "heloc", "apr": "6"}]},
     ("borrowing",)),
    ({"deposits": [{"amount": "10", "source": "ach"}], "profit": "1"}, ("profit",)),
])
def test_bad_input_names_the_field(payload: dict[str, Any], path: tuple[str | int, ...]) -> None:
    with pytest.raises(ValidationError) as caught:
        run("loss-summary", payload)
    messages: Any = caught.value.messages
    for key in path:
        messages = messages[key]
    assert messages


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30),
    st.text("0129-:.,TZabe eE", max_size=12),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(["0", "0.01", "1000000000000", "1e12", "-0", "1,000.50", "heloc", "wire",
                     "400", "2025-07-03", "NaN", "Infinity"]),
)
ODD_ITEMS = st.lists(st.one_of(ODD_VALUES, st.dictionaries(
    st.sampled_from(["amount", "source", "date", "apr", "balance"]), ODD_VALUES)), max_size=3)


@settings(deadline=None)  # no timing limits: a busy machine is not a bug
@given(st.fixed_dictionaries({}, optional={
    **dict.fromkeys(["deposits", "withdrawals", "borrowing"], st.one_of(ODD_VALUES, ODD_ITEMS)),
    **dict.fromkeys(["balance_left", "fees", "liquidation_losses"], ODD_VALUES)}))
def test_odd_input_gives_a_result_or_a_validation_error(payload: dict[str, Any]) -> None:
    try:
        result = run("loss-summary", payload)
    except ValidationError as exc:
        assert exc.messages
    else:
        assert result["worksheet"] and result["explanation"]

"""Tests for the margin calculator."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from service.calculators import run
from service.calculators.margin import MarginRequest, liquidation_price

from .readability import grade_level


def position(side: str, entry: str, exit_price: str | None, size: str, leverage: str,
             **extra: str) -> dict[str, Any]:
    """Run the calculator on one position."""
    payload = {"side": side, "entry_price": entry, "size": size, "leverage": leverage, **extra}
    if exit_price is not None:
        payload["exit_price"] = exit_price
    return run("margin", payload)


# side, entry, exit, size, leverage, extra → margin, liquidation, net, liquidated, negative
GOLDEN = [
    (("long", "60000", "66000", "0.5", "10", {}),
     ("3000.00", "54216.87", "3000.00", False, "0.00")),
    (("long", "60000", "54000", "1", "10", {}),
     ("6000.00", "54216.87", "-6000.00", True, "0.00")),
    (("long", "60000", "50000", "1", "10", {}),
     ("6000.00", "54216.87", "-10000.00", True, "4000.00")),
    (("short", "100", "150", "100", "5", {"fees": "12.50", "funding": "-3"}),
     ("2000.00", "119.52", "-5009.50", True, "3009.50")),
    (("short", "100", "80", "10", "2", {"maintenance_margin_rate": "1"}),
     ("500.00", "148.51", "200.00", False, "0.00")),
    (("long", "100", "1", "10", "1", {}),
     ("1000.00", "0.00", "-990.00", False, "0.00")),
    (("short", "100", "250", "1", "1", {"maintenance_margin_rate": "0"}),
     ("100.00", "200.00", "-150.00", True, "50.00")),
    (("long", "60000", None, "1", "10", {}),
     ("6000.00", "54216.87", "-5783.13", True, "0.00")),
    (("long", "2500", "2600", "4", "25", {"fees": "8", "funding": "2.5"}),
     ("400.00", "2409.64", "389.50", False, "0.00")),
    (("long", "0.00002", "0.000019", "100000000", "20", {}),
     ("100.00", "0.00001908", "-100.00", True, "0.00")),
]


@pytest.mark.parametrize(("given_", "expected"), GOLDEN)
def test_golden(given_: tuple[Any, ...], expected: tuple[Any, ...]) -> None:
    side, entry, exit_price, size, leverage, extra = given_
    result = position(side, entry, exit_price, size, leverage, **extra)
    found = (result["initial_margin"], result["liquidation_price"], result["net_pnl"],
             result["liquidated"], result["negative_balance"])
    assert found == expected


def test_worksheet_adds_up() -> None:
    result = position("short", "100", "150", "100", "5", fees="12.50", funding="-3")
    lines = {row["line"]: Decimal(row["amount"]) for row in result["worksheet"]}
    assert lines["1"] == 10000 and lines["2"] == 2000
    assert lines["8"] == lines["5"] - lines["6"] - lines["7"]
    assert lines["9"] == lines["2"] + lines["8"] == Decimal(result["ending_balance"])
    assert lines["10"] == -lines["9"] == Decimal("3009.50")
    assert (result["return_on_margin_percent"], result["price_move_percent"]) == (
        "-250.48", "50.00")


def test_closing_at_liquidation_leaves_the_maintenance_margin() -> None:
    result = position("long", "60000", None, "1", "10")
    assert result["exit_price"] == result["liquidation_price"]
    assert result["ending_balance"] == "216.87"  # 0.4% of 54,216.87
    assert result["liquidation_move_percent"] == "-9.64"


def test_a_short_is_explained_and_a_loss_beyond_the_deposit_too() -> None:
    text = " ".join(position("short", "100", "150", "100", "5")["explanation"])
    assert "A short is a bet that the price will fall" in text
    assert "no top to how high a price can go" in text
    assert "A loss can be bigger than the deposit" in text
    assert "$3,000 more than the deposit" in text
    assert "each exchange has its own formula" in text
    assert "would have been liquidated" in text


def test_a_profitable_long_is_explained_plainly() -> None:
    result = position("long", "60000", "66000", "0.5", "10")
    text = " ".join(result["explanation"])
    assert "A long is a bet that the price will rise" in text
    assert "profit of $3,000" in text and "more than the deposit" not in text
    assert "liquidated" not in text
    assert grade_level(result["explanation"]) <= 8.0


def test_a_long_at_1x_cannot_be_liquidated() -> None:
    result = position("long", "100", None, "10", "1")
    assert (result["liquidation_price"], result["liquidated"]) == ("0.00", False)
    assert result["net_pnl"] == "-1000.00" and result["negative_balance"] == "0.00"
    text = " ".join(result["explanation"])
    assert "cannot lose more than the deposit" in text
    assert "If the price fell to zero, that gives a loss of $1,000" in text
    assert "A loss can be bigger than the deposit" not in text


def test_a_short_at_1x_can_still_lose_more_than_the_deposit() -> None:
    result = position("short", "100", "250", "1", "1", maintenance_margin_rate="0")
    text = " ".join(result["explanation"])
    assert "because a price can more than double" in text
    assert "Here the loss is $50 more than the deposit" in text


def test_prices_in_sentences_are_formatted_for_people() -> None:
    text = " ".join(position("long", "60000", None, "1", "10")["explanation"])
    assert "near $54,216.87, a move of 9.64% from the entry" in text
    assert "Closing at the liquidation price gives a loss of $5,783.13" in text
    tiny = " ".join(position("long", "0.00002", "0.000019", "100000000", "20")["explanation"])
    assert "near $0.00001908" in tiny and "Closing at $0.000019 gives a loss of $100" in tiny


def test_explanation_reading_level_for_a_wiped_out_short() -> None:
    result = position("short", "100", "150", "100", "5")
    assert grade_level(result["explanation"]) <= 8.0


prices = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("200000"), places=2)
leverages = st.integers(min_value=1, max_value=200).map(Decimal)
rates = st.decimals(min_value=Decimal("0"), max_value=Decimal("0.49"), places=2)  # below 100/200


@settings(deadline=None)  # no timing limits: a busy machine is not a bug
@given(st.sampled_from(["long", "short"]), prices, leverages, rates)
def test_equity_at_the_liquidation_price_is_the_maintenance_margin(
        side: str, entry: Decimal, leverage: Decimal, rate: Decimal) -> None:
    fraction = rate / 100
    price = liquidation_price(side, entry, leverage, fraction)
    sign = 1 if side == "long" else -1
    equity = entry / leverage + sign * (price - entry)
    assert abs(equity - fraction * price) < Decimal("1E-15") * entry
    assert (price < entry) if side == "long" else (price > entry)


@settings(deadline=None)  # no timing limits: a busy machine is not a bug
@given(st.sampled_from(["long", "short"]), prices, prices, leverages)
def test_outputs_agree_with_each_other(side: str, entry: Decimal, exit_price: Decimal,
                                       leverage: Decimal) -> None:
    result = position(side, str(entry), str(exit_price), "2", str(leverage), fees="1.25")
    ending = Decimal(result["ending_balance"])
    assert Decimal(result["negative_balance"]) == max(-ending, Decimal(0))
    assert Decimal(result["net_pnl"]) == Decimal(result["price_pnl"]) - Decimal("1.25")
    liquidation = Decimal(result["liquidation_price"])
    beyond = exit_price <= liquidation if side == "long" else exit_price >= liquidation
    if abs(exit_price - liquidation) > Decimal("0.01"):
        assert result["liquidated"] is beyond
    mirror = position("short" if side == "long" else "long", str(entry), str(exit_price), "2",
                      str(leverage))
    assert Decimal(mirror["price_pnl"]) == -Decimal(result["price_pnl"])


@settings(deadline=None)  # no timing limits: a busy machine is not a bug
@given(prices, st.integers(min_value=1, max_value=199))
def test_more_leverage_brings_liquidation_closer(entry: Decimal, leverage: int) -> None:
    rate = Decimal("0.001")
    lower, higher = Decimal(leverage), Decimal(leverage + 1)
    assert liquidation_price("long", entry, lower, rate) < \
        liquidation_price("long", entry, higher, rate)
    assert liquidation_price("short", entry, lower, rate) > \
        liquidation_price("short", entry, higher, rate)


def test_every_request_field_is_documented() -> None:
    assert [name for name, field in MarginRequest().fields.items()
            if "description" not in field.metadata] == []


BASE = {"side": "long", "entry_price": "100", "exit_price": "90", "size": "1", "leverage": "10"}


@pytest.mark.parametrize(("change", "field"), [
    ({"side": "sideways"}, "side"),
    ({"side": None}, "side"),
    ({"entry_price": "0"}, "entry_price"),
    ({"entry_price": "-100"}, "entry_price"),
    ({"entry_price": 100.5}, "entry_price"),
    ({"entry_price": "1e12"}, "entry_price"),
    ({"exit_price": "abc"}, "exit_price"),
    ({"exit_price": "0"}, "exit_price"),
    ({"size": "0"}, "size"),
    ({"size": "-1"}, "size"),
    ({"size": "100000000000", "entry_price": "100000"}, "size"),
    ({"leverage": "0.5"}, "leverage"),
    ({"leverage": "201"}, "leverage"),
    ({"leverage": "10x"}, "leverage"),
    ({"maintenance_margin_rate": "60"}, "maintenance_margin_rate"),
    ({"maintenance_margin_rate": "-1"}, "maintenance_margin_rate"),
    ({"leverage": "100", "maintenance_margin_rate": "1"}, "maintenance_margin_rate"),
    ({"fees": "-1"}, "fees"),
    ({"funding": "1e15"}, "funding"),
    ({"price": "1"}, "price"),
])
def test_bad_input_names_the_field(change: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        run("margin", {**BASE, **change})
    assert field in caught.value.messages


@pytest.mark.parametrize("missing", ["side", "entry_price", "size", "leverage"])
def test_required_fields(missing: str) -> None:
    payload = {key: value for key, value in BASE.items() if key != missing}
    with pytest.raises(ValidationError) as caught:
        run("margin", payload)
    assert missing in caught.value.messages


ODD_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-10**30, 10**30),
    st.text("0129-:.,TZabe eE", max_size=12),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.sampled_from(["long", "short", "1", "200", "0.5", "49.9999", "1000000000", "0.00000001",
                     "0.000000000000000001", "1000000000000", "-1000000000000", "NaN"]),
)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from([*BASE, "maintenance_margin_rate", "fees", "funding"]),
                       ODD_VALUES))
def test_odd_input_gives_a_result_or_a_validation_error(change: dict[str, Any]) -> None:
    try:
        result = run("margin", {**BASE, **change})
    except ValidationError as exc:
        assert exc.messages
    else:
        assert len(result["worksheet"]) == 10 and result["explanation"]

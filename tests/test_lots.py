"""The `lots` calculator: golden cases, bad input, Form 8949 CSV and properties."""

from __future__ import annotations

import csv
import io
import json
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import ValidationError

from service.calculators import run
from service.calculators._lots_csv import safe_cell
from service.calculators.lots import form_8949_csv


def tx(ident: str, time: str, kind: str, quantity: str, value: str | None = None,
       asset: str = "BTC", wallet: str = "A", **extra: Any) -> dict[str, Any]:
    """Return one transaction; a bare date gets 12:00 UTC."""
    row: dict[str, Any] = {"id": ident, "time": time if "T" in time else f"{time}T12:00:00Z",
                           "type": kind, "asset": asset, "quantity": quantity, "wallet": wallet}
    if value is not None:
        row["usd_value"] = value
    row.update(extra)
    return row


def lots(transactions: list[dict[str, Any]], **request: Any) -> dict[str, Any]:
    """Run the calculator."""
    return run("lots", {"transactions": transactions, **request})


def picked(result: dict[str, Any], *names: str) -> list[tuple[Any, ...]]:
    """Return chosen fields of each disposal row."""
    return [tuple(row[name] for name in names) for row in result["disposals"]]


PER_WALLET = [
    tx("a", "2024-01-05", "buy", "1", "20000", wallet="exchange A"),
    tx("b", "2024-01-06", "buy", "1", "25000", wallet="exchange B"),
]


@pytest.mark.parametrize(("sold", "gain", "lot"), [
    ("2025-03-01", "5000.00", "b"),   # per wallet: only B's lot may be used
    ("2024-12-31", "10000.00", "a"),  # universal (pooled) FIFO before 2025
])
def test_per_wallet_basis_from_2025(sold: str, gain: str, lot: str) -> None:
    result = lots([*PER_WALLET, tx("s", sold, "sell", "1", "30000", wallet="exchange B")])
    assert picked(result, "gain", "lot", "wallet") == [(gain, lot, "exchange B")]
    assert result["holdings"][0]["cost_basis"] == ("20000.00" if lot == "b" else "25000.00")


@pytest.mark.parametrize(("bought", "sold", "term", "box"), [
    ("2024-06-15", "2025-06-15", "short", "I"),
    ("2024-06-15", "2025-06-16", "long", "L"),
    ("2024-02-29", "2025-02-28", "short", "I"),
    ("2024-02-29", "2025-03-01", "long", "L"),
    ("2022-03-10", "2023-03-10", "short", "C"),
    ("2022-03-10", "2023-03-11", "long", "F"),
])
def test_holding_period(bought: str, sold: str, term: str, box: str) -> None:
    result = lots([tx("b", bought, "buy", "1", "100"), tx("s", sold, "sell", "1", "150")])
    assert picked(result, "acquired", "disposed", "term", "form_8949_box") == [
        (bought, sold, term, box)]


def test_holding_period_uses_utc_dates() -> None:
    result = lots([tx("b", "2024-06-15T23:30:00-05:00", "buy", "1", "100"),
                   tx("s", "2025-06-16T12:00:00Z", "sell", "1", "150")])
    assert picked(result, "acquired", "term") == [("2024-06-16", "short")]


def test_fees_add_to_basis_and_come_off_proceeds() -> None:
    result = lots([tx("b", "2024-01-01", "buy", "1", "100", fee_usd="1.25"),
                   tx("s", "2024-02-01", "sell", "1", "150", fee_usd="2.50")])
    assert picked(result, "proceeds", "cost_basis", "gain") == [("147.50", "101.25", "46.25")]


@pytest.mark.parametrize(("method", "basis", "lot"), [
    ("fifo", "10.00", "cheap-old"), ("lifo", "20.00", "mid-new"), ("hifo", "30.00", "dear"),
])
def test_methods(method: str, basis: str, lot: str) -> None:
    rows = [tx("cheap-old", "2024-01-01", "buy", "1", "10"),
            tx("dear", "2024-01-02", "buy", "1", "30"),
            tx("mid-new", "2024-01-03", "buy", "1", "20"),
            tx("s", "2024-02-01", "sell", "1", "50")]
    result = lots(rows, method=method)
    assert picked(result, "cost_basis", "lot") == [(basis, lot)]
    assert Decimal(result["holdings"][0]["cost_basis"]) == 60 - Decimal(basis)


def test_a_sale_split_over_lots_shares_proceeds_to_the_cent() -> None:
    rows = [tx("b1", "2024-01-01", "buy", "1", "10"), tx("b2", "2024-01-02", "buy", "2", "40"),
            tx("s", "2024-02-01", "sell", "2", "100.01")]
    result = lots(rows)
    assert picked(result, "lot", "quantity", "proceeds", "cost_basis") == [
        ("b1", "1", "50.01", "10.00"), ("b2", "1", "50.00", "20.00")]
    assert result["holdings"] == [{"asset": "BTC", "wallet": "A", "quantity": "1",
                                   "cost_basis": "20.00", "lots": 1}]


def test_specific_identification() -> None:
    rows = [tx("x", "2024-01-01", "buy", "1", "10"), tx("y", "2024-01-02", "buy", "1", "30"),
            tx("s", "2024-02-01", "sell", "1.5", "60", lots=["y"])]
    result = lots(rows)
    assert picked(result, "lot", "quantity", "cost_basis") == [("y", "1", "30.00"),
                                                              ("x", "0.5", "5.00")]
    assert result["warnings"] == []


def test_specific_identification_stays_in_the_wallet_from_2025() -> None:
    rows = [tx("x", "2024-01-01", "buy", "1", "10", wallet="A"),
            tx("y", "2024-01-02", "buy", "1", "30", wallet="B"),
            tx("s", "2025-02-01", "sell", "1", "60", wallet="A", lots=["y"])]
    result = lots(rows)
    assert picked(result, "lot") == [("x",)]
    assert [w["code"] for w in result["warnings"]] == ["unknown_lot"]


def test_transfer_keeps_date_and_basis_and_absorbs_the_network_fee() -> None:
    rows = [tx("b", "2023-01-10", "buy", "1", "16000", wallet="coinbase"),
            tx("o", "2024-05-01T10:00:00Z", "transfer_out", "1", wallet="coinbase"),
            tx("i", "2024-05-01T10:40:00Z", "transfer_in", "0.9995", wallet="ledger"),
            tx("s", "2025-05-01", "sell", "0.5", "30000", wallet="ledger")]
    result = lots(rows)
    assert picked(result, "acquired", "term", "lot", "wallet") == [
        ("2023-01-10", "long", "b", "ledger")]
    assert result["disposals"][0]["cost_basis"] == "8004.00"
    assert result["holdings"] == [{"asset": "BTC", "wallet": "ledger", "quantity": "0.4995",
                                   "cost_basis": "7996.00", "lots": 1}]
    assert result["warnings"] == []


def test_transfer_id_pairs_explicitly() -> None:
    rows = [tx("b", "2024-01-01", "buy", "2", "100", wallet="A"),
            tx("o", "2024-03-01", "transfer_out", "1", wallet="A", transfer_id="w1"),
            tx("decoy", "2024-03-01T12:30:00Z", "transfer_in", "1", "70", wallet="C"),
            tx("i", "2024-03-20", "transfer_in", "1", wallet="B", transfer_id="w1")]
    result = lots(rows)
    held = {row["wallet"]: row["cost_basis"] for row in result["holdings"]}
    assert held == {"A": "50.00", "B": "50.00", "C": "70.00"}
    assert [(w["code"], w["transaction"]) for w in result["warnings"]] == [
        ("unmatched_transfer_in", "decoy")]


def test_unmatched_transfers_warn() -> None:
    rows = [tx("b", "2024-01-01", "buy", "1", "100"),
            tx("o", "2024-02-01", "transfer_out", "1", wallet="A"),
            tx("i", "2024-06-01", "transfer_in", "2", wallet="B")]
    result = lots(rows)
    assert [w["code"] for w in result["warnings"]] == ["unmatched_transfer_out",
                                                       "unmatched_transfer_in"]
    assert result["holdings"] == [{"asset": "BTC", "wallet": "B", "quantity": "2",
                                   "cost_basis": "0.00", "lots": 1}]
    assert result["worksheet"][-1]["amount"] == "100.00"


def test_income_is_listed_and_starts_a_lot() -> None:
    rows = [tx("r1", "2024-03-01", "income", "0.1", "5000", asset="ETH"),
            tx("r2", "2025-03-01", "income", "0.2", "600.55", asset="ETH"),
            tx("s", "2025-04-01", "sell", "0.3", "900", asset="ETH")]
    result = lots(rows, tax_year=2025)
    assert result["income_total"] == "600.55"
    assert result["income"] == [{"id": "r2", "asset": "ETH", "wallet": "A", "quantity": "0.2",
                                 "date": "2025-03-01", "usd_value": "600.55"}]
    assert picked(result, "lot", "cost_basis", "term") == [("r1", "5000.00", "long"),
                                                          ("r2", "600.55", "short")]


def test_missing_basis_gives_zero_basis_row_and_warning() -> None:
    result = lots([tx("b", "2024-01-01", "buy", "1", "100", wallet="A"),
                   tx("s", "2025-02-01", "sell", "1", "500", wallet="B")])
    assert picked(result, "acquired", "cost_basis", "gain", "term", "lot") == [
        (None, "0.00", "500.00", "short", None)]
    [warning] = result["warnings"]
    assert warning["code"] == "missing_basis" and warning["transaction"] == "s"
    assert "Other wallets hold 1 BTC" in warning["message"]


def test_fee_paid_in_crypto_is_a_disposal() -> None:
    result = lots([tx("b", "2024-01-01", "buy", "1", "100"),
                   tx("f", "2024-01-02", "fee", "0.01", "1.50")])
    assert picked(result, "type", "proceeds", "cost_basis", "gain") == [
        ("fee", "1.50", "1.00", "0.50")]


def test_tax_year_filters_disposals_and_stops_holdings_at_year_end() -> None:
    rows = [tx("b", "2023-01-01", "buy", "3", "300"), tx("s1", "2023-06-01", "sell", "1", "50"),
            tx("s2", "2024-06-01", "sell", "1", "500"), tx("b2", "2025-01-02", "buy", "5", "5")]
    result = lots(rows, tax_year=2024)
    assert picked(result, "id", "gain", "term") == [("s2", "400.00", "long")]
    assert result["totals"]["long_term"] == {"proceeds": "500.00", "cost_basis": "100.00",
                                             "gain": "400.00"}
    assert result["holdings"][0]["quantity"] == "1"
    assert result["schedule_d"] == {"line_10": {"proceeds": "500.00", "cost_basis": "100.00",
                                                "adjustment": "0.00", "gain": "400.00"}}


@pytest.mark.parametrize(("reported", "year", "boxes"), [
    ("basis_reported", "2025", "GJ"), ("basis_not_reported", "2025", "HK"),
    ("none", "2025", "IL"), ("basis_reported", "2024", "AD"),
])
def test_form_8949_boxes(reported: str, year: str, boxes: str) -> None:
    rows = [tx("old", "2020-01-01", "buy", "1", "1"), tx("new", f"{year}-01-02", "buy", "1", "1"),
            tx("s", f"{year}-06-01", "sell", "2", "10", form_1099=reported)]
    assert "".join(r[0] for r in picked(lots(rows, method="lifo"), "form_8949_box")) == boxes


def test_result_has_worksheet_and_explanation() -> None:
    result = lots([tx("b", "2024-01-01", "buy", "1", "100"),
                   tx("s", "2024-02-01", "sell", "1", "90")])
    assert {"disposals", "totals", "holdings", "warnings", "worksheet",
            "explanation"} <= set(result)
    lines = {line["label"]: line["amount"] for line in result["worksheet"]}
    assert lines["Short-term gain or loss (line 1 minus line 2)"] == "-10.00"
    assert any("first in, first out" in sentence for sentence in result["explanation"])


@pytest.mark.parametrize(("change", "where"), [
    ({"time": "2024-01-05 10:00"}, ("time",)),
    ({"time": None}, ("time",)),
    ({"type": "swap"}, ("type",)),
    ({"quantity": 0.5}, ("quantity",)),
    ({"quantity": "-1"}, ("quantity",)),
    ({"quantity": "0"}, ("quantity",)),
    ({"quantity": "0.1234567890123456789"}, ("quantity",)),
    ({"usd_value": "NaN"}, ("usd_value",)),
    ({"usd_value": None}, ("usd_value",)),
    ({"asset": ""}, ("asset",)),
    ({"colour": "red"}, ("colour",)),
    ({"lots": ["b"]}, ("lots",)),
    ({"transfer_id": "x"}, ("transfer_id",)),
    ({"form_1099": "1099-B"}, ("form_1099",)),
    ({"type": "income", "fee_usd": "1"}, ("fee_usd",)),
])
def test_bad_transactions_name_the_field(change: dict[str, Any], where: tuple[str, ...]) -> None:
    good = tx("g", "2024-01-01", "buy", "1", "10")
    bad = {**tx("b", "2024-01-02", "buy", "1", "10"), **change}
    with pytest.raises(ValidationError) as caught:
        lots([good, bad])
    assert caught.value.messages == {"transactions": {1: {where[0]: caught.value.messages[
        "transactions"][1][where[0]]}}}
    assert all(isinstance(m, str) and m for m in caught.value.messages["transactions"][1][where[0]])


@pytest.mark.parametrize(("request_", "field"), [
    ({"transactions": {"a": 1}}, "transactions"),
    ({"transactions": [], "method": "average"}, "method"),
    ({"transactions": [], "tax_year": 1999}, "tax_year"),
    ({}, "transactions"),
    ({"transactions": [tx("a", "2024-01-01", "buy", "1", "1"),
                       tx("a", "2024-01-02", "buy", "1", "1")]}, "transactions"),
    ({"transactions": [tx("o", "2024-01-01", "transfer_out", "1", transfer_id="t"),
                       tx("p", "2024-01-01", "transfer_out", "1", transfer_id="t")]},
     "transactions"),
])
def test_bad_requests_name_the_field(request_: dict[str, Any], field: str) -> None:
    with pytest.raises(ValidationError) as caught:
        run("lots", request_)
    assert list(caught.value.messages) == [field]


def test_duplicate_id_message_names_the_first_use() -> None:
    with pytest.raises(ValidationError) as caught:
        lots([tx("a", "2024-01-01", "buy", "1", "1"), tx("a", "2024-01-02", "buy", "1", "1")])
    assert caught.value.messages == {"transactions": {1: {"id": [
        "This id is already used by transaction 0."]}}}


def test_json_decimals_and_integers_are_accepted() -> None:
    result = lots([tx("b", "2024-01-01", "buy", Decimal("1.5"), 300),  # type: ignore[arg-type]
                   tx("s", "2024-01-02", "sell", 1, Decimal("250.005"))])  # type: ignore
    assert picked(result, "proceeds", "cost_basis") == [("250.01", "200.00")]


@pytest.mark.parametrize(("cell", "amount", "expected"), [
    ("=HYPERLINK(\"x\")", False, "'=HYPERLINK(\"x\")"), ("+1", False, "'+1"),
    ("@SUM(A1)", False, "'@SUM(A1)"), ("-5.00", True, "-5.00"), ("-5.00", False, "'-5.00"),
    ("-1+2", True, "'-1+2"), ("BTC", False, "BTC"), ("\tx", False, "'\tx"),
])
def test_safe_cell(cell: str, amount: bool, expected: str) -> None:
    assert safe_cell(cell, amount) == expected


def test_form_8949_csv() -> None:
    result = lots([tx("b", "2024-01-01", "buy", "1", "100"),
                   tx("s", "2024-02-01", "sell", "1", "90"),
                   tx("t", "2024-02-02", "sell", "1", "5", asset="=EVIL")])
    rows = list(csv.reader(io.StringIO(form_8949_csv(result))))
    assert rows[0][1:] == ["(a) Description of property", "(b) Date acquired",
                           "(c) Date sold or disposed of", "(d) Proceeds (sales price)",
                           "(e) Cost or other basis", "(f) Code(s)",
                           "(g) Amount of adjustment", "(h) Gain or (loss)"]
    assert rows[1] == ["C", "1 BTC", "2024-01-01", "2024-02-01", "90.00", "100.00", "", "",
                       "-10.00"]
    assert rows[2][:3] == ["C", "1 =EVIL", "VARIOUS"]
    crafted = {"disposals": [{**result["disposals"][0], "quantity": "=1+1", "gain": "-1+1"}]}
    cells = list(csv.reader(io.StringIO(form_8949_csv(crafted))))[1]
    assert cells[1].startswith("'=") and cells[8] == "'-1+1"


# Properties -------------------------------------------------------------------------------

_EVENTS = st.lists(st.tuples(st.sampled_from(["buy", "buy", "income", "sell", "move"]),
                             st.integers(1, 300), st.integers(0, 99_999),
                             st.sampled_from(["A", "B"]), st.integers(0, 400)),
                   min_size=1, max_size=30)


def _ledger(events: list[tuple[str, int, int, str, int]]) -> list[dict[str, Any]]:
    """Turn drawn events into transactions with distinct times from late 2024 on."""
    start = datetime(2024, 10, 1, tzinfo=UTC)
    rows = []
    for number, (kind, units, cents, wallet, fee) in enumerate(events):
        moment = start + timedelta(days=number * 7, seconds=units)
        if kind == "move":
            rows.extend(_move(number, moment, units, cents, wallet))
            continue
        row = tx(f"t{number}", moment.strftime("%Y-%m-%dT%H:%M:%SZ"), kind,
                 str(Decimal(units) / 100), str(Decimal(cents) / 100), wallet=wallet)
        if kind != "income":
            row["fee_usd"] = str(Decimal(fee) / 100)
        rows.append(row)
    return rows


def _move(number: int, moment: datetime, units: int, lost: int, wallet: str) -> list[Any]:
    """Return a transfer to the other wallet; up to 5% may be lost to the network fee."""
    sent = Decimal(units) / 100
    received = sent - (sent * (lost % 6) / 100).quantize(Decimal("0.0001"))
    later = moment + timedelta(minutes=30)
    return [tx(f"o{number}", moment.strftime("%Y-%m-%dT%H:%M:%SZ"), "transfer_out", str(sent),
               wallet=wallet),
            tx(f"i{number}", later.strftime("%Y-%m-%dT%H:%M:%SZ"), "transfer_in", str(received),
               wallet="B" if wallet == "A" else "A")]


def _total(rows: list[dict[str, Any]], name: str) -> Decimal:
    """Sum one money column."""
    return sum((Decimal(row[name]) for row in rows), Decimal(0))


@settings(max_examples=150, deadline=None)
@given(_EVENTS, st.sampled_from(["fifo", "lifo", "hifo"]))
def test_basis_and_proceeds_are_conserved(events: list[Any], method: str) -> None:
    rows = _ledger(events)
    result = lots(rows, method=method)
    acquired = sum((Decimal(r["usd_value"]) + Decimal(r.get("fee_usd", 0))
                    for r in rows if r["type"] in ("buy", "income")), Decimal(0))
    assert not [w for w in result["warnings"] if "unmatched" in w["code"]]
    assert _total(result["disposals"], "cost_basis") + _total(result["holdings"],
                                                              "cost_basis") == acquired
    sold = sum((Decimal(r["usd_value"]) - Decimal(r["fee_usd"])
                for r in rows if r["type"] == "sell"), Decimal(0))
    assert _total(result["disposals"], "proceeds") == sold
    totals = result["totals"]
    assert Decimal(totals["short_term"]["gain"]) + Decimal(totals["long_term"]["gain"]) == \
        _total(result["disposals"], "gain")


@settings(max_examples=100, deadline=None)
@given(_EVENTS, st.sampled_from(["fifo", "lifo", "hifo"]), st.randoms(use_true_random=False))
def test_result_does_not_depend_on_row_order(events: list[Any], method: str,
                                            shuffler: random.Random) -> None:
    rows = _ledger(events)
    shuffled = rows[:]
    shuffler.shuffle(shuffled)
    assert lots(shuffled, method=method) == lots(rows, method=method)


@pytest.mark.parametrize("enabled", [True, False])
def test_garbage_collector_state_is_restored(enabled: bool) -> None:
    import gc

    (gc.enable if enabled else gc.disable)()
    try:
        lots([tx("b", "2024-01-01", "buy", "1", "1"), tx("s", "2024-01-02", "sell", "1", "2")])
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


_DROP = object()
_EDGES: dict[str, list[Any]] = {
    "id": ["a", " a", "", 5, None, _DROP, "x" * 101, ["a"]],
    "time": ["2024-01-05T10:00:00Z", "2024-01-05", "2024-01-05T10:00:00", "1969-12-31", "x",
             None, "2024-01-05T10:00:00+02:00", "2101-01-01T00:00:00Z", 5],
    "type": ["buy", "sell", "income", "fee", "transfer_in", "transfer_out", "swap"],
    "asset": ["BTC", "btc", "A B", "", "ÄB", None, ["BTC"]],
    "quantity": ["1", "0", "00.0", "-1", "1e3", "1,000", "0.1234567890123456789",
                 "1234567890123", " 1", 1, 0.5, None, "٠", "٣", "1\n2"],
    "usd_value": ["10", "0", "-1", "NaN", "1e3", 1, None, _DROP, "1\n2", "1234567890123"],
    "fee_usd": ["0", "1", "1.5", "-1", 0.5, None, _DROP, "0.00", ""],
    "wallet": ["A", " A", "", None, 3, _DROP],
    "lots": [["a"], _DROP, _DROP],
}


@settings(max_examples=1500, deadline=None)
@given(st.sampled_from(_EDGES["type"]),
       st.dictionaries(st.sampled_from(sorted(_EDGES)), st.integers(0, 14), max_size=2))
def test_fast_path_accepts_only_what_the_full_check_accepts(kind: str,
                                                            changes: dict[str, int]) -> None:
    from service.calculators._lots_checks import check_row
    from service.calculators._lots_input import _fast

    row = {**tx("a", "2024-01-01", kind, "1", "10"), "fee_usd": "0"}
    for name, pick in changes.items():
        edges = _EDGES[name]
        row[name] = edges[pick % len(edges)]
    row = {name: value for name, value in row.items() if value is not _DROP}
    if _fast(row) is not None:
        assert check_row(row) == {}


def test_hifo_with_pieces_of_one_lot_in_one_wallet() -> None:
    rows = [tx("b", "2024-01-01", "buy", "2", "100", wallet="A"),
            tx("o1", "2024-02-01T10:00:00Z", "transfer_out", "1", wallet="A"),
            tx("i1", "2024-02-01T10:10:00Z", "transfer_in", "1", wallet="B"),
            tx("o2", "2024-02-02T10:00:00Z", "transfer_out", "1", wallet="A"),
            tx("i2", "2024-02-02T10:10:00Z", "transfer_in", "1", wallet="B"),
            tx("s", "2025-03-01", "sell", "2", "300", wallet="B")]
    result = lots(rows, method="hifo")
    assert picked(result, "lot", "quantity", "cost_basis") == [("b", "1", "50.00"),
                                                              ("b", "1", "50.00")]


def test_transfer_in_recorded_before_its_transfer_out_waits_for_it() -> None:
    rows = [tx("b", "2023-01-01", "buy", "1", "100", wallet="A"),
            tx("i", "2024-03-01T09:59:00Z", "transfer_in", "1", wallet="B", transfer_id="x"),
            tx("o", "2024-03-01T10:00:00Z", "transfer_out", "1", wallet="A", transfer_id="x"),
            tx("s", "2025-03-01", "sell", "1", "300", wallet="B")]
    result = lots(rows)
    assert picked(result, "lot", "acquired", "cost_basis", "term") == [
        ("b", "2023-01-01", "100.00", "long")]
    assert result["warnings"] == []


def _odd_ledger(events: list[Any], changes: list[tuple[int, str, int]]) -> list[Any]:
    """Return the drawn ledger with each change's field set to one of its edge values."""
    rows = _ledger(events)
    for position, name, pick in changes:
        edges = _EDGES[name]
        rows[position % len(rows)][name] = edges[pick % len(edges)]
    return [{k: v for k, v in row.items() if v is not _DROP} for row in rows]


@settings(max_examples=200, deadline=None)
@given(_EVENTS, st.lists(st.tuples(st.integers(0, 60), st.sampled_from(sorted(_EDGES)),
                                   st.integers(0, 14)), max_size=4),
       st.sampled_from(["fifo", "lifo", "hifo"]))
def test_odd_values_give_a_result_or_a_validation_error(
        events: list[Any], changes: list[tuple[int, str, int]], method: str) -> None:
    rows = _odd_ledger(events, changes)
    try:
        result = lots(rows, method=method)
    except ValidationError as exc:
        assert set(exc.messages) == {"transactions"}
        return
    assert {"disposals", "totals", "holdings", "warnings"} <= set(result)


@settings(max_examples=400, deadline=None)
@given(_EVENTS, st.lists(st.tuples(st.integers(0, 60), st.sampled_from(sorted(_EDGES)),
                                   st.integers(0, 14)), max_size=3),
       st.integers(1, 7))
def test_the_column_check_gives_the_row_check_ledger_or_steps_aside(
        events: list[Any], changes: list[tuple[int, str, int]], chunk: int) -> None:
    """A plain list checked column by column (in chunks) gives the very same ledger."""
    from service.calculators import _lots_columns
    from service.calculators._lots_input import InvalidTransactions, _row_by_row

    rows = _odd_ledger(events, changes)
    if len(rows) > 1 and chunk == 7:
        rows[-1]["id"] = rows[0].get("id")  # a repeated id, maybe in another chunk
    was = _lots_columns._CHUNK
    _lots_columns._CHUNK = chunk
    try:
        columns = _lots_columns.plain_ledger(rows)
    finally:
        _lots_columns._CHUNK = was
    try:
        expected = _row_by_row(rows)
    except InvalidTransactions:
        assert columns is None
        return
    assert columns is None or columns == expected


def test_a_plain_ledger_takes_the_column_check() -> None:
    from service.calculators._lots_columns import plain_ledger
    from service.calculators._lots_input import _row_by_row

    rows = [tx("b", "2024-01-01", "buy", "2", "100", fee_usd="1.50"),
            {"time": "2024-01-02T00:00:00Z", "type": "transfer_out", "asset": "BTC",
             "quantity": "1"},
            tx("s", "2024-02-01", "sell", "1", "80", wallet="default")]
    ledger = plain_ledger(rows)
    assert ledger is not None and ledger == _row_by_row(rows)
    assert ledger.transfers == [1] and ledger.rows[1][7] == "#1"


@pytest.mark.parametrize("request_extra", [{}, {"method": "hifo", "tax_year": 2025}])
def test_the_streamed_command_output_is_the_calculator_result(request_extra: dict[str, Any]
                                                              ) -> None:
    from service.calculators import _common, get
    from service.calculators import lots as calculator

    wallet = 'Joint "savings" \\ 貯金'
    rows = [tx("b1", "2024-01-01", "buy", "1", "100", wallet=wallet),
            tx('s"1', "2025-02-01", "sell", "3", "450", wallet=wallet),  # 2 short: no basis
            tx("i", "2025-03-01", "income", "0.5", "60"),
            {"time": "2025-04-01", "type": "fee", "asset": "btc", "quantity": 1,  # not plain
             "usd_value": "10", "form_1099": "basis_reported"}]
    request = {"transactions": rows, **request_extra}
    text = json.dumps(request)
    out = io.StringIO()
    calculator.write(_common.load(get("lots").request(), calculator.parse_request(text)), out)
    streamed = json.loads(out.getvalue(), parse_float=Decimal)
    assert streamed == run("lots", json.loads(text, parse_float=Decimal))
    assert list(streamed) == list(run("lots", json.loads(text)))
    assert any(row["acquired"] is None for row in streamed["disposals"])


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="0123456789.٣²-+eE _\n", max_size=34))
def test_plain_amounts_are_what_the_pattern_says(text: str) -> None:
    import re

    from service.calculators._lots_input import _plain

    assert _plain(text) == bool(re.fullmatch(r"[0-9]{1,12}(?:\.[0-9]{1,18})?", text))


@settings(max_examples=3000, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="0123456789.٣\n x", max_size=24),
                          st.from_regex(r"[0-9]{1,14}(\.[0-9]{0,20})?", fullmatch=True)),
                max_size=4), st.booleans())
def test_the_column_check_of_amounts_is_the_pattern(values: list[str], positive: bool) -> None:
    import re

    from service.calculators._lots_columns import _amounts

    expected = all(re.fullmatch(r"[0-9]{1,12}(?:\.[0-9]{1,18})?", value)
                   and (not positive or re.search(r"[1-9]", value)) for value in values)
    assert _amounts(values, positive) == expected


@pytest.mark.parametrize("quantity", ["٠", "٠.٠", "0٠"])
def test_a_zero_in_other_digits_is_refused_not_a_crash(quantity: str) -> None:
    """Arabic-Indic zeros are a quantity of 0 (this once reached a division by zero)."""
    rows = [tx("b", "2024-01-01", "buy", quantity, "5")]
    for method in ("fifo", "hifo"):
        with pytest.raises(ValidationError) as caught:
            lots(rows, method=method)
        assert caught.value.messages == {"transactions": {0: {"quantity": [
            "Enter a quantity greater than 0."]}}}


def test_other_digits_are_read_as_numbers() -> None:
    rows = [tx("b", "2024-01-01", "buy", "٣", "30"), tx("s", "2024-02-01", "sell", "1", "15")]
    assert picked(lots(rows), "quantity", "cost_basis", "gain") == [("1", "10.00", "5.00")]


def test_amounts_with_spaces_underscores_or_as_numbers_read_as_plain_text() -> None:
    """Amounts that are not plain text take the full check and still match as numbers."""
    plain = [tx("b", "2024-01-01", "buy", "10", "1000", fee_usd="1.5"),
             tx("s", "2024-02-01", "sell", "4", "600.25", fee_usd="0.25"),
             tx("t", "2024-03-01", "transfer_out", "1"),
             tx("u", "2024-03-01", "transfer_in", "1", wallet="B")]
    unusual = [tx("b", "2024-01-01", "buy", " 1_0 ", 1000, fee_usd=" 1.5"),
               tx("s", "2024-02-01", "sell", Decimal("4.0"), "600.25 ", fee_usd="0.2_5"),
               tx("t", "2024-03-01", "transfer_out", 1),
               tx("u", "2024-03-01", "transfer_in", "1 ", wallet="B")]
    assert lots(unusual) == lots(plain)

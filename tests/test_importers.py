"""Exchange CSV importers: format detection, conversion, row errors, limits, progress."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from service import importers
from service.calculators import run

EXPORTS = Path(__file__).parent / "fixtures" / "exports"


def parsed(name: str, **options: Any) -> importers.ImportResult:
    """Parse one fixture file as bytes."""
    with (EXPORTS / name).open("rb") as handle:
        return importers.parse(handle, **options)


def brief(result: importers.ImportResult) -> list[tuple[str, ...]]:
    """Return (type, asset, quantity, usd_value, fee_usd) of each transaction."""
    return [(t["type"], t["asset"], t["quantity"], t.get("usd_value", ""), t.get("fee_usd", ""))
            for t in result.transactions]


CASES = {
    "coinbase.csv": ("coinbase", 8, [
        ("buy", "BTC", "0.5", "21000", "10"), ("sell", "BTC", "0.1", "4300", "4.3"),
        ("income", "ETH", "0.01", "34", ""), ("transfer_out", "BTC", "0.2", "12400", ""),
        ("sell", "ETH", "0.5", "1750", "10"), ("buy", "BTC", "0.028", "1740", "")], [10, 11]),
    "coinbase_legacy.csv": ("coinbase-legacy", 5, [
        ("buy", "ETH", "2", "2200", "32.99"), ("sell", "ETH", "0.5", "850", "12.53"),
        ("income", "XLM", "10", "4", ""), ("transfer_in", "BTC", "0.01", "500", "")], [10]),
    "coinbase_2023.csv": ("coinbase", 3, [
        ("buy", "SOL", "10", "105", "1.99"), ("sell", "SOL", "4", "88", "1.58"),
        ("income", "SOL", "0.02", "0.42", "")], []),
    "kraken_ledgers.csv": ("kraken-ledgers", 13, [
        ("buy", "BTC", "0.5", "21000", "33.6"), ("transfer_in", "ETH", "1", "", ""),
        ("transfer_out", "BTC", "0.10015", "", ""), ("sell", "BTC", "0.2", "9000", "14.4")],
        [7, 9, 10, 13]),
    "kraken_trades.csv": ("kraken-trades", 5, [
        ("buy", "BTC", "0.5", "21000", "33.6"), ("sell", "ETH", "0.5", "1250", "2"),
        ("buy", "SOL", "10", "1000", "1.6")], [4, 5]),
    "binance_trades.csv": ("binance-trades", 5, [
        ("buy", "BTC", "0.4995", "21000", ""), ("sell", "ETH", "1", "2500", "2.5"),
        ("buy", "SOL", "10", "1000", "")], [4, 5, 6]),
    "binance_trades_legacy.csv": ("binance-trades-legacy", 3, [
        ("buy", "BTC", "0.0999", "880", ""), ("sell", "BTC", "0.05", "450", "0.45")], [4]),
    "binance_statement.csv": ("binance-statement", 12, [
        ("buy", "BTC", "0.4995", "21000", ""), ("transfer_in", "ETH", "2", "", ""),
        ("sell", "ETH", "1", "2500", ""), ("transfer_out", "BTC", "0.2", "", "")], [7, 9, 13]),
    "binance_us.csv": ("binance-us", 6, [
        ("buy", "BTC", "0.1", "4200", "4.2"), ("fee", "BNB", "0.01", "3.1", ""),
        ("sell", "ETH", "1", "2500", ""), ("buy", "BTC", "0.059", "2495", "3.1"),
        ("income", "ETH", "0.002", "5.1", ""), ("transfer_out", "BTC", "0.05", "2150", "")],
        [7]),
    "gemini.csv": ("gemini", 7, [
        ("buy", "BTC", "0.5", "21000", "52.5"), ("sell", "BTC", "0.1", "4300", "15.05"),
        ("transfer_in", "ETH", "1.5", "", ""), ("transfer_out", "BTC", "0.2", "", "")], [7, 8]),
    "generic.csv": ("generic", 5, [
        ("buy", "BTC", "0.5", "21000", "10"), ("sell", "BTC", "0.1", "4300", "4.3"),
        ("transfer_out", "BTC", "0.2", "", "")], [6, 7]),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_export(name: str) -> None:
    fmt, rows, transactions, bad_rows = CASES[name]
    result = parsed(name)
    assert result.format == fmt
    assert result.rows == rows
    assert brief(result) == transactions
    assert sorted(error["row"] for error in result.errors) == bad_rows
    assert all(error["message"].endswith(".") for error in result.errors)


@pytest.mark.parametrize("name", sorted(CASES))
def test_imported_transactions_are_valid_lots_input(name: str) -> None:
    result = run("lots", {"transactions": parsed(name).transactions})
    assert "disposals" in result


def test_times_are_iso_utc() -> None:
    times = [t["time"] for name in CASES for t in parsed(name).transactions]
    assert all(time.endswith("Z") and "T" in time for time in times)
    assert parsed("generic.csv").transactions[1]["time"] == "2024-02-01T08:30:00Z"


def test_messages_say_what_to_do() -> None:
    errors = {e["row"]: e["message"] for e in parsed("kraken_trades.csv").errors}
    assert "ETH/BTC" in errors[4] and "generic CSV" in errors[4]
    assert "margin" in errors[5]


def test_text_stream_with_blank_lines_and_bom() -> None:
    text = ("\ufeff\n\nid,time,type,asset,quantity,usd_value\n"
            "a,2024-01-01T00:00:00Z,buy,BTC,1,100\n\nb,2024-01-02T00:00:00Z,sell,BTC,1,oops\n")
    result = importers.parse(io.StringIO(text))
    assert result.format == "generic" and result.rows == 2
    assert result.errors == [{"row": 6, "message": "The usd_value 'oops' is not a number."}]


def test_unknown_format_lists_the_supported_ones() -> None:
    with pytest.raises(importers.UnknownFormat) as caught:
        importers.parse(io.BytesIO(b"Name,Colour\nbob,blue\n"))
    message = str(caught.value)
    assert "Name, Colour" in message
    assert all(description in message for description in importers.FORMATS.values())


def test_empty_file_is_an_unknown_format() -> None:
    with pytest.raises(importers.UnknownFormat, match="empty"):
        importers.parse(io.BytesIO(b""))


def test_too_large() -> None:
    data = b"id,time,type,asset,quantity,usd_value\n" + b"a,2024-01-01,buy,BTC,1,1\n" * 50_000
    with pytest.raises(importers.TooLarge):
        importers.parse(io.BytesIO(data), max_bytes=100_000)
    assert importers.parse(io.BytesIO(data), max_bytes=len(data)).rows == 50_000


def test_progress_is_reported_while_streaming() -> None:
    data = b"id,time,type,asset,quantity,usd_value\n" + b"a,2024-01-01,buy,BTC,1,1\n" * 40_000
    seen: list[int] = []
    importers.parse(io.BytesIO(data), progress=seen.append)
    assert len(seen) >= 3 and seen == sorted(seen) and seen[-1] == len(data)


def test_formats_are_described() -> None:
    assert set(importers.FORMATS) == {
        "coinbase", "coinbase-legacy", "kraken-ledgers", "kraken-trades", "binance-trades",
        "binance-trades-legacy", "binance-statement", "binance-us", "gemini", "generic"}


def test_a_field_past_the_csv_limit_stops_the_import_with_a_row_error() -> None:
    data = (b"id,time,type,asset,quantity,usd_value\na,2024-01-01,buy,BTC,1,1\n"
            + b'b,2024-01-02,buy,BTC,1,"' + b"9" * 200_000 + b'"\nc,2024-01-03,buy,BTC,1,1\n')
    result = importers.parse(io.BytesIO(data))
    assert len(result.transactions) == 1
    assert result.errors[0]["row"] == 3 and "cannot be read" in result.errors[0]["message"]


def _header(name: str) -> bytes:
    """Return the fixture's header line (the first line the importer recognises alone)."""
    for line in (EXPORTS / name).read_bytes().splitlines():
        try:
            importers.parse(io.BytesIO(line))
        except importers.UnknownFormat:
            continue
        return line
    raise AssertionError(f"no header in {name}")


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=st.binary(max_size=300))
def test_garbage_after_a_known_header_never_crashes(name: str, body: bytes) -> None:
    header = _header(name)
    result = importers.parse(io.BytesIO(header + b"\n" + body))
    assert result.format == CASES[name][0]
    assert all(isinstance(e["row"], int) and e["message"] for e in result.errors)
    if result.transactions:
        run("lots", {"transactions": result.transactions})


_ODD = st.one_of(st.sampled_from(["", "-", "()", "$", "1e999", "0", "-0", "(1)", "9" * 40,
                                  "1970-01-01", "0001-01-01T00:00:00+01:00", "99999999999",
                                  "BTC", "USD", "ETHBTC", "buy", "sell", "trade", "Convert",
                                  "Converted 1 ETH to 1 BTC", "1.5BTC", "NaN", "∞", "٣"]),
                 st.text(max_size=6))


@pytest.mark.parametrize("name", sorted(CASES))
@settings(max_examples=40, deadline=None)
@given(changes=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 30), _ODD), max_size=6))
def test_odd_cells_in_real_rows_never_crash(name: str,
                                            changes: list[tuple[int, int, str]]) -> None:
    table = list(csv.reader(io.StringIO((EXPORTS / name).read_text(encoding="utf-8-sig"))))
    header = next(csv.reader([_header(name).decode("utf-8-sig")]))
    start = table.index(header) + 1
    for row, column, text in changes:
        cells = table[start + row % max(1, len(table) - start)] if len(table) > start else []
        if cells:
            cells[column % len(cells)] = text
    out = io.StringIO()
    csv.writer(out).writerows(table)
    result = importers.parse(io.StringIO(out.getvalue()))
    assert result.format == CASES[name][0]
    if result.transactions:
        run("lots", {"transactions": result.transactions})

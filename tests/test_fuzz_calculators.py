"""Hypothesis fuzzes every calculator over HTTP: a result or a 422 naming fields, never a 5xx.

Requests are drawn from each calculator's own request schema: fields of the right kind with
values in and far out of range, now and then any JSON in their place.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from marshmallow import Schema, fields, validate

from service import calculators, create_app

HOSTILE = st.sampled_from(["{{7*7}}", "=HYPERLINK(\"http://x\",\"y\")", "<script>", "\x00", "",
                           " ", "1e999999", "-0", "NaN", "Infinity", "0x10", "1_000", "١٢٣"])
any_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=20) | HOSTILE
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner,
                                                                   max_size=3), max_leaves=8)
offsets = st.builds(timezone, st.timedeltas(min_value=timedelta(hours=-23),
                                            max_value=timedelta(hours=23)))


def _amounts(wild: bool) -> st.SearchStrategy[Any]:
    plain = st.decimals(min_value=0, max_value=10**6, places=2).map(str)
    if not wild:
        return plain
    return (plain | st.decimals(allow_nan=False, allow_infinity=False).map(str)
            | st.decimals(min_value=-10**13, max_value=10**13, places=2).map(str)
            | st.integers(-10**7, 10**7) | HOSTILE)


def _days(wild: bool) -> st.SearchStrategy[Any]:
    low, high = (date(1, 1, 1), date(9999, 12, 31)) if wild else (date(2020, 1, 1),
                                                                   date(2030, 12, 31))
    return st.dates(low, high).map(date.isoformat) | (HOSTILE if wild else st.nothing())


def _moments(wild: bool) -> st.SearchStrategy[Any]:
    low, high = (datetime.min, datetime.max) if wild else (datetime(2020, 1, 1),
                                                           datetime(2030, 1, 1))
    zones = st.just(UTC) | offsets if wild else st.just(UTC)
    return st.datetimes(low, high, timezones=zones).map(datetime.isoformat) | (
        HOSTILE if wild else st.nothing())


def _transaction(wild: bool) -> st.SearchStrategy[dict[str, Any]]:
    text = st.text(min_size=1, max_size=8) if wild else st.sampled_from(["a", "b", "c"])
    return st.fixed_dictionaries({
        "id": text, "time": _moments(wild),
        "type": st.sampled_from(["buy", "sell", "transfer_in", "transfer_out", "income", "fee"]),
        "asset": st.sampled_from(["BTC", "ETH"]) | (st.text(max_size=6) | HOSTILE if wild
                                                    else st.nothing()),
        "quantity": _amounts(wild), "usd_value": _amounts(wild)},
        optional={"fee_usd": _amounts(wild), "wallet": st.sampled_from(["a", "b"])})


def _choices(field: fields.Field) -> list[Any]:
    return [c for v in field.validators if isinstance(v, validate.OneOf) for c in v.choices]


def _kind(name: str, field: fields.Field, wild: bool) -> st.SearchStrategy[Any]:
    """Return values of the field's own kind: plausible ones, or (wild) far out of range."""
    kind = type(field).__name__
    if _choices(field):
        return st.sampled_from(_choices(field)) | (HOSTILE if wild else st.nothing())
    if isinstance(field, fields.Nested):
        nested = field.nested if isinstance(field.nested, type) else type(field.nested)
        return request_for(nested)
    if isinstance(field, fields.List):
        return st.lists(_kind(name, field.inner, wild), min_size=0 if wild else 1, max_size=6)
    if kind == "Transactions":
        return st.lists(_transaction(wild) | (any_json if wild else st.nothing()), max_size=12)
    if isinstance(field, fields.Integer):
        return st.integers() if wild else st.integers(2024, 2026) if "year" in name else \
            st.integers(0, 100)
    if isinstance(field, fields.DateTime):
        return _moments(wild)
    if isinstance(field, fields.Date):
        return _days(wild)
    if isinstance(field, fields.Boolean):
        return st.booleans()
    if kind in ("Money", "Quantity") or isinstance(field, fields.Decimal | fields.Number):
        return _amounts(wild)
    return st.text(max_size=30) | (HOSTILE if wild else st.nothing())


def request_for(schema: type[Schema]) -> st.SearchStrategy[dict[str, Any]]:
    """Return bodies for a schema: plausible ones with its required fields, or wild ones."""
    declared = {field.data_key or name: field for name, field in schema().fields.items()}
    plausible = st.fixed_dictionaries(
        {key: _kind(key, f, False) for key, f in declared.items() if f.required},
        optional={key: _kind(key, f, False) for key, f in declared.items() if not f.required})
    wild = st.fixed_dictionaries({}, optional={
        key: st.one_of(_kind(key, f, True), any_json) for key, f in declared.items()})
    return plausible | wild


@pytest.fixture
def calc_client(tmp_path: Path) -> Iterator[FlaskClient]:
    """Return a client of an app on SQLite: calculators touch no database."""
    application = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'bearings.db'}",
                              "INSTANCE_PATH": str(tmp_path), "RATE_LIMIT": "off",
                              "SECRET_KEY": "test-secret", "TESTING": True})
    yield application.test_client()
    application.extensions["bearings"].store.dispose()


@pytest.mark.parametrize("name", calculators.names())
@settings(max_examples=60, deadline=None,  # no timing limits: a busy machine is not a bug
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_any_request_gets_a_result_or_a_422(calc_client: FlaskClient, name: str,
                                            data: Any) -> None:
    schema = calculators.get(name).request
    body = data.draw(request_for(schema), label="body")
    response = calc_client.post(f"/api/v1/calculators/{name}", json=body)
    event(f"status {response.status_code}")
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:500]
    result = response.get_json()
    if response.status_code == 200:
        assert "worksheet" in result and "explanation" in result
        assert not any(isinstance(v, float) for v in result.values())
    else:
        assert result["errors"] and result["message"]


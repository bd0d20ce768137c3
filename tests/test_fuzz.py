"""Hypothesis fuzzes answers of every field type and every letter: a 2xx or a 4xx, never a 5xx.

Values are drawn per field from its description (the step's or the letter's): mostly values
that fit its type and constraints, so the happy path is exercised too, and otherwise any JSON
at all, hostile text included.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from service import letters

FLOWS = Path(__file__).parent / "fixtures" / "flows"
HOSTILE = ("{{7*7}}", "{% raw %}", "${7*7}", "<script>alert(1)</script>", "=HYPERLINK(\"x\")",
           "+1-2", "@SUM(A1)", "\u202eevil", "\x00", "%s%n", "../../etc/passwd", "\r\nX: y",
           "' OR 1=1 --", "\ufeff", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "a" * 600)
FUZZ = settings(max_examples=120, deadline=None,  # no timing limits: a busy machine is no bug
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])
FUZZ_LETTERS = settings(FUZZ, max_examples=25)

scalars = (st.none() | st.booleans() | st.integers() | st.text(max_size=40)
           | st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from(HOSTILE)
           | st.integers(min_value=10**20, max_value=10**400))
any_json = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4)
                        | st.dictionaries(st.text(max_size=8), inner, max_size=4), max_leaves=12)
text = st.text(min_size=1, max_size=80) | st.sampled_from(HOSTILE) | st.builds(
    "".join, st.lists(st.sampled_from(HOSTILE) | st.text(max_size=10), min_size=2, max_size=5))
offsets = st.builds(timezone, st.timedeltas(min_value=timedelta(hours=-23, minutes=-59),
                                            max_value=timedelta(hours=23, minutes=59)))


def _bound(spec: dict[str, Any], key: str, convert: Any, default: Any) -> Any:
    return default if spec.get(key) is None else convert(str(spec[key]))


def _amount(spec: dict[str, Any], places: int) -> st.SearchStrategy[Any]:
    low = _bound(spec, "min", Decimal, Decimal("-1000000"))
    high = _bound(spec, "max", Decimal, Decimal("1000000"))
    return st.decimals(min_value=low, max_value=high, places=places).map(str)


def _fitting(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Return values that fit the field's type and constraints."""
    kind, choices = spec["type"], [c["value"] for c in spec.get("choices", [])]
    if kind in ("text", "textarea"):
        if spec.get("pattern"):
            return st.from_regex(spec["pattern"].strip("^$"), fullmatch=True)
        limit = min(spec.get("max_length") or 200, 200)
        return text.map(lambda t: t[:limit])
    if kind == "integer":
        return st.integers(_bound(spec, "min", int, -10**6), _bound(spec, "max", int, 10**6))
    if kind == "date":
        return st.dates(_bound(spec, "min", date.fromisoformat, date(1900, 1, 1)),
                        _bound(spec, "max", date.fromisoformat, date(2100, 12, 31))
                        ).map(date.isoformat)
    if kind in ("money", "decimal"):
        return _amount(spec, 2 if kind == "money" else 6)
    fitting: dict[str, st.SearchStrategy[Any]] = {
        "email": st.emails(),
        "choice": st.sampled_from(choices or [""]),
        "multichoice": st.lists(st.sampled_from(choices or [""]), unique=True),
        "boolean": st.booleans(), "acknowledge": st.just(True),
        "datetime": st.datetimes(timezones=st.just(UTC) | offsets).map(datetime.isoformat),
        "file": st.text(max_size=64) | st.from_regex(r"[0-9a-f]{24}", fullmatch=True),
    }
    return fitting[kind]


def value_for(spec: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Return the values to try for one described field: mostly fitting, else any JSON."""
    return st.one_of(_fitting(spec), _fitting(spec), any_json)


def fitting_values(specs: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Return mappings of every required field, and some others, to fitting values."""
    return st.fixed_dictionaries(
        {s["name"]: _fitting(s) for s in specs if s.get("required")},
        optional={s["name"]: _fitting(s) for s in specs if not s.get("required")})


def values_for(specs: list[dict[str, Any]]) -> st.SearchStrategy[dict[str, Any]]:
    """Return mappings of fields to values: all fitting, or some of anything plus unknowns."""
    known = st.fixed_dictionaries({}, optional={s["name"]: value_for(s) for s in specs})
    unknown = st.dictionaries(st.text(max_size=12), any_json, max_size=1)
    mixed = st.builds(lambda a, b: {**b, **a}, known, unknown | st.just({}))
    return fitting_values(specs) | mixed


@pytest.fixture
def fixture_app(make_app: Any) -> Flask:
    """Return the app serving the test flows (every field type among them)."""
    application: Flask = make_app(FLOWS_DIR=str(FLOWS))
    return application


def _all_types_fields(app: Flask) -> list[dict[str, Any]]:
    client = app.test_client()
    step = client.post("/api/v1/conversations", json={"flow": "all-types"}).get_json()
    fields: list[dict[str, Any]] = step["fields"]
    return fields


def _start(client: FlaskClient) -> tuple[dict[str, Any], dict[str, str]]:
    step = client.post("/api/v1/conversations", json={"flow": "all-types"}).get_json()
    return step, {"Authorization": f"Bearer {step.pop('token')}"}


def test_the_fixture_flow_has_every_field_type(fixture_app: Flask) -> None:
    kinds = {f["type"] for f in _all_types_fields(fixture_app)}
    assert kinds == {"text", "textarea", "email", "choice", "multichoice", "boolean", "money",
                     "decimal", "integer", "date", "datetime", "file", "acknowledge"}


@FUZZ
@given(data=st.data())
def test_any_answer_to_any_field_type_is_taken_or_refused_by_name(fixture_app: Flask,
                                                                 data: Any) -> None:
    client = fixture_app.test_client()
    answers = data.draw(values_for(_all_types_fields(fixture_app)), label="answers")
    step, headers = _start(client)
    url = f"/api/v1/conversations/{step['id']}"
    response = client.post(url + "/answers", headers=headers, json={
        "state": step["state"], "version": step["version"], "answers": answers})
    event(f"status {response.status_code}")
    assert response.status_code in (200, 422), response.get_data(as_text=True)
    if response.status_code == 422:
        assert set(response.get_json()["errors"]) <= set(answers) | {"_schema"}
        assert client.get(url, headers=headers).get_json()["version"] == step["version"]
        return
    kept = client.get(url + "/answers", headers=headers).get_json()["steps"]
    stored = {a["name"] for s in kept for a in s["answers"]}
    given_names = {k for k, v in answers.items() if v not in (None, "", [])}
    assert given_names <= stored


LETTERS = {entry["type"]: entry["fields"] for entry in letters.describe()}


@pytest.mark.slow
@pytest.mark.parametrize("letter_type", sorted(LETTERS))
@FUZZ_LETTERS
@given(data=st.data())
def test_any_letter_fields_render_or_are_refused_by_name(sqlite_client: FlaskClient,
                                                         letter_type: str, data: Any) -> None:
    fields = data.draw(values_for(LETTERS[letter_type]), label="fields")
    fmt = data.draw(st.sampled_from(["pdf", "docx", "txt", "html"]), label="format")
    response = sqlite_client.post(f"/api/v1/letters/{letter_type}?format={fmt}", json=fields)
    event(f"status {response.status_code}")
    assert response.status_code in (200, 422), response.get_data(as_text=True)[:500]
    if response.status_code == 422:
        named = set(fields) | {f["name"] for f in LETTERS[letter_type]} | {"_schema"}
        assert set(response.get_json()["errors"]) <= named
    else:
        assert response.data and response.mimetype != "application/json"


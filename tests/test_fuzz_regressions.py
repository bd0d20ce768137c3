"""Inputs the fuzzers found that once gave a 500, kept as plain examples."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient

FLOWS = Path(__file__).parent / "fixtures" / "flows"


@pytest.mark.parametrize("moment", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_an_answer_moment_outside_the_utc_calendar_is_a_422(make_app: Any, moment: str) -> None:
    client: FlaskClient = make_app(FLOWS_DIR=str(FLOWS)).test_client()
    step = client.post("/api/v1/conversations", json={"flow": "all-types"}).get_json()
    response = client.post(f"/api/v1/conversations/{step['id']}/answers",
                           headers={"Authorization": f"Bearer {step['token']}"},
                           json={"state": "form", "version": step["version"],
                                 "answers": {"a_datetime": moment}})
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["a_datetime"]


@pytest.mark.parametrize("moment", ["0999-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00",
                                    "9999-12-31T23:59:59-14:00", "2101-01-01T00:00:00Z"])
def test_a_letter_time_outside_the_counted_years_is_a_422(sqlite_client: FlaskClient,
                                                          moment: str) -> None:
    fields = {"full_name": "A", "mailing_address": "B", "bank_name": "C", "account_last4": "1234",
              "wire_sent_at": moment, "wire_amount": "10.00", "wire_reference": "R",
              "beneficiary_name": "D", "beneficiary_bank": "E", "wire_unauthorized": True}
    response = sqlite_client.post("/api/v1/letters/wire-recall?format=txt", json=fields)
    assert response.status_code == 422
    assert list(response.get_json()["errors"]) == ["wire_sent_at"]

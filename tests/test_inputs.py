"""Calculator requests built from answers, as the flow file maps them."""

from __future__ import annotations

from service.engine.inputs import fields_in, resolve

SPEC = {
    "tax_year": {"field": "tax_year"},
    "short_term": {"field": "short_term", "default": "0.00"},
    "method": {"value": "fifo"},
    "debts": [
        {"name": {"value": "HELOC"}, "balance": {"field": "heloc_balance"},
         "apr": {"field": "heloc_apr"}},
        {"name": {"value": "Card"}, "balance": {"field": "card_balance"},
         "apr": {"field": "card_apr", "default": "29.99"}},
    ],
    "transactions": {"upload": "export", "take": "transactions"},
}


def test_answers_constants_defaults_and_uploads() -> None:
    uploads = {"u1": {"transactions": [{"id": "t1"}]}}
    request = resolve(SPEC, {"tax_year": 2025, "heloc_balance": "250000.00", "heloc_apr": "8.5",
                             "export": "u1"}, uploads.get)
    assert request == {"tax_year": 2025, "short_term": "0.00", "method": "fifo",
                       "debts": [{"name": "HELOC", "balance": "250000.00", "apr": "8.5"}],
                       "transactions": [{"id": "t1"}]}


def test_a_half_filled_row_is_left_out_whole() -> None:
    request = resolve(SPEC, {"heloc_balance": "250000.00", "card_balance": "900.00"})
    assert request["debts"] == [{"name": "Card", "balance": "900.00", "apr": "29.99"}]
    assert "tax_year" not in request and "transactions" not in request


def test_fields_in_names_every_answer_read() -> None:
    assert fields_in(SPEC) == {"tax_year", "short_term", "heloc_balance", "heloc_apr",
                               "card_balance", "card_apr", "export"}

"""OpenAPI descriptions of the `lots` request's transactions and of its result."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, fields

_TEXT = {"type": "string"}
_AMOUNT = {"type": "string", "description": "Decimal string (a JSON number is also accepted)."}

#: The JSON schema of one transaction, for the OpenAPI document.
TRANSACTION: dict[str, Any] = {
    "type": "object",
    "required": ["time", "type", "asset", "quantity"],
    "properties": {
        "id": {**_TEXT, "description": "Your id; sales name lots by it. Default: #<index>."},
        "time": {**_TEXT, "format": "date-time", "description": "ISO 8601 with a zone."},
        "type": {"type": "string", "enum": ["buy", "sell", "transfer_in", "transfer_out",
                                            "income", "fee"]},
        "asset": _TEXT,
        "quantity": {**_AMOUNT, "description": "Greater than 0, at most 18 decimal places."},
        "usd_value": {**_AMOUNT, "description": "The whole transaction's value in dollars; "
                      "required except on transfers."},
        "fee_usd": {**_AMOUNT, "description": "Buy: added to basis. Sell: off proceeds."},
        "wallet": {**_TEXT, "description": "Wallet or account; default 'default'."},
        "lots": {"type": "array", "items": _TEXT, "description": "Sell or fee only: ids of "
                 "the buys or income to use first (specific identification)."},
        "transfer_id": {**_TEXT, "description": "Pairs a transfer_out with its transfer_in."},
        "form_1099": {"type": "string", "enum": ["none", "basis_reported",
                                                 "basis_not_reported"],
                      "description": "Sell or fee only: what a 1099-DA/1099-B reported; "
                      "picks the Form 8949 box (default none: box C/F, I/L from 2025)."},
    },
}


class _Triple(Schema):
    """Proceeds, cost basis and gain."""

    proceeds = fields.String()
    cost_basis = fields.String()
    gain = fields.String()


class _Totals(Schema):
    """Totals by holding period."""

    short_term = fields.Nested(_Triple)
    long_term = fields.Nested(_Triple)


class _Disposal(_Triple):
    """One Form 8949 row: part of a sale matched to one lot."""

    id = fields.String(metadata={"description": "The sale (or fee) transaction."})
    asset = fields.String()
    wallet = fields.String()
    quantity = fields.String()
    acquired = fields.String(allow_none=True, metadata={
        "description": "YYYY-MM-DD; null when no lot was left (zero basis, see warnings)."})
    disposed = fields.String()
    term = fields.String(metadata={"enum": ["short", "long"]})
    form_8949_box = fields.String()
    lot = fields.String(allow_none=True, metadata={"description": "The lot's transaction."})
    type = fields.String(metadata={"enum": ["sell", "fee"]})


class _Holding(Schema):
    """What is still held in one wallet."""

    asset = fields.String()
    wallet = fields.String()
    quantity = fields.String()
    cost_basis = fields.String()
    lots = fields.Integer()


class _Warning(Schema):
    """Something that needs a look."""

    code = fields.String()
    message = fields.String()
    transaction = fields.String(allow_none=True)


class _Income(Schema):
    """One reward, ordinary income at its value when received."""

    id = fields.String()
    asset = fields.String()
    wallet = fields.String()
    quantity = fields.String()
    date = fields.String()
    usd_value = fields.String()


class _Line(Schema):
    """One worksheet line."""

    line = fields.String()
    label = fields.String()
    amount = fields.String()


class LotsResponse(Schema):
    """The `lots` result."""

    method = fields.String()
    tax_year = fields.Integer(allow_none=True)
    disposals = fields.List(fields.Nested(_Disposal))
    totals = fields.Nested(_Totals)
    holdings = fields.List(fields.Nested(_Holding))
    warnings = fields.List(fields.Nested(_Warning))
    income = fields.List(fields.Nested(_Income))
    income_total = fields.String()
    form_8949 = fields.List(fields.Dict(), metadata={
        "description": "Totals per Form 8949 box: box, rows, proceeds, cost_basis, gain, "
                       "adjustment."})
    schedule_d = fields.Dict(metadata={"description": "Form 8949 totals by Schedule D line "
                                       "(line_1b, line_2, line_3, line_8b, line_9, line_10)."})
    worksheet = fields.List(fields.Nested(_Line))
    explanation = fields.List(fields.String())

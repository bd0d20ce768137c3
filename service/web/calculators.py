"""The calculators over HTTP: JSON in, JSON out; lots also takes an exchange CSV."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, jsonify, request

from .. import calculators
from .errors import ApiError, invalid, json_object
from .uploads import receive_upload

bp = Blueprint("calculators", __name__, url_prefix="/api/v1/calculators")


@bp.get("")
def index() -> Any:
    """List the calculators served."""
    return jsonify([{"name": c.name, "title": c.title, "summary": c.summary}
                    for c in map(calculators.get, calculators.names())])


@bp.post("/<name>")
def calculate(name: str) -> Any:
    """Run one calculator."""
    try:
        calculators.get(name)
    except calculators.UnknownCalculator:
        served = ", ".join(calculators.names())
        raise ApiError(404, f"No calculator called {name!r}. Served: {served}.") from None
    if name == "lots" and request.mimetype == "multipart/form-data":
        parsed = receive_upload()
        payload: dict[str, Any] = {"method": request.args.get("method", "fifo"),
                                   "transactions": parsed.transactions}
        if request.args.get("tax_year"):
            payload["tax_year"] = request.args["tax_year"]
        result = calculators.run(name, payload)
        return jsonify({**result, "import": {"format": parsed.format, "rows": parsed.rows,
                                             "errors": parsed.errors}})
    body = json_object()
    try:
        return jsonify(calculators.run(name, body))
    except calculators.UnknownCalculator:
        raise ApiError(404, f"No calculator called {name!r}.") from None
    except RecursionError:
        raise invalid({"_schema": ["The request nests too deeply."]}) from None

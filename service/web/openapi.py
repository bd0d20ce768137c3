"""The OpenAPI document, generated from the same marshmallow schemas the API validates with."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from flask import Blueprint, jsonify

from .. import calculators, letters
from . import conversations as conv
from . import schemas

if TYPE_CHECKING:
    from apispec import APISpec

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

_ERRORS = {"400": "ErrorOut", "401": "ErrorOut", "404": "ErrorOut", "409": "ConflictOut",
           "413": "ErrorOut", "415": "ErrorOut", "422": "ValidationErrorOut",
           "429": "ErrorOut"}
_CID = {"name": "conversation_id", "in": "path", "required": True,
        "schema": {"type": "string", "pattern": "^[0-9a-f]{24}$"}}


def _json(schema: str | dict[str, Any]) -> dict[str, Any]:
    ref = {"$ref": f"#/components/schemas/{schema}"} if isinstance(schema, str) else schema
    return {"content": {"application/json": {"schema": ref}}}


def _op(summary: str, ok: str, body: str | None = None, errors: tuple[str, ...] = (),
        auth: bool = True, params: tuple[dict[str, Any], ...] = (),
        status: str = "200", ok_schema: Any = None) -> dict[str, Any]:
    responses: dict[str, Any] = {status: {"description": ok}}
    if ok_schema is not None:
        responses[status].update(_json(ok_schema))
    for code in errors + ("429",):
        responses[code] = {"description": "Error", **_json(_ERRORS[code])}
    responses["429"]["headers"] = {"Retry-After": {
        "description": "Seconds to wait before trying again.", "schema": {"type": "integer"}}}
    operation: dict[str, Any] = {"summary": summary, "responses": responses,
                                 "parameters": list(params)}
    if body:
        operation["requestBody"] = {"required": True, **_json(body)}
    if auth:
        operation["security"] = [{"bearer": []}]
        responses.setdefault("401", {"description": "Error", **_json("ErrorOut")})
    return operation


def _conversation_paths(spec: APISpec) -> None:
    base = "/api/v1/conversations"
    spec.path(base, operations={"post": _op(
        "Start a conversation (the token is shown once)", "Created", "StartRequest",
        ("400", "413", "415", "422"), auth=False, status="201", ok_schema="StepOut")})
    spec.path(base + "/{conversation_id}", parameters=[_CID], operations={
        "get": _op("The current step", "The step", errors=("404",), ok_schema="StepOut"),
        "delete": _op("Erase every trace of the conversation", "Erased", errors=("404",),
                      status="204")})
    spec.path(base + "/{conversation_id}/answers", parameters=[_CID], operations={
        "post": _op("Answer the current step", "The next step", "AnswerRequest",
                    ("400", "404", "409", "413", "415", "422"), ok_schema="StepOut"),
        "get": _op("Every answer so far, with its step", "The answers", errors=("404",),
                   ok_schema={"type": "object"})})
    spec.path(base + "/{conversation_id}/back", parameters=[_CID], operations={
        "post": _op("Go back one step; later answers are kept", "The previous step",
                    errors=("404", "409"), ok_schema="StepOut")})
    upload = _op("Upload an exchange CSV export", "Stored", errors=("404", "413", "415", "422"),
                 status="201", ok_schema="UploadOut")
    upload["requestBody"] = {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "properties": {"file": {"type": "string", "format": "binary"}}}}}}
    spec.path(base + "/{conversation_id}/uploads", parameters=[_CID],
              operations={"post": upload})
    spec.path(base + "/{conversation_id}/export", parameters=[_CID], operations={
        "get": _op("Everything stored, as JSON", "The data", errors=("404",),
                   ok_schema={"type": "object"})})
    spec.path(base + "/{conversation_id}/documents", parameters=[_CID], operations={
        "get": _op("The documents the conversation calls for", "The documents",
                   errors=("404",), ok_schema={"type": "array", "items": {"type": "object"}})})
    document = {"name": "document", "in": "path", "required": True,
                "schema": {"type": "string", "pattern": "^[a-z0-9-]+$"}}
    for fmt in ("pdf", "docx", "txt", "html"):
        spec.path(base + "/{conversation_id}/documents/{document}." + fmt,
                  parameters=[_CID, document], operations={"get": _op(
                      f"One letter as {fmt.upper()}, filled from the conversation",
                      "The document", errors=("404", "422"))})
    spec.path(base + "/{conversation_id}/evidence-pack.zip", parameters=[_CID], operations={
        "get": _op("Every ready letter, the timeline, worksheets and reminders as a ZIP",
                   "The pack", errors=("404",))})


def _other_paths(spec: APISpec) -> None:
    spec.path("/api/v1/calculators", operations={"get": _op(
        "The calculators served", "The list", auth=False, ok_schema={"type": "array"})})
    for name in calculators.names():
        calc = calculators.get(name)
        schema_name = f"{''.join(p.title() for p in name.split('-'))}Request"
        spec.components.schema(schema_name, schema=calc.request)
        result = "CalculationOut"
        if calc.response is not None:
            result = schema_name.replace("Request", "Result")
            spec.components.schema(result, schema=calc.response)
        operation = {**_op(calc.title, "The result with its worksheet", schema_name,
                           ("400", "413", "415", "422"), auth=False, ok_schema=result),
                     "description": calc.summary}
        if name == "lots":
            _lots_csv(operation)
        spec.path(f"/api/v1/calculators/{name}", operations={"post": operation})
    spec.path("/api/v1/letters", operations={"get": _op(
        "Every letter type with the fields it needs", "The letter types", auth=False,
        ok_schema={"type": "array", "items": {"type": "object"}})})
    letter = {"name": "letter_type", "in": "path", "required": True,
              "schema": {"type": "string", "enum": sorted(t.id for t in letters.letter_types())}}
    fmt_q = {"name": "format", "in": "query",
             "schema": {"type": "string", "enum": ["pdf", "docx", "txt", "html"]}}
    spec.path("/api/v1/letters/{letter_type}", parameters=[letter], operations={"post": _op(
        "Render one letter from its fields", "The document", "LetterFields",
        ("400", "404", "413", "415", "422"), auth=False, params=(fmt_q,))})
    spec.path("/api/v1/flows", operations={"get": _op(
        "The flows served", "The list", auth=False, ok_schema={"type": "array"})})
    flow_id = {"name": "flow_id", "in": "path", "required": True, "schema": {"type": "string"}}
    spec.path("/api/v1/flows/{flow_id}", parameters=[flow_id], operations={"get": _op(
        "A flow's stages and states", "The flow", errors=("404",), auth=False,
        ok_schema={"type": "object"})})
    fmt = {"name": "format", "in": "query", "schema": {"type": "string",
                                                        "enum": ["mermaid", "svg"]}}
    spec.path("/api/v1/flows/{flow_id}/diagram", parameters=[flow_id], operations={"get": _op(
        "The flow's state diagram", "The diagram", errors=("404", "422"), auth=False,
        params=(fmt,))})
    spec.path("/healthz", operations={"get": _op("The process is up", "Up", auth=False,
                                                 ok_schema="StatusOut")})
    ready = _op("The database answers", "Ready", auth=False, ok_schema="StatusOut")
    ready["responses"]["503"] = {"description": "The database does not answer",
                                 **_json("StatusOut")}
    spec.path("/readyz", operations={"get": ready})


def _lots_csv(operation: dict[str, Any]) -> None:
    """Describe the exchange CSV that lots also takes, as multipart part ``file``."""
    operation["requestBody"]["content"]["multipart/form-data"] = {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "string", "format": "binary"}}}}
    operation["parameters"] = [
        {"name": "method", "in": "query", "description": "With a CSV: the lot method.",
         "schema": {"type": "string", "enum": ["fifo", "lifo", "hifo"], "default": "fifo"}},
        {"name": "tax_year", "in": "query", "description": "With a CSV: only this year.",
         "schema": {"type": "integer"}}]


@cache
def document() -> dict[str, Any]:
    """Return the OpenAPI document (built once; apispec loads with it, not at start-up)."""
    from apispec import APISpec
    from apispec.ext.marshmallow import MarshmallowPlugin

    spec = APISpec(title="Bearings API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[MarshmallowPlugin()],
                   info={"description": "A guided recovery assistant after a crypto loss."})
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    for name in ("StepOut", "ErrorOut", "ValidationErrorOut", "ConflictOut", "UploadOut",
                 "CalculationOut", "StatusOut"):
        spec.components.schema(name, schema=getattr(schemas, name))
    spec.components.schema("StartRequest", schema=conv.StartRequest)
    spec.components.schema("AnswerRequest", schema=conv.AnswerRequest)
    spec.components.schema("LetterFields", {"type": "object", "additionalProperties": True,
                                            "description": "The fields GET /letters lists."})
    _conversation_paths(spec)
    _other_paths(spec)
    return _with_lots_import(spec.to_dict())


def _with_lots_import(doc: dict[str, Any]) -> dict[str, Any]:
    """Let lots answer a CSV upload with its result plus the ``import`` summary."""
    schemas_ = doc["components"]["schemas"]
    plain = schemas_["LotsResult"]
    schemas_["LotsImportResult"] = {**plain, "properties": {**plain["properties"], "import": {
        "type": "object", "required": ["format", "rows", "errors"],
        "properties": {"format": {"type": "string"}, "rows": {"type": "integer"},
                       "errors": {"type": "array", "items": {"type": "object"}}}}}}
    ok = doc["paths"]["/api/v1/calculators/lots"]["post"]["responses"]["200"]
    ok["content"]["application/json"]["schema"] = {"anyOf": [
        {"$ref": "#/components/schemas/LotsResult"},
        {"$ref": "#/components/schemas/LotsImportResult"}]}
    return doc


@bp.get("/openapi.json")
def openapi() -> Any:
    """Serve the OpenAPI document."""
    return jsonify(document())

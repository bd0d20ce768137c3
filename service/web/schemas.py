"""Response schemas, used only to describe the API in the OpenAPI document."""

from __future__ import annotations

from marshmallow import Schema, fields


class _Open(Schema):
    class Meta:
        unknown = "include"


class ChoiceOut(_Open):
    value = fields.String(required=True)
    label = fields.String(required=True)


class FieldOut(_Open):
    name = fields.String(required=True)
    type = fields.String(required=True, metadata={"enum": [
        "text", "textarea", "email", "choice", "multichoice", "boolean", "money", "decimal",
        "integer", "date", "datetime", "file", "acknowledge"]})
    label = fields.String(required=True)
    required = fields.Boolean(required=True)
    help = fields.String()
    choices = fields.List(fields.Nested(ChoiceOut))
    min = fields.Raw()
    max = fields.Raw()
    max_length = fields.Integer()
    pattern = fields.String()
    value = fields.Raw(metadata={"description": "The answer already given, when going back."})


class StepOut(_Open):
    id = fields.String(required=True)
    flow = fields.String(required=True)
    flow_version = fields.String(required=True)
    state = fields.String(required=True)
    version = fields.Integer(required=True)
    status = fields.String(required=True, metadata={"enum": ["active", "complete"]})
    title = fields.String()
    stage = fields.Dict(required=True)
    progress = fields.Dict(required=True, metadata={"description": "{step, of}"})
    messages = fields.List(fields.Dict(), required=True)
    fields_ = fields.List(fields.Nested(FieldOut), data_key="fields", required=True)
    checklist = fields.List(fields.Dict(), required=True)
    documents = fields.List(fields.Dict(), required=True)
    results = fields.Dict(required=True)
    can_go_back = fields.Boolean(required=True)
    plan = fields.String(allow_none=True, metadata={
        "description": "The recovery plan, as text, once the conversation is complete."})
    token = fields.String(metadata={"description": "Only in the response that starts it."})


class ErrorOut(_Open):
    message = fields.String(required=True)


class ValidationErrorOut(ErrorOut):
    errors = fields.Dict(keys=fields.String(), values=fields.Raw(), required=True)


class ConflictOut(ErrorOut):
    current = fields.Nested(StepOut, allow_none=True)


class UploadOut(_Open):
    upload = fields.String(required=True)
    format = fields.String(required=True)
    rows = fields.Integer(required=True)
    errors = fields.List(fields.Dict(), required=True)


class CalculationOut(_Open):
    worksheet = fields.List(fields.Dict(), required=True)
    explanation = fields.List(fields.String(), required=True)


class StatusOut(_Open):
    status = fields.String(required=True)

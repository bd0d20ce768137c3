"""Build a calculator's request from a conversation's answers, as the flow file maps them.

A spec value is ``{field: name, default: x}`` (an answer), ``{value: x}`` (a constant),
``{upload: name, take: transactions}`` (part of an uploaded file), or a mapping or list of specs.
Entries whose answer is missing and that have no default are left out, so the calculator's own
validation says what is still needed; a list item missing any of its answers is left out whole
(a half-filled debt row is not a debt).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

_MISSING = object()


def _leaf(spec: Mapping[str, Any], facts: Mapping[str, Any],
          uploads: Callable[[str], Mapping[str, Any] | None] | None) -> Any:
    if "value" in spec:
        return spec["value"]
    if "upload" in spec:
        upload_id = facts.get(spec["upload"])
        upload = uploads(upload_id) if uploads and upload_id else None
        return _MISSING if upload is None else upload.get(spec.get("take", "transactions"))
    value = facts.get(spec["field"])
    if value in (None, "", []):
        return spec.get("default", _MISSING)
    return value


def _resolve(spec: Any, facts: Mapping[str, Any],
             uploads: Callable[[str], Mapping[str, Any] | None] | None,
             whole: bool = False) -> Any:
    """Resolve ``spec``; with ``whole``, a mapping missing any answer is missing entirely."""
    if isinstance(spec, Mapping) and ({"field", "value", "upload"} & set(spec)):
        return _leaf(spec, facts, uploads)
    if isinstance(spec, Mapping):
        out = {k: _resolve(v, facts, uploads, whole) for k, v in spec.items()}
        if whole and any(v is _MISSING for v in out.values()):
            return _MISSING
        out = {k: v for k, v in out.items() if v is not _MISSING}
        return out or _MISSING
    if isinstance(spec, list):  # a row of a list is used whole or not at all
        items = [_resolve(item, facts, uploads, whole=True) for item in spec]
        return [item for item in items if item is not _MISSING]
    return spec


def resolve(spec: Mapping[str, Any], facts: Mapping[str, Any],
            uploads: Callable[[str], Mapping[str, Any] | None] | None = None) -> dict[str, Any]:
    """Return the calculator request that ``spec`` describes for these answers."""
    result = _resolve(dict(spec), facts, uploads)
    return {} if result is _MISSING else result


def fields_in(spec: Any) -> set[str]:
    """Return every answer name a spec reads (for the flow linter)."""
    if isinstance(spec, Mapping):
        if "field" in spec:
            return {spec["field"]}
        if "upload" in spec:
            return {spec["upload"]}
        return set().union(*(fields_in(v) for v in spec.values())) if spec else set()
    if isinstance(spec, list):
        return set().union(*(fields_in(v) for v in spec)) if spec else set()
    return set()

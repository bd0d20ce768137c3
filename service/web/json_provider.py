"""JSON responses by orjson: the same documents Flask's provider writes, several times faster.

A step is a few kilobytes of text and choices; encoding it with the standard library was a
fifth of the work of reading or starting a conversation. Requests are still read by the
standard library (see errors.json_body), which keeps fractions exact as Decimal.
"""

from __future__ import annotations

from typing import Any

import orjson
from flask import Response
from flask.json.provider import DefaultJSONProvider

#: Types orjson would write its own way go to Flask's ``default`` instead (a datetime as an
#: HTTP date, a dataclass as its dict), so that the output does not change; keys that are not
#: strings are written as the standard library writes them.
_OPTIONS = (orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
            | orjson.OPT_NON_STR_KEYS)


class OrjsonProvider(DefaultJSONProvider):
    """Flask's JSON provider, writing with orjson; the standard library for anything else."""

    sort_keys = False

    def _encode(self, obj: Any, indent: bool = False) -> bytes | None:
        """Return ``obj`` as JSON bytes, or None when orjson cannot write it."""
        options = _OPTIONS | (orjson.OPT_INDENT_2 if indent else 0)
        try:
            return orjson.dumps(obj, default=self.default, option=options)
        except orjson.JSONEncodeError:  # an integer past 64 bits, say: the standard library
            return None

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        """Return ``obj`` as JSON text; options orjson has no match for go to the default."""
        if set(kwargs) <= {"indent", "separators"} and kwargs.get("indent") in (None, 2):
            encoded = self._encode(obj, indent=kwargs.get("indent") == 2)
            if encoded is not None:
                return encoded.decode()
        kwargs.setdefault("ensure_ascii", False)
        return super().dumps(obj, **kwargs)

    def response(self, *args: Any, **kwargs: Any) -> Response:
        """Return the JSON response for ``args`` or ``kwargs``, as bytes written once."""
        obj = self._prepare_response_obj(args, kwargs)
        indent = (self.compact is None and self._app.debug) or self.compact is False
        encoded = self._encode(obj, indent=indent)
        if encoded is None:
            return super().response(obj)
        return self._app.response_class(encoded + b"\n", mimetype=self.mimetype)

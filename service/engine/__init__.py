"""The dialog engine: flows as data, one shared state machine, conversations as plain data.

Knows nothing of Flask or the store.
"""

from __future__ import annotations

from .core import Conflict, Conversation, Engine, Finished, build_machine
from .diagram import mermaid, svg
from .flowdef import FIELD_TYPES, FieldDef, Flow, FlowError, StateDef, load_flow, parse_flow
from .lint import check_flow, check_paths

__all__ = ["FIELD_TYPES", "Conflict", "Conversation", "Engine", "FieldDef", "Finished", "Flow",
           "FlowError", "StateDef", "build_machine", "check_flow", "check_paths", "load_flow",
           "mermaid", "parse_flow", "svg"]

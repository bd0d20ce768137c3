"""``bearings chat``: the same conversation, validation and store, in a terminal."""

from __future__ import annotations

import sys
from collections.abc import Callable
from typing import Any

from marshmallow import ValidationError

from .conversations import Conversations, UnknownFlow
from .engine import Finished
from .store import Access


def _ask(field: dict[str, Any], read: Callable[[str], str]) -> Any:
    label = field["label"] + ("" if field["required"] else " (optional, Enter to skip)")
    if field.get("help"):
        print(f"  {field['help']}")
    choices = field.get("choices", [])
    for number, choice in enumerate(choices, 1):
        print(f"  {number}. {choice['label']}")
    if field["type"] == "multichoice":
        raw = read(f"{label} (numbers separated by commas): ")
        picked = [p.strip() for p in raw.split(",") if p.strip()]
        return [choices[int(p) - 1]["value"] if p.isdigit() and 0 < int(p) <= len(choices)
                else p for p in picked]
    if field["type"] == "boolean":
        raw = read(f"{label} [y/n]: ").strip().lower()
        return {"y": True, "yes": True, "n": False, "no": False}.get(raw, raw)
    if field["type"] == "acknowledge":
        return read(f"{label} [press Enter to confirm]: ") == "" or None
    raw = read(f"{label}: ").strip()
    if choices and raw.isdigit() and 0 < int(raw) <= len(choices):
        return choices[int(raw) - 1]["value"]
    return raw


def _show(step: dict[str, Any]) -> None:
    print()
    print(f"== {step['stage']['title']} · step {step['progress']['step']} of "
          f"{step['progress']['of']} ==")
    print(step["title"])
    for message in step["messages"]:
        if message["text"]:
            print(message["text"])
    for doc in step["documents"]:
        state = "ready" if doc.get("ready", True) else "needs " + ", ".join(doc["missing"])
        print(f"  [letter] {doc['title']} ({state})")


def chat(flow_id: str, read: Callable[[str], str] = input,
         service: Conversations | None = None) -> int:
    """Hold one conversation; type 'back' to go back, Ctrl-D to stop."""
    if service is None:
        from . import create_app

        service = create_app().extensions["bearings"]
    try:
        conv, token = service.start(flow_id)
    except UnknownFlow:
        print(f"bearings: no flow called {flow_id!r}", file=sys.stderr)
        return 1
    access = Access(conv.id, token)
    print(f"Conversation {conv.id}. Type 'back' at any question to go back.")
    step = service.step(access)
    try:
        while step["status"] == "active":
            _show(step)
            answers: dict[str, Any] = {}
            for field in step["fields"]:
                value = _ask(field, read)
                if value == "back":
                    break
                answers[field["name"]] = value
            else:
                try:
                    step = service.answer(access, step["state"], step["version"], answers)
                except ValidationError as exc:
                    for name, messages in exc.normalized_messages().items():
                        print(f"  ! {name}: {' '.join(map(str, messages))}")
                except Finished:
                    break
                continue
            step = service.back(access)
    except EOFError:
        print("\nStopped. Your answers are saved.")
        return 0
    _show(step)
    return 0


if __name__ == "__main__":
    sys.exit(chat("crypto-loss-recovery"))

"""``bearings chat``: the same conversation, validation and store, in a terminal.

Step text is Markdown; it is shown as plain text, with bold in bold when the output is a
terminal. A wrong answer is asked again on its own: the other answers of the step are kept.
Times typed without a zone are read in this computer's time zone (the step says which).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any, TextIO

from markdown_it import MarkdownIt
from markdown_it.token import Token
from marshmallow import ValidationError

from .conversations import Conversations, UnknownFlow
from .engine import Finished
from .store import Access

#: The answer key that carries the person's time zone (see service.engine.answers.ZONE_KEY).
ZONE_KEY = "_time_zone"
BACK = "back"
_MD = MarkdownIt("commonmark", {"html": False}).enable("table")


class Style:
    """How emphasis is shown: ANSI bold, or nothing."""

    def __init__(self, bold: bool = False) -> None:
        self.bold_on, self.bold_off = ("\x1b[1m", "\x1b[22m") if bold else ("", "")

    @classmethod
    def for_stream(cls, stream: TextIO) -> Style:
        """Return bold on a terminal (unless NO_COLOR is set or TERM is dumb), else plain."""
        try:
            tty = stream.isatty()
        except (AttributeError, ValueError):
            tty = False
        return cls(tty and not os.environ.get("NO_COLOR") and os.environ.get("TERM") != "dumb")

    def bold(self, text: str) -> str:
        return f"{self.bold_on}{text}{self.bold_off}" if text else text


PLAIN = Style()


def _inline(tokens: list[Token] | None, style: Style) -> str:
    """Return an inline run as terminal text: bold kept, links followed by their address."""
    out: list[str] = []
    links: list[str] = []
    for token in tokens or []:
        if token.type in ("text", "code_inline", "html_inline"):
            out.append(token.content)
        elif token.type in ("softbreak", "hardbreak"):
            out.append("\n")
        elif token.type == "strong_open":
            out.append(style.bold_on)
        elif token.type == "strong_close":
            out.append(style.bold_off)
        elif token.type == "link_open":
            links.append(str(token.attrs.get("href", "")))
            out.append("")
        elif token.type == "link_close":
            href = links.pop() if links else ""
            if href and not href.startswith("#") and href not in "".join(out[-3:]):
                out.append(f" ({href})")
        elif token.type == "image":
            out.append(token.content)
    return "".join(out)


def render_markdown(text: str, style: Style = PLAIN) -> str:
    """Return Markdown as terminal text: paragraphs a blank line apart, list items and table
    rows one a line, headings and bold text in bold (when ``style`` shows bold)."""
    blocks: list[tuple[str, str]] = []  # (text, "item" | "row" | "block")
    lists: list[list[int]] = []  # per open list: [next number], or [] when bulleted
    prefix, heading, row, list_id = "", False, None, 0
    for token in _MD.parse(text or ""):
        kind = token.type
        if kind in ("heading_open", "heading_close"):
            heading = kind == "heading_open"
        elif kind in ("bullet_list_open", "ordered_list_open"):
            list_id += 0 if lists else 1
            start = int(token.attrs.get("start", 1) or 1)
            lists.append([start] if kind == "ordered_list_open" else [])
        elif kind in ("bullet_list_close", "ordered_list_close"):
            lists.pop()
        elif kind == "list_item_open":
            counter = lists[-1]
            prefix = "  " * (len(lists) - 1) + (f"{counter[0]}. " if counter else "- ")
            if counter:
                counter[0] += 1
        elif kind == "tr_open":
            row = []
        elif kind == "tr_close" and row is not None:
            blocks.append((" | ".join(row), "row"))
            row = None
        elif kind == "inline" and row is not None:
            row.append(_inline(token.children, style).strip())
        elif kind == "inline":
            content = _inline(token.children, style)
            content = style.bold(content) if heading else content
            indent = " " * len(prefix) if prefix else "  " * len(lists)
            blocks.append(((prefix or indent) + content.replace("\n", "\n" + indent),
                           f"item {list_id}" if lists else "block"))
            prefix = ""
        elif kind in ("fence", "code_block"):
            lines = token.content.rstrip("\n").split("\n")
            blocks.append(("\n".join("    " + line for line in lines), "block"))
        elif kind == "hr":
            blocks.append(("---", "block"))
    out = ""
    for index, (block, kind) in enumerate(blocks):
        if index:
            out += "\n" if kind != "block" and kind == blocks[index - 1][1] else "\n\n"
        out += block
    return out


# -- asking -----------------------------------------------------------------------------------


def local_zone() -> str | None:
    """Return this computer's time zone: its IANA name when known, else its UTC offset."""
    name = os.environ.get("TZ", "").lstrip(":")
    if name and "/" in name and not name.startswith("/"):
        return name
    try:
        target = Path("/etc/localtime").resolve()
    except OSError:
        target = None
    if target is not None and "zoneinfo" in target.parts:
        name = "/".join(target.parts[target.parts.index("zoneinfo") + 1:])
        return "UTC" if name in ("Etc/UTC", "Etc/Universal", "Etc/Zulu", "UCT") else name
    offset = datetime.now().astimezone().utcoffset()
    if offset is None:
        return None
    minutes = int(offset.total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


class _Again(Exception):
    """The answer typed cannot be sent as it is; the message says why."""


def _numbers(raw: str, count: int) -> list[int | str]:
    """Return the picks typed as numbers (or words) separated by commas."""
    picked: list[int | str] = []
    for part in (p.strip() for p in raw.split(",")):
        if not part:
            continue
        if part.isdigit():
            if not 0 < int(part) <= count:
                raise _Again(f"Type numbers from 1 to {count}, separated by commas.")
            picked.append(int(part))
        else:
            picked.append(part)
    return picked


def _read_value(field: Mapping[str, Any], read: Callable[[str], str]) -> Any:
    """Ask one question once; return the answer to send, BACK, or raise _Again."""
    label = field["label"] + ("" if field["required"] else " (optional, Enter to skip)")
    choices = field.get("choices", [])
    kind = field["type"]
    if kind == "multichoice":
        raw = read(f"{label} (numbers separated by commas): ")
        if raw.strip().lower() == BACK:
            return BACK
        return [choices[p - 1]["value"] if isinstance(p, int) else p
                for p in _numbers(raw, len(choices))]
    if kind == "boolean":
        raw = read(f"{label} [y/n]: ").strip().lower()
        if raw == BACK:
            return BACK
        if raw and raw not in ("y", "yes", "n", "no"):
            raise _Again("Type y for yes or n for no.")
        return {"y": True, "yes": True, "n": False, "no": False}.get(raw)
    if kind == "acknowledge":
        raw = read(f"{label} [press Enter to confirm]: ").strip()
        return BACK if raw.lower() == BACK else (raw == "" or None)
    raw = read(f"{label}: ").strip()
    if choices and raw.isdigit():
        if not 0 < int(raw) <= len(choices):
            raise _Again(f"Type a number from 1 to {len(choices)}.")
        return choices[int(raw) - 1]["value"]
    return raw


def _ask(field: Mapping[str, Any], read: Callable[[str], str], style: Style = PLAIN,
         zone: str | None = None) -> Any:
    """Ask one question until the answer can be sent; return it (or BACK)."""
    if field.get("help"):
        print(f"  {render_markdown(field['help'], style)}")
    if field["type"] == "datetime" and zone:
        print(f"  A time without a time zone is read as {zone}, this computer's zone.")
    for number, choice in enumerate(field.get("choices", []), 1):
        print(f"  {number}. {choice['label']}")
    while True:
        try:
            return _read_value(field, read)
        except _Again as exc:
            print(f"  ! {exc}")


def _messages(messages: Any) -> list[str]:
    """Return the distinct messages of an error, however nested, as plain sentences."""
    if isinstance(messages, Mapping):
        messages = list(messages.values())
    if isinstance(messages, list | tuple):
        return list(dict.fromkeys(m for item in messages for m in _messages(item)))
    return [str(messages)]


def _labels(engine: Any, step: Mapping[str, Any]) -> dict[str, str]:
    """Return a label for each answer name the flow or the letters know."""
    from . import letters

    labels = {name: spec.label for name, spec in letters.VOCABULARY.items()}
    if engine is not None:
        labels.update({spec.name: spec.label for state in engine.flow.states.values()
                       for spec in state.fields})
    labels.update({field["name"]: field["label"] for field in step.get("fields", [])})
    return labels


def _show(step: Mapping[str, Any], style: Style = PLAIN,
          labels: Mapping[str, str] | None = None) -> None:
    labels = labels or {}
    print()
    print(style.bold(f"== {step['stage']['title']} · step {step['progress']['step']} of "
                     f"{step['progress']['of']} =="))
    print(style.bold(step["title"]))
    for message in step["messages"]:
        if message["text"]:
            print(render_markdown(message["text"], style))
    for doc in step["documents"]:
        if doc.get("ready", True):
            print(f"  [letter] {doc['title']} (ready)")
        else:
            needs = ", ".join(labels.get(name, name.replace("_", " ")) for name in doc["missing"])
            print(f"  [letter] {doc['title']} (still needs: {needs})")


def _engine(service: Conversations, flow_id: str) -> Any:
    try:
        return service.engine(flow_id)
    except (UnknownFlow, AttributeError):
        return None


def _answer_step(service: Conversations, access: Access, step: dict[str, Any],
                 read: Callable[[str], str], style: Style, zone: str | None,
                 labels: Mapping[str, str]) -> dict[str, Any] | None:
    """Ask the step's questions and send them; a wrong answer is asked again on its own.

    Return the next step, or None when the person typed 'back'.
    """
    fields = {field["name"]: field for field in step["fields"]}
    answers: dict[str, Any] = {}
    asking = list(fields)
    while True:
        for name in asking:
            value = _ask(fields[name], read, style, zone)
            if value == BACK:
                return None
            answers[name] = value
        sent = {**answers, ZONE_KEY: zone} if zone else answers
        try:
            return service.answer(access, step["state"], step["version"], sent)
        except ValidationError as exc:
            errors = exc.normalized_messages()
        wrong = [name for name in fields if name in errors]
        for name, messages in errors.items():
            label = labels.get(name, name.replace("_", " ")) if name in fields else None
            for text in _messages(messages):
                print(f"  ! {label}: {text}" if label else f"  ! {text}")
        asking = wrong or list(fields)
        print("  Please answer " + ("that again." if len(asking) == 1 else "these again."))


def chat(flow_id: str, read: Callable[[str], str] = input,
         service: Conversations | None = None, zone: str | None = None) -> int:
    """Hold one conversation; type 'back' to go back, Ctrl-D to stop."""
    if service is None:
        from . import create_app

        service = create_app().extensions["bearings"]
    try:
        conv, token = service.start(flow_id)
    except UnknownFlow:
        print(f"bearings: no flow called {flow_id!r}", file=sys.stderr)
        return 1
    style = Style.for_stream(sys.stdout)
    zone = zone or local_zone()
    access = Access(conv.id, token)
    print(f"Conversation {conv.id}. Type 'back' at any question to go back.")
    step = service.step(access)
    labels = _labels(_engine(service, conv.flow), step)
    try:
        while step["status"] == "active":
            _show(step, style, labels)
            try:
                following = _answer_step(service, access, step, read, style, zone, labels)
            except Finished:
                break
            step = following if following is not None else service.back(access)
    except EOFError:
        print("\nStopped. Your answers are saved.")
        return 0
    _show(step, style, labels)
    return 0


if __name__ == "__main__":
    sys.exit(chat("crypto-loss-recovery"))

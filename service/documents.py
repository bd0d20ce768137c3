"""A conversation's letters and evidence pack, filled from its answers and results."""

from __future__ import annotations

from typing import Any

from . import letters
from .conversations import Conversations
from .engine.step import wanted_documents
from .store import Access


class NotReady(Exception):
    """The document lacks facts the person has not given yet."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


def listed(service: Conversations, access: Access) -> list[dict[str, Any]]:
    """Return the documents the conversation calls for, ready or with what they lack."""
    engine, conv = service.load(access)
    return letters.documents_for(engine.facts(conv), conv.results,
                                 wanted_documents(engine, conv))


def render(service: Conversations, access: Access, document_id: str,
           fmt: str) -> letters.Rendered:
    """Render one of the conversation's documents; raise NotReady or UnknownLetter."""
    engine, conv = service.load(access)
    facts = engine.facts(conv)
    wanted = wanted_documents(engine, conv)
    entry = next((d for d in letters.documents_for(facts, conv.results, wanted)
                  if d["id"] == document_id), None)
    if entry is None:
        raise letters.UnknownLetter(document_id)
    if not entry["ready"]:
        raise NotReady(entry["missing"])
    return letters.render(document_id, facts, fmt, results=conv.results)


def evidence_pack(service: Conversations, access: Access) -> bytes:
    """Return the ZIP of every ready letter, the timeline, worksheets, checklist and reminders."""
    engine, conv = service.load(access)
    facts = engine.facts(conv)
    step = engine.step(conv)
    timeline = facts.get("timeline_events") or []
    deadlines = conv.results.get("deadlines", {}).get("deadlines", [])
    return letters.evidence_pack(facts=facts, results=conv.results,
                                 documents=wanted_documents(engine, conv), timeline=timeline,
                                 checklist=step["checklist"], deadlines=deadlines,
                                 plan=step.get("plan"), calendar_id=conv.id)

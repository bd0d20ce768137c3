"""Changing an earlier answer from the review screen, for the chat and the widget.

The public API's answer moves one step on (the contract's "next step"), also after going back.
A change made from the review screen goes further: once the changed step is answered, every
step ahead whose kept answers still stand is passed by, so the person lands on the first step of
the (possibly new) path that needs an answer, or back on the finished plan with its letters.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..conversations import Conversations
from ..store import Access


def answer_and_go_on(service: Conversations, access: Access, state: str, version: int | None,
                     answers: Mapping[str, Any]) -> dict[str, Any]:
    """Answer the step being changed, pass the steps still answered; return where it stops.

    Raises what ``Conversations.answer`` raises: Conflict, Stale, Finished or ValidationError.
    """
    engine, conv = service.load(access)
    read = conv.version

    def uploads(upload_id: str) -> Mapping[str, Any] | None:
        return service.store.get_upload(access, upload_id)

    engine.answer(conv, state, version, answers, uploads)
    engine.forward(conv, uploads)
    service.store.save(conv, access, read)
    return engine.step(conv)

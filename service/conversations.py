"""Conversations as the web layer and the CLI use them: the engine plus the store."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from marshmallow import ValidationError

from .engine import Conflict, Conversation, Engine
from .store import Access, Store, new_id, new_token
from .store import resume as resume_codes


class UnknownFlow(LookupError):
    """No flow with that id is served."""


@dataclass
class Conversations:
    """Start, read, answer and erase conversations; one instance per app."""

    store: Store
    engines: dict[str, Engine]
    default_flow: str = "crypto-loss-recovery"
    secret_key: str = ""

    def engine(self, flow_id: str) -> Engine:
        """Return the engine of a served flow."""
        try:
            return self.engines[flow_id]
        except KeyError:
            raise UnknownFlow(flow_id) from None

    def start(self, flow_id: str | None = None) -> tuple[Conversation, str]:
        """Start a conversation; return it with its token (shown once, never stored)."""
        engine = self.engine(flow_id or self.default_flow)
        conv, token = engine.start(new_id()), new_token()
        self.store.create(conv, token)
        return conv, token

    def load(self, access: Access) -> tuple[Engine, Conversation]:
        """Return the conversation and its engine."""
        conv = self.store.load(access)
        return self.engine(conv.flow), conv

    def step(self, access: Access) -> dict[str, Any]:
        """Return the current step."""
        engine, conv = self.load(access)
        return engine.step(conv)

    def answer(self, access: Access, state: str, version: int | None,
               answers: Mapping[str, Any]) -> dict[str, Any]:
        """Answer the current step and return the next; raises Conflict, Stale or 422."""
        engine, conv = self.load(access)
        read = conv.version
        engine.answer(conv, state, version, answers,
                      uploads=lambda upload_id: self.store.get_upload(access, upload_id))
        self.store.save(conv, access, read)
        return engine.step(conv)

    def back(self, access: Access) -> dict[str, Any]:
        """Go back one step, keeping the answers."""
        engine, conv = self.load(access)
        read = conv.version
        engine.back(conv)
        if conv.version != read:
            self.store.save(conv, access, read)
        return engine.step(conv)

    def review(self, access: Access) -> list[dict[str, Any]]:
        """Return every answer so far with the step it belongs to, in the flow's order."""
        engine, conv = self.load(access)
        out = []
        for state_id in engine.path(conv):
            if state_id not in conv.answers:
                continue
            state = engine.flow.states[state_id]
            labels = {f.name: f.label for f in state.fields}
            out.append({"state": state_id, "title": state.title,
                        "answers": [{"name": k, "label": labels.get(k, k), "value": v}
                                    for k, v in conv.answers[state_id].items()]})
        return out

    def export(self, access: Access) -> dict[str, Any]:
        """Return everything stored about the conversation (data portability)."""
        engine, conv = self.load(access)
        return {"id": conv.id, "flow": conv.flow, "flow_version": conv.flow_version,
                "state": conv.state, "status": conv.status, "version": conv.version,
                **conv.payload(), "uploads": [
                    {**u, "data": self.store.get_upload(access, u["upload"])}
                    for u in self.store.uploads(access)]}

    def delete(self, access: Access) -> None:
        """Erase the conversation and everything tied to it."""
        self.store.delete(access)

    # -- resume codes and changing earlier answers ------------------------------------------

    def _resume_secret(self) -> bytes:
        if not self.secret_key:
            raise RuntimeError("Resume codes need the app's secret key: set secret_key.")
        return self.secret_key.encode()

    def make_resume_code(self, access: Access) -> str:
        """Return a new resume code (such as 7K3M-Q9TR-2B); the old one lapses."""
        return resume_codes.remember(self.store, access, self._resume_secret())

    def resume(self, code: str) -> Access:
        """Return the access a resume code gives; raise resume.BadCode or NotFound."""
        return resume_codes.recall(self.store, self._resume_secret(), code)

    def revisit(self, access: Access, state: str) -> dict[str, Any]:
        """Move to an answered step to change it, keeping every answer; return that step.

        Earlier steps are reached by going back; later ones, when every step before them is
        answered, by replaying the kept answers (stopping early at a step whose kept answers no
        longer pass). Any other state raises Conflict.
        """
        engine, conv = self.load(access)
        read = conv.version
        if state in conv.history:
            while conv.state != state:
                engine.back(conv)
        elif self._answered_up_to(engine, conv, state):
            self._replay(engine, conv, access, state)
        else:
            raise Conflict()
        if conv.version != read:
            self.store.save(conv, access, read)
        return engine.step(conv)

    @staticmethod
    def _answered_up_to(engine: Engine, conv: Conversation, state: str) -> bool:
        """Return whether ``state`` lies ahead on the path with every step before it answered."""
        route = engine.path(conv)
        if state not in route or conv.state not in route:
            return False
        between = route[route.index(conv.state):route.index(state)]
        return bool(between) and all(s in conv.answers for s in between)

    def _replay(self, engine: Engine, conv: Conversation, access: Access, state: str) -> None:
        """Answer each step up to ``state`` again with its kept answers."""
        def uploads(upload_id: str) -> dict[str, Any] | None:
            return self.store.get_upload(access, upload_id)

        while conv.state != state and conv.state in conv.answers:
            try:
                engine.answer(conv, conv.state, conv.version, conv.answers[conv.state], uploads)
            except ValidationError:
                return

"""Resume codes: made and opened through the service, safe in a copy of the database."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import Row, select

from service.conversations import Conversations
from service.engine import Conflict
from service.store import Access, NotFound, Unauthorized
from service.store.models import conversations
from service.store.resume import ALPHABET, BadCode, display, new_code, normalize
from tests.browser.story import value_for

CODE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}$")


def service_of(app: Flask) -> Conversations:
    """Return the app's conversation service."""
    service: Conversations = app.extensions["bearings"]
    return service


def started(app: Flask) -> Access:
    """Start a conversation and return its access."""
    conv, token = service_of(app).start()
    return Access(conv.id, token)


def row(app: Flask, conversation_id: str) -> Row[Any]:
    """Return the stored row, as a copy of the database would show it."""
    with service_of(app).store.engine.connect() as connection:
        found = connection.execute(select(conversations).where(
            conversations.c.id == conversation_id)).first()
    assert found is not None
    return found


@pytest.mark.parametrize(("typed", "expected"), [
    ("7KQ2-M9XD-4T", "7KQ2M9XD4T"),
    ("7kq2 m9xd 4t", "7KQ2M9XD4T"),
    ("  7KQ2M9XD4T ", "7KQ2M9XD4T"),
    ("iLo2-M9XD-4T", "1102M9XD4T"),
    ("7KQ2.M9XD_4T", "7KQ2M9XD4T"),
])
def test_normalize_forgives_case_separators_and_lookalikes(typed: str, expected: str) -> None:
    assert normalize(typed) == expected


@pytest.mark.parametrize("typed", ["", "7KQ2-M9XD", "7KQ2-M9XD-4TT", "7KQ2-M9XD-4U",
                                   "7KQ2-M9XD-4!", "７KQ2-M9XD-4T"])
def test_normalize_refuses_malformed_codes(typed: str) -> None:
    with pytest.raises(BadCode, match="10 letters and digits"):
        normalize(typed)


def test_new_codes_are_crockford_and_vary() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 10 and set(c) <= set(ALPHABET) for c in codes)
    assert all(CODE.match(display(c)) for c in codes)


def test_a_code_opens_the_conversation_on_another_device(app: Flask) -> None:
    service = service_of(app)
    access = started(app)
    code = service.make_resume_code(access)
    assert CODE.match(code)
    for typed in (code, code.lower(), code.replace("-", " ")):
        assert service.resume(typed) == access
    assert service.step(service.resume(code))["id"] == access.id


def test_making_a_code_leaves_the_step_version_alone(app: Flask) -> None:
    service = service_of(app)
    access = started(app)
    before = service.step(access)
    service.make_resume_code(access)
    step = service.answer(access, before["state"], before["version"], story(before))
    assert step["state"] != before["state"] and step["version"] == before["version"] + 1


def test_a_new_code_replaces_the_old_one(app: Flask) -> None:
    service = service_of(app)
    access = started(app)
    old = service.make_resume_code(access)
    new = service.make_resume_code(access)
    assert old != new
    assert service.resume(new) == access
    with pytest.raises(NotFound):
        service.resume(old)


def test_a_wrong_or_malformed_code_opens_nothing(app: Flask) -> None:
    service = service_of(app)
    code = service.make_resume_code(started(app))
    wrong = ("0" if code[0] != "0" else "1") + code[1:]
    with pytest.raises(NotFound):
        service.resume(wrong)
    with pytest.raises(BadCode):
        service.resume("not a code")


def test_only_the_tokens_holder_can_make_a_code(app: Flask) -> None:
    access = started(app)
    with pytest.raises(Unauthorized):
        service_of(app).make_resume_code(Access(access.id, "x" * 43))


def test_a_copy_of_the_database_does_not_open_the_conversation(app: Flask,
                                                                make_app: Any) -> None:
    access = started(app)
    code = service_of(app).make_resume_code(access)
    stored = row(app, access.id)
    plain = normalize(code)
    assert stored.resume_hash and len(stored.resume_hash) == 64
    assert stored.resume_hash not in (hashlib.sha256(plain.encode()).hexdigest(),
                                      hashlib.sha256(code.encode()).hexdigest())
    assert stored.resume_box and access.token.encode() not in stored.resume_box
    assert plain.encode() not in stored.resume_box
    other_secret = make_app(SECRET_KEY="another-secret")
    with pytest.raises(NotFound):
        service_of(other_secret).resume(code)


def test_erasing_the_conversation_erases_its_code(app: Flask) -> None:
    service = service_of(app)
    access = started(app)
    code = service.make_resume_code(access)
    service.delete(access)
    with pytest.raises(NotFound):
        service.resume(code)
    with service.store.engine.connect() as connection:
        assert connection.execute(select(conversations).where(
            conversations.c.id == access.id)).first() is None


def story(step: dict[str, Any]) -> dict[str, Any]:
    """Return the story's answers to a step."""
    return {f["name"]: value_for(f) for f in step["fields"] if value_for(f) is not None}


def _walk(app: Flask, steps: int) -> tuple[Conversations, Access, list[dict[str, Any]]]:
    """Answer ``steps`` steps of the story; return the service, the access and those steps."""
    service = service_of(app)
    access = started(app)
    seen = []
    for _ in range(steps):
        step = service.step(access)
        service.answer(access, step["state"], step["version"], story(step))
        seen.append(step)
    return service, access, seen


def test_revisit_goes_back_to_an_earlier_step_with_its_answer(app: Flask) -> None:
    service, access, seen = _walk(app, 2)
    step = service.revisit(access, seen[0]["state"])
    assert step["state"] == seen[0]["state"]
    assert {f["name"]: f["value"] for f in step["fields"] if "value" in f} == story(seen[0])
    assert [s["state"] for s in service.review(access)] == [s["state"] for s in seen]


def test_revisit_replays_kept_answers_to_reach_a_later_step(app: Flask) -> None:
    service, access, seen = _walk(app, 2)
    after = service.step(access)["state"]
    service.revisit(access, seen[0]["state"])
    step = service.revisit(access, seen[1]["state"])
    assert step["state"] == seen[1]["state"]
    assert {f["name"]: f["value"] for f in step["fields"] if "value" in f} == story(seen[1])
    assert service.revisit(access, after)["state"] == after


def test_revisit_refuses_a_step_off_the_path_or_not_reached(app: Flask) -> None:
    service, access, seen = _walk(app, 2)
    final = next(s.id for s in service.engine("crypto-loss-recovery").flow.states.values()
                 if s.final)
    for state in (final, "no_such_state"):
        with pytest.raises(Conflict):
            service.revisit(access, state)
    service.revisit(access, seen[0]["state"])
    with pytest.raises(Conflict):
        service.revisit(access, final)
    assert service.step(access)["state"] == seen[0]["state"]

"""Six people walked through the JSON API, step by step, as golden transcripts.

Each file in ``tests/transcripts/`` gives the answers a person sends at each state and what
they must get at the end: the recovery plan (phrases that must and must not appear in it), the
deadlines with their due dates, the documents with whether each is ready, figures from the
calculators, and the checklist items they have confirmed. The deadline clock is frozen at the
transcript's ``today`` so the days left never drift.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from service.calculators import deadlines

from .conftest import Driver

HERE = Path(__file__).parent / "transcripts"
TRANSCRIPTS = sorted(HERE.glob("*.yaml"))
UPLOAD = "@upload:"


def _frozen(day: date) -> type[date]:
    """Return a ``date`` whose ``today()`` is ``day``."""

    class Frozen(date):
        @classmethod
        def today(cls) -> Frozen:
            return cls(day.year, day.month, day.day)

    return Frozen


def _dig(data: Any, dotted: str) -> Any:
    """Return ``data["a"]["b"]`` for ``"a.b"``; calculator names keep their dashes."""
    for key in dotted.split("."):
        data = data[key]
    return data


def _answers(conv: Driver, given: dict[str, Any]) -> dict[str, Any]:
    """Return the answers to send, with ``@upload:<file>`` replaced by an upload's id."""
    answers = dict(given)
    for name, value in given.items():
        if isinstance(value, str) and value.startswith(UPLOAD):
            path = HERE / value.removeprefix(UPLOAD)
            with path.open("rb") as handle:
                response = conv.client.post(conv.url("/uploads"), headers=conv.headers,
                                            data={"file": (handle, path.name)},
                                            content_type="multipart/form-data")
            assert response.status_code == 201, response.get_json()
            answers[name] = response.get_json()["upload"]
    return answers


def _replay(conv: Driver, script: dict[str, Any]) -> dict[str, Any]:
    """Answer every step in order, checking each is the state the script expects."""
    for number, step in enumerate(script["steps"], start=1):
        assert conv.step["state"] == step["state"], f"step {number}"
        assert conv.step["status"] == "active"
        conv.answer(**_answers(conv, step["answers"]))
    return conv.step


@pytest.fixture(params=TRANSCRIPTS, ids=[path.stem for path in TRANSCRIPTS])
def script(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """Return one transcript, with the deadline clock frozen at its day."""
    loaded: dict[str, Any] = yaml.safe_load(request.param.read_text(encoding="utf-8"))
    monkeypatch.setattr(deadlines, "date", _frozen(date.fromisoformat(loaded["today"])))
    return loaded


def test_there_are_six_people() -> None:
    assert [path.stem for path in TRANSCRIPTS] == [
        "account_takeover", "card_funded", "heloc_and_spouse", "misclick_short_liquidated",
        "pig_butchering", "tax_only"]


def _check_plan(script: dict[str, Any], final: dict[str, Any]) -> None:
    expect = script["expect"]
    assert (final["state"], final["status"], final["fields"]) == (expect["final"], "complete", [])
    assert final["progress"]["step"] == final["progress"]["of"] == len(script["steps"]) + 1
    plan = final["messages"][0]["text"]
    missing = [phrase for phrase in expect["plan"] if phrase not in plan]
    assert not missing, f"missing {missing} from:\n{plan}"
    present = [phrase for phrase in expect["not_in_plan"] if phrase in plan]
    assert not present, f"unexpected {present} in:\n{plan}"
    for dotted, value in expect["results"].items():
        assert _dig(final["results"], dotted) == value, dotted


def _check_deadlines(script: dict[str, Any], final: dict[str, Any]) -> None:
    found = {item["id"]: item["due"] for item in final["results"]["deadlines"]["deadlines"]}
    assert found == script["expect"]["deadlines"]
    today = date.fromisoformat(script["today"])
    for item in final["results"]["deadlines"]["deadlines"]:
        assert item["days_left"] == (date.fromisoformat(item["due"][:10]) - today).days


def _check_documents(script: dict[str, Any], final: dict[str, Any], conv: Driver) -> None:
    listed = {entry["id"]: "ready" if entry["ready"] else "missing"
              for entry in final["documents"]}
    assert list(listed.items()) == list(script["expect"]["documents"].items())
    name = next(step["answers"]["full_name"] for step in script["steps"]
                if "full_name" in step["answers"])
    for document, status in listed.items():
        response = conv.get(f"/documents/{document}.txt")
        if status == "ready":
            assert response.status_code == 200, (document, response.get_json())
            assert name in response.get_data(as_text=True), document
        else:
            assert response.status_code == 422, document


def _check_checklist(script: dict[str, Any], final: dict[str, Any]) -> None:
    done = [item["id"] for item in final["checklist"] if item["done"]]
    assert sorted(done) == sorted(script["expect"]["checklist_done"])
    assert len(done) == len(set(done))
    assert all(item["text"] for item in final["checklist"])


def test_the_person_gets_their_plan_deadlines_and_documents(script: dict[str, Any],
                                                            driver: Any) -> None:
    conv = driver()
    final = _replay(conv, script)
    _check_plan(script, final)
    _check_deadlines(script, final)
    _check_documents(script, final, conv)
    _check_checklist(script, final)

"""The engine without HTTP: validation per field type, back and edit, progress, pruning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from marshmallow import ValidationError

from service.engine import Conflict, Engine, Finished, load_flow
from service.engine.conditions import holds
from tests.browser.engines import with_letter_flow

FIXTURES = Path(__file__).parent / "fixtures" / "flows"


@pytest.fixture(scope="module")
def tiny() -> Engine:
    return Engine(load_flow(FIXTURES / "tiny.yaml"))


@pytest.fixture(scope="module")
def types() -> Engine:
    return Engine(load_flow(FIXTURES / "all_types.yaml"))


def errors_for(engine: Engine, answers: dict[str, Any]) -> dict[str, Any]:
    conv = engine.start("c")
    with pytest.raises(ValidationError) as caught:
        engine.answer(conv, conv.state, conv.version, answers)
    assert conv.state == engine.flow.start and conv.answers == {}
    return caught.value.normalized_messages()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("a_text", "x" * 11, "Keep this under 10 characters."),
    ("a_text", 12, "Not a valid string."),
    ("a_patterned", "12345", "This does not look right; check the format."),
    ("an_email", "not-an-email", "Enter an e-mail address such as name@example.com."),
    ("a_choice", "z", "Choose one of: Ex, Why."),
    ("a_multi", ["x", "z"], "Choose one of: Ex, Why."),
    ("a_multi", "why", "Did you mean: Why? Send y to confirm."),
    ("a_choice", "exx", "Did you mean: Ex? Send x to confirm."),
    ("a_bool", "maybe", "Answer yes or no."),
    ("some_money", "12.345", "Use at most two decimal places."),
    ("some_money", "-5.00", "Enter an amount from $0 to $1,000,000."),
    ("some_money", "lots", "Enter an amount such as 1234.56."),
    ("a_decimal", "1e999999", "Enter a number from -1,000,000,000,000 to 1,000,000,000,000."),
    ("an_integer", "eleven", "Enter a whole number."),
    ("an_integer", 11, "Enter a value from 1 to 10."),
    ("a_date", "2025-13-01", "Enter a date, for example "),
    ("a_date", "2019-12-31", "Enter a value from 2020-01-01 to 2030-12-31."),
    ("a_datetime", "2025-07-03T14:00:00", "Add your time zone, for example "),
    ("a_datetime", "yesterday", "Add the time too, for example "),
    ("a_file", "no-such-upload", "Upload the file first, then send its id."),
    ("an_ack", False, "Tick the box to confirm."),
])
def test_each_field_type_explains_a_bad_answer(types: Engine, field: str, value: Any,
                                               message: str) -> None:
    messages = errors_for(types, {field: value})
    flat = messages[field] if isinstance(messages[field], list) else messages[field]
    assert message in str(flat)


def test_a_typed_sentence_suggests_the_choice_it_means() -> None:
    engine = Engine(load_flow(Path(__file__).parent.parent / "flows" /
                              "crypto-loss-recovery.yaml"))
    messages = errors_for(engine, {"situation": "my husbnd traded it", "funding": ["savings"]})
    assert messages["situation"][0].startswith("Did you mean: A partner")
    assert messages["situation"][0].endswith("Send partner to confirm.")


def test_unknown_fields_are_named(types: Engine) -> None:
    assert errors_for(types, {"nonsense": 1}) == {"nonsense": ["Unknown field."]}


def test_good_answers_are_stored_canonically(types: Engine) -> None:
    conv = types.start("c")
    types.answer(conv, "form", 1, {
        "a_text": "  hi  ", "some_money": "1,234.5", "a_decimal": "0.50000",
        "an_integer": "7", "a_date": "2025-02-28", "a_datetime": "2025-07-03T16:00:00+02:00",
        "a_bool": "yes", "a_multi": ["y"], "an_ack": True, "a_choice": ""})
    stored = conv.answers["form"]
    assert stored == {"a_text": "hi", "some_money": "1234.50", "a_decimal": "0.5",
                      "an_integer": 7, "a_date": "2025-02-28",
                      "a_datetime": "2025-07-03T14:00:00Z", "a_bool": True, "a_multi": ["y"],
                      "an_ack": True}
    assert conv.status == "complete"


def test_required_fields_say_so(tiny: Engine) -> None:
    assert errors_for(tiny, {}) == {"name": ["This question needs an answer."],
                                    "kind": ["This question needs an answer."]}


@pytest.mark.parametrize(("text", "kind"), [
    ("abandon ability able about above absent absorb abstract absurd abuse access accident",
     "recovery phrase"),
    ("my card is 4111 1111 1111 1111 thanks", "card number"),
    ("ssn 123-45-6789", "Social Security number"),
    ("private key: 0x" + "ab" * 32, "private key"),
    ("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ", "private key"),
])
def test_secrets_are_refused_kindly(tiny: Engine, text: str, kind: str) -> None:
    messages = errors_for(tiny, {"name": text, "kind": "a"})
    assert kind in messages["name"][0]
    assert text not in messages["name"][0]


@pytest.mark.parametrize("text", [
    "I lost $250,000 on 2025-07-03 at 14:00 when my husband shorted BTC",
    "tx 0x" + "ab" * 32,  # a transaction hash is not a key
    "order 4111111111111112",  # fails Luhn
    "call me on 555 123 4567",
])
def test_ordinary_text_is_not_mistaken_for_a_secret(tiny: Engine, text: str) -> None:
    conv = tiny.start("c")
    tiny.answer(conv, "ask", 1, {"name": text, "kind": "a"})
    assert conv.answers["ask"]["name"] == text


def test_back_keeps_later_answers_and_edit_drops_only_dead_branches(tiny: Engine) -> None:
    conv = tiny.start("c")
    assert tiny.step(conv)["progress"] == {"step": 1, "of": 3}
    tiny.answer(conv, "ask", 1, {"name": "Ann", "kind": "a"})
    tiny.answer(conv, "apple", 2, {"apples": 3})
    assert conv.status == "complete"
    tiny.back(conv)
    tiny.back(conv)
    assert conv.state == "ask" and conv.answers["apple"] == {"apples": 3}
    step = tiny.step(conv)
    assert [f.get("value") for f in step["fields"]] == ["Ann", "a"]
    assert step["can_go_back"] is False
    tiny.answer(conv, "ask", conv.version, {"name": "Ann", "kind": "a"})
    assert tiny.step(conv)["fields"][0]["value"] == 3  # same branch: kept
    tiny.back(conv)
    tiny.answer(conv, "ask", conv.version, {"name": "Ann", "kind": "b"})
    assert conv.state == "banana" and "apple" not in conv.answers


def test_stale_state_or_version_is_a_conflict(tiny: Engine) -> None:
    conv = tiny.start("c")
    with pytest.raises(Conflict):
        tiny.answer(conv, "ask", 2, {"name": "A", "kind": "a"})
    with pytest.raises(Conflict):
        tiny.answer(conv, "apple", 1, {"apples": 1})


def test_a_complete_conversation_takes_no_answers(tiny: Engine) -> None:
    conv = tiny.start("c")
    tiny.answer(conv, "ask", 1, {"name": "A", "kind": "b"})
    tiny.answer(conv, "banana", 2, {"ripe": False})
    assert tiny.step(conv)["fields"] == []
    with pytest.raises(Finished):
        tiny.answer(conv, "done", conv.version, {})


def test_text_is_data_not_template(tiny: Engine) -> None:
    conv = tiny.start("c")
    tiny.answer(conv, "ask", 1, {"name": "{{7*7}} <script>x</script> **b**", "kind": "b"})
    tiny.back(conv)
    message = tiny.step(conv)["messages"][0]
    assert "{{7*7}}" in message["text"] and "49" not in message["text"]
    assert "<script>" not in message["html"] and "&lt;script&gt;" in message["html"]
    assert "<strong>" not in message["html"]


def test_one_machine_is_shared_by_every_conversation(tiny: Engine) -> None:
    first, second = tiny.start("a"), tiny.start("b")
    tiny.answer(first, "ask", 1, {"name": "A", "kind": "a"})
    assert (first.state, second.state) == ("apple", "ask")
    assert tiny.machine.models == []


@pytest.mark.parametrize(("condition", "facts", "expected"), [
    ({"field": "x", "in": [1, 2]}, {"x": 2}, True),
    ({"field": "x", "in": [1, 2]}, {}, False),
    ({"field": "x", "equals": True}, {"x": True}, True),
    ({"field": "x", "contains": "a"}, {"x": ["a", "b"]}, True),
    ({"field": "x", "answered": True}, {"x": ""}, False),
    ({"field": "x", "answered": False}, {}, True),
    ({"field": "x", "gt": "1000"}, {"x": "1000.01"}, True),
    ({"field": "x", "lte": "2025-01-01"}, {"x": "2024-12-31"}, True),
    ({"all": [{"field": "x", "equals": 1}, {"field": "y", "equals": 2}]}, {"x": 1, "y": 3}, False),
    ({"any": [{"field": "x", "equals": 1}, {"field": "y", "equals": 2}]}, {"x": 0, "y": 2}, True),
    ({"not": {"field": "x", "equals": 1}}, {"x": 1}, False),
])
def test_conditions(condition: dict[str, Any], facts: dict[str, Any], expected: bool) -> None:
    assert holds(condition, facts) is expected


def test_routes_are_remembered_per_steering_answer_and_match_a_fresh_walk(tiny: Engine) -> None:
    assert tiny._steering == ("kind",)
    for kind in ("a", "b", None):
        conv = tiny.start("c")
        if kind:
            conv.answers["ask"] = {"name": "Ann", "kind": kind}
        facts = tiny.facts(conv)
        assert tiny.path(conv) == tiny._walk(facts) == tiny.path(conv)
    assert tiny.path(tiny.start("c")) == ["ask", "banana", "done"]
    assert not any("Ann" in repr(key) for key in tiny._routes)


def test_routes_steered_by_free_text_are_never_remembered(tmp_path: Path) -> None:
    source = (FIXTURES / "tiny.yaml").read_text().replace(
        "when: {field: kind, in: [a]}", "when: {field: name, equals: Apple}")
    (tmp_path / "tiny.yaml").write_text(source)
    engine = Engine(load_flow(tmp_path / "tiny.yaml"))
    conv = engine.start("c")
    conv.answers["ask"] = {"name": "Apple", "kind": "b"}
    assert engine.path(conv) == ["ask", "apple", "done"]
    assert engine._steering is None and engine._routes == {}


def test_html_is_reused_only_for_texts_that_show_no_answer() -> None:
    from service.engine.render import TextRenderer

    renderer = TextRenderer()
    choice = '{% if answers.kind == "a" %}**Apples**{% else %}Bananas{% endif %}'
    named = renderer.render(choice + ", {{ answers.name }}",
                            {"answers": {"kind": "a", "name": "Canary *Zebra*"}})
    assert named == ("**Apples**, Canary *Zebra*",
                     "<p><strong>Apples</strong>, Canary *Zebra*</p>")
    assert renderer._html == {}
    chosen = choice + " {{ answers.no }}"
    for kind, html in (("a", "<p><strong>Apples</strong></p>"), ("b", "<p>Bananas</p>")):
        for _ in range(2):
            assert renderer.render(chosen, {"answers": {"kind": kind}})[1] == html
    assert sorted(renderer._html) == ["**Apples** ", "Bananas "]


CHANGE_ANSWERS = {
    "what": {"what": ["wire", "trade"]},
    "wire": {"loss_amount": "5000.00", "mailing_address": "1 Main St\nColumbus, OH 43004"},
    "facts": {"full_name": "Dana Doe", "state": "OH", "learned_of_loss": "2026-11-02",
              "incident_summary": "July 1: he opened a short.\nJuly 2: it was liquidated."},
    "habits": {},
    "trades": {},
}


@pytest.fixture(scope="module")
def change() -> Engine:
    return with_letter_flow()["change-check"]


def finished(engine: Engine) -> Any:
    conv = engine.start("c")
    while conv.status != "complete":
        engine.answer(conv, conv.state, conv.version, CHANGE_ANSWERS[conv.state])
    return conv


def ready(engine: Engine, conv: Any) -> list[str]:
    return [d["id"] for d in engine.step(conv)["documents"] if d["ready"]]


def test_forward_after_a_change_keeps_the_plan_and_drops_dead_branches(change: Engine) -> None:
    conv = finished(change)
    assert ready(change, conv) == ["police-ic3-report", "attorney-intake"]
    while conv.state != "what":
        change.back(conv)
    assert ready(change, conv) == []  # only the steps reached so far call for letters
    change.answer(conv, "what", conv.version, {"what": ["trade"]})
    change.forward(conv)
    assert conv.status == "complete" and conv.state == "done"
    assert "wire" not in conv.answers and conv.answers["facts"] == CHANGE_ANSWERS["facts"]
    assert ready(change, conv) == ["attorney-intake"]
    step = change.step(conv)
    assert step["progress"] == {"step": 5, "of": 5} and step["plan"]


def test_forward_stops_at_the_first_step_that_needs_an_answer(change: Engine) -> None:
    conv = change.start("c")
    change.answer(conv, "what", 1, {"what": ["trade"]})
    for state in ("facts", "habits"):
        change.answer(conv, state, conv.version, CHANGE_ANSWERS[state])
    while conv.state != "what":
        change.back(conv)
    change.answer(conv, "what", conv.version, {"what": ["wire", "trade"]})
    change.forward(conv)
    assert conv.state == "wire"  # the new branch's step has no answers yet
    change.answer(conv, "wire", conv.version, CHANGE_ANSWERS["wire"])
    change.forward(conv)
    assert conv.state == "trades" and conv.status == "active"
    assert conv.history == ["what", "wire", "facts", "habits", "trades"]


def test_back_then_answer_still_goes_one_step_on(change: Engine) -> None:
    conv = finished(change)
    change.back(conv)
    change.back(conv)
    change.answer(conv, "habits", conv.version, {})
    assert conv.state == "trades" and conv.status == "active"

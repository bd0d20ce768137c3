"""``bearings chat``: the same flow, validation and store in a terminal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from service.engine import Engine, load_flow
from service.terminal import chat

TINY = Path(__file__).parent / "fixtures" / "flows" / "tiny.yaml"


@pytest.fixture
def tiny_app(make_app: Any) -> Flask:
    engine = Engine(load_flow(TINY))
    app: Flask = make_app(ENGINES={"tiny": engine})
    return app


def scripted(lines: list[str]) -> Any:
    feed: Iterator[str] = iter(lines)

    def read(prompt: str) -> str:
        print(prompt)
        try:
            return next(feed)
        except StopIteration:
            raise EOFError from None
    return read


def test_a_whole_conversation_with_a_mistake_and_back(
        tiny_app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    service = tiny_app.extensions["bearings"]
    answers = ["Ann", "3",          # an invalid choice number is refused
               "Ann", "1",          # apple
               "back",              # back to the first step
               "Ann", "2",          # banana instead
               "y"]
    assert chat("tiny", scripted(answers), service) == 0
    out = capsys.readouterr().out
    assert "! kind: Choose one of: Apple, Banana." in out
    assert out.count("== Two · step 2 of 3 ==") == 2
    assert out.rstrip().endswith("Done")


def test_an_unknown_flow_is_a_user_error(tiny_app: Flask,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert chat("nope", scripted([]), tiny_app.extensions["bearings"]) == 1
    assert "no flow called 'nope'" in capsys.readouterr().err


def test_stopping_keeps_the_answers(tiny_app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    assert chat("tiny", scripted(["Ann", "1"]), tiny_app.extensions["bearings"]) == 0
    assert "Your answers are saved." in capsys.readouterr().out

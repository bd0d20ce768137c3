"""``bearings chat``: the same flow, validation and store in a terminal."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from service.engine import Engine, load_flow
from service.terminal import PLAIN, Style, chat, render_markdown

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
    answers = ["Ann", "3",          # an invalid choice number is refused at once
               "1",                 # apple: only the wrong question is asked again
               "back",              # back to the first step
               "Ann", "2",          # banana instead
               "y"]
    assert chat("tiny", scripted(answers), service, zone="UTC") == 0
    out = capsys.readouterr().out
    assert "! Type a number from 1 to 2." in out
    assert out.count("Your name:") == 2  # once, then once more after going back
    assert out.count("== Two · step 2 of 3 ==") == 2
    assert out.rstrip().endswith("Done")


def test_an_unknown_flow_is_a_user_error(tiny_app: Flask,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert chat("nope", scripted([]), tiny_app.extensions["bearings"]) == 1
    assert "no flow called 'nope'" in capsys.readouterr().err


def test_stopping_keeps_the_answers(tiny_app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    assert chat("tiny", scripted(["Ann", "1"]), tiny_app.extensions["bearings"]) == 0
    assert "Your answers are saved." in capsys.readouterr().out


def test_a_wrong_answer_is_asked_again_alone_with_its_label(
        tiny_app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    service = tiny_app.extensions["bearings"]
    answers = ["Ann", "cherry", "apple", "11", "4"]
    assert chat("tiny", scripted(answers), service, zone="UTC") == 0
    out = capsys.readouterr().out
    assert "  ! Kind: Choose one of: Apple, Banana." in out
    assert "! kind" not in out
    assert out.count("Your name: \n") == 1 and out.count("Kind: \n") == 2
    assert out.count("== One · step 1 of") == 1  # the step is not shown again
    assert "  ! How many: Enter a value from 1 to 10." in out
    assert out.rstrip().endswith("Done")


@pytest.fixture
def real_app(make_app: Any) -> Flask:
    app: Flask = make_app()
    return app


def test_the_real_flow_reads_plainly(real_app: Flask, capsys: pytest.CaptureFixture[str]) -> None:
    answers = ["my husband did it",   # a synonym the flow lists: no "Send partner to confirm"
               "0",                   # not a choice number
               "1, 6",                # savings and a wire
               "2026-11-20 14:00"]    # read in the zone given below
    assert chat("crypto-loss-recovery", scripted(answers), real_app.extensions["bearings"],
                zone="America/Chicago") == 0
    out = capsys.readouterr().out
    assert "call or text 988 at any time" in out and "**" not in out
    assert "! Type numbers from 1 to 6, separated by commas." in out
    assert "Did you mean" not in out and "Send partner" not in out
    assert "A wire may still be recalled" in out
    assert "(still needs: Your full name, Your mailing address," in out
    assert "full_name" not in out and "mailing_address" not in out
    assert "A time without a time zone is read as America/Chicago" in out
    assert "! " + "When was the wire sent?" not in out


def test_markdown_is_bold_on_a_terminal_and_plain_elsewhere() -> None:
    text = ("Call **988** now.\n\n- **Screenshots** of balances\n- Records\n\n"
            "1. See [ic3.gov](https://www.ic3.gov)\n\n## Next\n\nEscaped \\*stars\\*.")
    assert render_markdown(text, PLAIN) == (
        "Call 988 now.\n\n- Screenshots of balances\n- Records\n\n"
        "1. See ic3.gov (https://www.ic3.gov)\n\nNext\n\nEscaped *stars*.")
    bold = render_markdown(text, Style(bold=True))
    assert "Call \x1b[1m988\x1b[22m now." in bold and "\x1b[1mNext\x1b[22m" in bold


def test_bold_is_used_only_on_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm")
    assert Style.for_stream(Tty()).bold("x") == "\x1b[1mx\x1b[22m"
    assert Style.for_stream(io.StringIO()).bold("x") == "x"
    monkeypatch.setenv("NO_COLOR", "1")
    assert Style.for_stream(Tty()).bold("x") == "x"

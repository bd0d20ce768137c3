"""``bearings flow check`` catches each class of defect, naming the file and the state."""

from __future__ import annotations

from pathlib import Path

import pytest

from service.cli import main

BROKEN = Path(__file__).parent / "fixtures" / "flows" / "broken"


@pytest.mark.parametrize(("name", "expected"), [
    ("unknown_field", "state ask (line 7): condition uses unknown field knd"),
    ("unreachable", "state orphan (line 8): unreachable from ask"),
    ("dead_end", "state loop_a (line 14): dead end: no path to a final state"),
    ("missing_template", "state ask (line 7): missing letter template no-such-letter"),
    ("missing_template", "state ask (line 7): text line 1: unexpected end of template"),
    ("duplicate_ids", "state ask (line 8): duplicate id"),
    ("duplicate_fields", "state again (line 8): field amount: duplicate id in the flow"),
    ("empty_choice", "state ask (line 7): field kind: a choice with no choices"),
    ("unknown_target", "state ask (line 7): goes to unknown state nowhere"),
    ("unknown_target", "state ask (line 7): the last transition needs no 'when'"),
    ("vocabulary_type", "state ask (line 7): field learned_of_loss: letters read it as date"),
])
def test_each_defect_is_reported_with_file_and_state(
        name: str, expected: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = BROKEN / f"{name}.yaml"
    assert main(["flow", "check", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}: {expected}" in err.replace("\n\n", "\n")


def test_the_shipped_flows_are_clean(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flow", "check"]) == 0, capsys.readouterr().err


def test_a_missing_file_is_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flow", "check", str(tmp_path / "nope.yaml")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_yaml_errors_are_readable(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nstates: [\n", encoding="utf-8")
    assert main(["flow", "check", str(bad)]) == 1
    err = capsys.readouterr().err
    assert f"{bad}: not valid YAML" in err and "Traceback" not in err


def test_diagram_is_mermaid_and_svg(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["flow", "diagram", "crypto-loss-recovery"]) == 0
    out = capsys.readouterr().out
    assert "stateDiagram-v2" in out and "welcome --> wire_urgent" in out
    assert main(["flow", "diagram", "crypto-loss-recovery", "--format", "svg"]) == 0
    assert capsys.readouterr().out.startswith("<svg")


def test_bad_usage_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["flow", "explode"])
    assert caught.value.code == 2


def test_a_state_missing_its_id_or_stage_is_named_by_its_line(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    flow = tmp_path / "gaps.yaml"
    flow.write_text("""id: gaps
version: "1"
title: Gaps
start: ask
stages:
  - {id: one, title: One}
states:
  - id: ask
    title: Ask
    next: [{to: done}]
  - id: done
    stage: one
    title: Done
    final: true
  - stage: one
    title: No id
    final: true
""", encoding="utf-8")
    assert main(["flow", "check", str(flow)]) == 1
    err = capsys.readouterr().err
    assert f"{flow}: state ask (line 8): stage: Missing data for required field." in err
    assert f"{flow}: state #3 (line 15): id: Missing data for required field." in err
    assert "line ?" not in err

"""Scorecard inheritance: `extends: <id>` with overrides, additions and removals by id,
resolved at load time; the digest covers the resolved content; problems name their file."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from pydantic import TypeAdapter

from callqa.scoring import (
    Scorecard,
    ScorecardError,
    bundled_scorecards,
    check_scorecard_file,
    folder_scorecards,
    load_scorecard,
)
from callqa.scoring.scorecard import Criterion, PhraseCriterion

REPO = Path(__file__).resolve().parents[2]
BUNDLED = REPO / "callqa" / "configs" / "scorecards"
CHILDREN = ("billing", "sales", "technical_support")
OWN_FIELDS = {"extends", "id", "version", "call_types", "sections", "criteria"}

BASE = """\
id: base
version: "1"
title: Base
call_types: [general]
languages: [en, fa]
pass_score: 70
sections:
  - {id: greeting, weight: 10, title: Greeting}
  - {id: closing, weight: 10, title: Closing}
criteria:
  - id: greeting
    section: greeting
    kind: phrase
    points: 2
    window: {first_turns: 2}
    phrases:
      en: [hello, good morning]
      fa: [سلام]
  - id: farewell
    section: closing
    kind: phrase
    points: 1
    role: agent
    phrases:
      en: [goodbye]
      fa: [خداحافظ]
  - id: talk_balance
    section: closing
    kind: metric
    points: 1
    metric: talk_share
    role: agent
    min: 0.2
    max: 0.7
"""


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _child(tmp_path: Path, delta: str, *, name: str = "child", extends: str = "base") -> Path:
    """`BASE` as base.yaml and a child of it with `delta` (YAML, after id/version/call_types)."""
    if not (tmp_path / "base.yaml").exists():
        _write(tmp_path, "base", BASE)
    head = f"extends: {extends}\nid: {name}\nversion: '2'\ncall_types: [{name}]\n"
    return _write(tmp_path, name, head + delta)


def _problems(path: Path) -> list[str]:
    with pytest.raises(ScorecardError) as raised:
        load_scorecard(path)
    return [str(problem) for problem in raised.value.problems]


# --- the bundled scorecards: default.yaml plus a delta each ---------------------------------


@pytest.mark.parametrize("child_id", CHILDREN)
def test_a_bundled_child_is_default_plus_its_delta(child_id: str) -> None:
    cards = {card.id: card for card in bundled_scorecards()}
    parent, child = cards["default"], cards[child_id]
    delta: dict[str, Any] = yaml.safe_load((BUNDLED / f"{child_id}.yaml").read_text("utf-8"))
    assert delta["extends"] == "default"
    # its own fields are its own; every other top-level field is default's unless overridden
    assert (child.id, child.version, list(child.call_types)) == (
        delta["id"], delta["version"], delta["call_types"])
    child_fields, parent_fields = child.model_dump(mode="json"), parent.model_dump(mode="json")
    for name in set(Scorecard.model_fields) - OWN_FIELDS:
        assert child_fields[name] == delta.get(name, parent_fields[name]), name
    # sections: default's, in order, with the named fields of the listed ones overridden
    section_delta = {item["id"]: item for item in delta.get("sections", [])}
    assert set(section_delta) <= {section.id for section in parent.sections}
    assert child.sections == tuple(
        section.model_copy(update=section_delta.get(section.id, {}))
        for section in parent.sections
    )
    # criteria: default's untouched (this delta overrides none), then the delta's new ones
    added = delta.get("criteria", [])
    assert {item["id"] for item in added}.isdisjoint(c.id for c in parent.criteria)
    adapter: TypeAdapter[Any] = TypeAdapter(Criterion)
    assert child.criteria == (
        *parent.criteria, *(adapter.validate_python(item) for item in added))


def test_bundled_children_are_short_deltas() -> None:
    default_lines = len((BUNDLED / "default.yaml").read_text("utf-8").splitlines())
    for child_id in CHILDREN:
        lines = len((BUNDLED / f"{child_id}.yaml").read_text("utf-8").splitlines())
        assert lines < default_lines / 4, (child_id, lines)


def test_bundled_and_folder_loading_resolve_alike() -> None:
    by_folder = {card.id: card for card in folder_scorecards(BUNDLED)}
    for card in bundled_scorecards():
        assert by_folder[card.id] == card and by_folder[card.id].digest == card.digest


def test_a_lone_child_falls_back_to_the_bundled_parent(tmp_path: Path) -> None:
    lone = _write(tmp_path, "billing", (BUNDLED / "billing.yaml").read_text("utf-8"))
    bundled = {card.id: card for card in bundled_scorecards()}
    assert load_scorecard(lone) == bundled["billing"]


# --- the merge rules ------------------------------------------------------------------------


def test_an_override_changes_only_the_named_fields(tmp_path: Path) -> None:
    base = load_scorecard(_write(tmp_path, "base", BASE))
    child = load_scorecard(_child(tmp_path, """\
pass_score: 85
sections:
  - {id: closing, weight: 30}
criteria:
  - id: greeting
    points: 3
    window: ~
    phrases:
      en: [hi]
  - {id: talk_balance, max: null}
"""))
    assert child.pass_score == 85 and child.title == "Base" and child.languages == ("en", "fa")
    assert [(s.id, s.weight, s.title) for s in child.sections] == [
        ("greeting", 10, "Greeting"), ("closing", 30, "Closing")]
    assert [c.id for c in child.criteria] == ["greeting", "farewell", "talk_balance"]
    greeting = child.criteria[0]
    assert isinstance(greeting, PhraseCriterion)
    assert greeting.points == 3 and greeting.window is None  # null removes the inherited key
    assert greeting.phrases["en"] == ("hi",)  # a list is replaced whole...
    assert greeting.phrases["fa"] == ("سلام",)  # ...a mapping merged key by key
    assert child.criteria[1] == base.criteria[1]
    metric = child.criteria[2].model_dump()
    assert (metric["min"], metric["max"]) == (0.2, None)


def test_additions_come_after_the_inherited_items(tmp_path: Path) -> None:
    child = load_scorecard(_child(tmp_path, """\
sections:
  - {id: compliance, weight: 20}
criteria:
  - id: recording
    section: compliance
    kind: phrase
    points: 1
    compliance: true
    phrases: {en: [recorded line], fa: [ضبط]}
"""))
    assert [s.id for s in child.sections] == ["greeting", "closing", "compliance"]
    assert [c.id for c in child.criteria] == ["greeting", "farewell", "talk_balance", "recording"]
    assert child.criteria[3].compliance


def test_remove_drops_an_inherited_item(tmp_path: Path) -> None:
    child = load_scorecard(_child(tmp_path, """\
criteria:
  - {id: farewell, remove: true}
  - {id: talk_balance, remove: true}
sections:
  - {id: closing, remove: true}
"""))
    assert [c.id for c in child.criteria] == ["greeting"]
    assert [s.id for s in child.sections] == ["greeting"]


def test_removing_what_is_not_inherited_or_with_fields_is_an_error(tmp_path: Path) -> None:
    path = _child(tmp_path, """\
criteria:
  - {id: nothing, remove: true}
  - {id: farewell, remove: true, points: 2}
""")
    problems = _problems(path)
    assert f"{path}:6: criteria[0].remove: nothing to remove: no inherited item has id" \
        " 'nothing'" in problems
    assert any(p.startswith(f"{path}:7: criteria[1].remove: ") and "drop points" in p
               for p in problems), problems


def test_a_new_kind_replaces_the_inherited_item_whole(tmp_path: Path) -> None:
    child = load_scorecard(_child(tmp_path, """\
criteria:
  - id: farewell  # merged, the inherited `role` would not fit an agent_introduction
    section: closing
    kind: agent_introduction
    points: 1
    phrases: {en: [my name is], fa: [اسم من]}
  - {id: talk_balance, metric: handle_time, role: ~, min: ~, max: 600}  # same kind: merged
"""))
    assert [c.kind for c in child.criteria] == ["phrase", "agent_introduction", "metric"]
    metric = child.criteria[2].model_dump()
    assert (metric["metric"], metric["role"], metric["min"], metric["max"]) == (
        "handle_time", None, None, 600)


def test_a_chain_of_three(tmp_path: Path) -> None:
    _child(tmp_path, "criteria:\n  - {id: greeting, points: 5}\n", name="middle")
    grandchild = load_scorecard(_child(tmp_path, """\
title: Grandchild
criteria:
  - {id: farewell, points: 4}
""", name="leaf", extends="middle"))
    points = {c.id: c.points for c in grandchild.criteria}
    assert points == {"greeting": 5, "farewell": 4, "talk_balance": 1}
    assert (grandchild.id, grandchild.title, grandchild.pass_score) == ("leaf", "Grandchild", 70)


def test_a_parent_is_found_by_its_id_when_its_file_has_another_name(tmp_path: Path) -> None:
    _write(tmp_path, "general_scorecard", BASE)
    child = _write(tmp_path, "child", "extends: base\nid: child\nversion: '2'\n"
                   "call_types: [child]\n")
    assert load_scorecard(child).pass_score == 70


def test_an_own_default_may_extend_the_bundled_default(tmp_path: Path) -> None:
    own = _write(tmp_path, "default",
                 "extends: default\nid: default\nversion: local\ncall_types: [general]\n"
                 "pass_score: 90\n")
    card = load_scorecard(own)
    bundled = next(card for card in bundled_scorecards() if card.id == "default")
    assert card.pass_score == 90 and card.criteria == bundled.criteria


def test_id_version_and_call_types_are_not_inherited(tmp_path: Path) -> None:
    _write(tmp_path, "base", BASE)
    path = _write(tmp_path, "child", "extends: base\nid: child\n")
    problems = _problems(path)
    for name in ("version", "call_types"):
        assert any(p.startswith(f"{path}:1: {name}: Field required (not inherited")
                   for p in problems), problems


# --- errors ---------------------------------------------------------------------------------


def test_a_cycle_names_the_files_and_the_fix(tmp_path: Path) -> None:
    a = _write(tmp_path, "a", "id: a\nversion: '1'\ncall_types: [a]\nextends: b\n")
    b = _write(tmp_path, "b", "id: b\nversion: '1'\ncall_types: [b]\nextends: a\n")
    problems = _problems(a)
    assert any(p.startswith(f"{b}:4: extends: extends cycle: {a} -> {b} -> {a}")
               and "Fix:" in p for p in problems), problems
    assert any(p.startswith(f"{a}:4: extends: ") for p in problems), problems
    self_loop = _write(tmp_path, "c", "id: c\nversion: '1'\ncall_types: [c]\nextends: c\n")
    assert "no scorecard with id 'c'" in str(_problems(self_loop))


def test_a_missing_parent_names_the_child_line_and_the_fix(tmp_path: Path) -> None:
    path = _child(tmp_path, "", extends="nowhere")
    [problem] = _problems(path)
    assert problem.startswith(f"{path}:1: extends: no scorecard with id 'nowhere'")
    assert "Fix: add nowhere.yaml beside this file" in problem


def test_a_broken_parent_is_reported_before_the_child(tmp_path: Path) -> None:
    _write(tmp_path, "base", BASE.replace("en: [hello,", "en: [[hello,"))
    path = _child(tmp_path, "")
    problems = _problems(path)
    assert problems[0].startswith(f"{tmp_path / 'base.yaml'}:") and "YAML syntax" in problems[0]
    assert problems[-1].startswith(f"{path}:1: extends: ") and "fix them first" in problems[-1]


def test_problems_name_the_file_and_line_their_text_is_in(tmp_path: Path) -> None:
    path = _child(tmp_path, """\
criteria:
  - {id: greeting, remove: true}
  - {id: farewell, points: -1}
""")
    problems = _problems(path)
    # the child's index, not the resolved one (greeting is gone: farewell resolves first)
    assert any(p.startswith(f"{path}:7: criteria[1].points: ") for p in problems), problems
    narrowed = _child(tmp_path, "languages: [en]\n", name="narrowed")
    inherited = f"{tmp_path / 'base.yaml'}:18: criteria[0].phrases.fa: "  # greeting's fa line
    assert any(p.startswith(inherited) and p.endswith(f"(inherited by {narrowed})")
               for p in _problems(narrowed)), _problems(narrowed)


# --- the digest -----------------------------------------------------------------------------


def test_the_digest_changes_when_only_the_parent_changes(tmp_path: Path) -> None:
    path = _child(tmp_path, "criteria:\n  - {id: farewell, points: 2}\n")
    before = load_scorecard(path).digest
    before_folder = {card.id: card.digest for card in folder_scorecards(tmp_path)}
    child_text = path.read_text("utf-8")
    base = tmp_path / "base.yaml"
    base.write_text(BASE.replace("good morning", "good evening"), encoding="utf-8")
    assert path.read_text("utf-8") == child_text
    assert load_scorecard(path).digest != before
    after_folder = {card.id: card.digest for card in folder_scorecards(tmp_path)}
    assert after_folder["child"] != before_folder["child"]
    assert after_folder["base"] != before_folder["base"]


def test_an_unchanged_resolution_keeps_its_digest(tmp_path: Path) -> None:
    """A child that restates nothing new is its parent under another id: same content."""
    base = load_scorecard(_write(tmp_path, "base", BASE))
    child = load_scorecard(_child(tmp_path, ""))
    assert child.model_copy(update={"id": "base", "version": "1", "call_types": ("general",)})\
        .model_dump_json() == base.model_dump_json()


# --- `callqa scorecards validate` -----------------------------------------------------------


def test_validate_names_the_child_file(tmp_path: Path) -> None:
    good = _child(tmp_path, "criteria:\n  - {id: farewell, points: 2}\n", name="good")
    bad = _child(tmp_path, "criteria:\n  - {id: greeting, kind: phrasing}\n", name="bad")
    assert check_scorecard_file(good) == []
    result = subprocess.run(
        [sys.executable, "-m", "callqa", "scorecards", "validate", str(good), str(bad)],
        capture_output=True, text=True, timeout=120, cwd=REPO, check=False,
    )
    assert result.returncode != 0
    output = " ".join((result.stdout + result.stderr).split())  # undo the console's wrapping
    assert f"ok {good}: good 2" in output, output
    assert f"error {bad}:6: criteria[0].kind: unknown criterion kind 'phrasing'" in output, output

"""Scorecards: the bundled ones are complete; a bad one fails with its file, field and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from callqa.scoring import (
    ScorecardError,
    ScorecardNotFoundError,
    bundled_scorecards,
    check_scorecard_file,
    choose_scorecard,
    load_scorecard,
)
from callqa.scoring.scorecard import AgentIntroductionCriterion, GreetingByNameCriterion

REQUIRED_IDS = {
    "greeting", "greeting_by_name", "agent_introduction", "recording_disclosure", "empathy",
    "anything_else", "resolution_confirmed", "closing", "prohibited_language",
}
CALL_TYPES = ("billing", "technical_support", "sales")

VALID = """\
id: small
version: 3
call_types: [billing]
languages: [en]
sections:
  - {id: greeting, weight: 10}
  - id: compliance
    weight: 15
criteria:
  - id: greeting
    section: greeting
    kind: phrase
    points: 1
    window: {first_turns: 2}
    phrases:
      en: [hello, thank you for calling]
  - id: prohibited_language
    section: compliance
    kind: phrase
    points: 1
    mode: prohibited
    critical: true
    compliance: true
    phrases:
      en: [calm down, {regex: '\\bidiot\\w*'}]
"""


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scorecard.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def _problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ScorecardError) as raised:
        load_scorecard(_write(tmp_path, text))
    message = str(raised.value)
    assert str(tmp_path / "scorecard.yaml") in message and "Fix:" in message
    return [str(problem) for problem in raised.value.problems]


def test_a_valid_scorecard_loads(tmp_path: Path) -> None:
    scorecard = load_scorecard(_write(tmp_path, VALID))
    assert scorecard.version == "3"  # a YAML number is kept as a label
    assert [c.id for c in scorecard.criteria] == ["greeting", "prohibited_language"]
    assert check_scorecard_file(_write(tmp_path, VALID)) == []


@pytest.mark.parametrize(
    ("change", "field", "line", "words"),
    [
        (("kind: phrase\n    points: 1\n    window", "kind: phrasing\n    points: 1\n    window"),
         "criteria[0].kind", 12, "unknown criterion kind"),
        (("- {id: greeting, weight: 10}", "- {id: greeting}"),
         "sections[0].weight", 6, "Field required"),
        (("'\\bidiot\\w*'", "'idiot(s'"), "criteria[1].phrases.en[1].regex", 25, "bad regex"),
        (("en: [hello, thank", "de: [hello, thank"), "criteria[0].phrases.de", 16,
         "unknown language 'de'"),
        (("  - id: prohibited_language", "  - id: greeting"), "criteria[1].id", 17,
         "duplicate criterion id 'greeting'"),
        (("window: {first_turns: 2}", "window: {first_turns: 2, last_turns: 1}"),
         "criteria[0].window", 14, "set one of"),
        (("section: compliance", "section: complience"), "criteria[1].section", 18,
         "unknown section 'complience'"),
        (("    points: 1\n    mode", "    points: -1\n    mode"), "criteria[1].points", 20,
         "greater than 0"),
        (("languages: [en]", "languages: [en, fa]"), "criteria[0].phrases", 15, "no 'fa' phrases"),
        (("      en: [calm down,", "      en: [calm down, 42, {neer: [a]},"),
         "criteria[1].phrases.en[2]", 25, "a phrase is a string"),
        (("    points: 1\n    window", "    points: 1\n    colour: red\n    window"),
         "criteria[0].colour", 14, "Extra inputs are not permitted"),
    ],
)
def test_bad_scorecards_name_file_field_and_line(
    tmp_path: Path, change: tuple[str, str], field: str, line: int, words: str
) -> None:
    old, new = change
    assert old in VALID
    problems = _problems(tmp_path, VALID.replace(old, new, 1))
    wanted = f"{tmp_path / 'scorecard.yaml'}:{line}: {field}: "
    assert any(p.startswith(wanted) and words in p for p in problems), problems


def test_yaml_syntax_error_names_the_line(tmp_path: Path) -> None:
    problems = _problems(tmp_path, VALID.replace("en: [hello, thank", "en: [hello, [thank", 1))
    assert len(problems) == 1 and "YAML syntax error" in problems[0]
    assert problems[0].startswith(f"{tmp_path / 'scorecard.yaml'}:17: (yaml)")


def test_duplicate_yaml_keys_are_reported_not_overwritten(tmp_path: Path) -> None:
    text = VALID.replace("    points: 1\n    window", "    points: 1\n    points: 2\n    window", 1)
    problems = _problems(tmp_path, text)
    wanted = ":14: criteria[0].points: duplicate key 'points' (first on line 13)"
    assert any(wanted in problem for problem in problems), problems


def test_every_problem_is_reported_at_once(tmp_path: Path) -> None:
    text = VALID.replace("- {id: greeting, weight: 10}", "- {id: greeting}").replace(
        "'\\bidiot\\w*'", "'idiot(s'"
    )
    assert len(_problems(tmp_path, text)) == 2


def test_unreadable_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(ScorecardError, match="cannot read"):
        load_scorecard(tmp_path / "missing.yaml")
    assert _problems(tmp_path, "")[0].endswith("a scorecard is a YAML mapping (id, version, ...)")


# --- the bundled scorecards -------------------------------------------------------------------


def test_bundled_scorecards_cover_the_call_types_and_a_default() -> None:
    scorecards = {s.id: s for s in bundled_scorecards()}
    assert {"default", *CALL_TYPES} <= set(scorecards)
    for call_type in CALL_TYPES:
        assert choose_scorecard(call_type).id == call_type
    assert choose_scorecard("complaints").id == "default"
    assert choose_scorecard(None).id == "default"
    claimed = [t for s in scorecards.values() for t in s.call_types]
    assert len(claimed) == len(set(claimed)), "a call type picks exactly one scorecard"


@pytest.mark.parametrize("scorecard", bundled_scorecards(), ids=lambda s: s.id)
def test_bundled_scorecard_has_the_required_criteria(scorecard: object) -> None:
    from callqa.scoring import Scorecard

    assert isinstance(scorecard, Scorecard)
    criteria = {c.id: c for c in scorecard.criteria}
    assert set(criteria) >= REQUIRED_IDS
    assert set(scorecard.languages) == {"en", "fa", "zh"}
    assert criteria["recording_disclosure"].compliance
    assert criteria["prohibited_language"].compliance and criteria["prohibited_language"].critical
    assert isinstance(criteria["greeting_by_name"], GreetingByNameCriterion)
    assert isinstance(criteria["agent_introduction"], AgentIntroductionCriterion)
    for criterion in criteria.values():
        for phrase_set in criterion.phrase_sets().values():
            for language in ("en", "fa", "zh"):
                assert len(phrase_set[language]) >= 3, (criterion.id, language)  # variants
    weights = {s.id: s.weight for s in scorecard.sections}
    assert sum(weights.values()) == 100
    assert set(weights) == {c.section for c in scorecard.criteria}


def test_billing_weighs_compliance_more_than_the_default() -> None:
    def compliance(scorecard_id: str) -> float:
        return choose_scorecard(scorecard_id).sections_by_id["compliance"].weight

    assert compliance("billing") >= 25 > compliance("default")


def test_no_scorecard_for_the_call_and_no_default() -> None:
    only_billing = [choose_scorecard("billing")]
    with pytest.raises(ScorecardNotFoundError, match="no scorecard for call type 'sales'"):
        choose_scorecard("sales", only_billing)


def test_bundled_scorecards_load_once() -> None:
    assert bundled_scorecards() is bundled_scorecards()

"""Scorecards as the admin pages show them: the ones in use (the settings' folder, else the
bundled ones) resolved (a scorecard that `extends` another shows the merged result), an
edited text checked before it is saved, and saving it into the settings' folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from callqa.configs.settings import Settings
from callqa.domain.errors import CallqaError, ScorecardProblem
from callqa.scoring.loading import bundled_scorecards, check_scorecard, folder_scorecards
from callqa.scoring.scorecard import Scorecard
from callqa.support.files import write_atomically


@dataclass(frozen=True)
class ScorecardView:
    id: str
    version: str
    title: str
    call_types: tuple[str, ...]
    criteria: int
    resolved_yaml: str


@dataclass(frozen=True)
class ScorecardCheck:
    scorecard: ScorecardView | None
    problems: list[str] = field(default_factory=list)


def scorecards_in_use(settings: Settings) -> list[ScorecardView]:
    found = (folder_scorecards(settings.scorecards_dir) if settings.scorecards_dir
             else bundled_scorecards())
    return [_view(s) for s in found]


def check_text(settings: Settings, text: str) -> ScorecardCheck:
    """The scorecard `text` would be (resolved), or every problem found in it."""
    scorecard, problems = check_scorecard(text, "<edited scorecard>",
                                          folder=settings.scorecards_dir)
    if scorecard is None or problems:
        return ScorecardCheck(None, [_problem(p) for p in problems]
                              or ["not a valid scorecard"])
    return ScorecardCheck(_view(scorecard))


def save_text(settings: Settings, text: str) -> ScorecardView:
    """Save a valid scorecard as `<id>.yaml` in `scorecards_dir` (the bundled ones are part
    of the package and never written); the next scoring run and `callqa serve` start pick it
    up (and record the change in the audit trail)."""
    if settings.scorecards_dir is None:
        raise CallqaError("scorecards can be saved only into a scorecard folder: set "
                          "scorecards_dir (the bundled scorecards are read-only)")
    checked = check_text(settings, text)
    if checked.scorecard is None:
        raise CallqaError("the scorecard is not valid: " + "; ".join(checked.problems))
    write_atomically(Path(settings.scorecards_dir) / f"{checked.scorecard.id}.yaml", text)
    return checked.scorecard


def _view(scorecard: Scorecard) -> ScorecardView:
    resolved = yaml.safe_dump(scorecard.model_dump(mode="json", exclude_defaults=True),
                              sort_keys=False, allow_unicode=True)
    return ScorecardView(scorecard.id, scorecard.version, scorecard.title,
                         tuple(scorecard.call_types), len(scorecard.criteria), resolved)


def _problem(problem: ScorecardProblem) -> str:
    where = f"line {problem.line}: " if problem.line is not None else ""
    return f"{where}{problem.field or '(top level)'}: {problem.message}"

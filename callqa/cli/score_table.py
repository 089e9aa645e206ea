"""A `ScoreResult` as a table for people (`callqa score --format table`)."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from callqa.domain.scores import CriterionResult, ScoreResult

_OUTCOME_STYLE = {"pass": "green", "fail": "red", "na": "dim"}


def score_table(result: ScoreResult) -> Group:
    """Criteria (outcome, points, reason, first evidence), then sections and the verdict."""
    title = (
        f"{result.call_id or 'call'} · scorecard {result.scorecard.id} {result.scorecard.version}"
        f" · {result.call_type or 'no call type'} · {result.language}"
    )
    criteria = Table(title=title, show_lines=True, expand=True)
    criteria.add_column("criterion", max_width=22)
    criteria.add_column("outcome", no_wrap=True)
    criteria.add_column("points", justify="right", no_wrap=True)
    criteria.add_column("reason", ratio=3, overflow="fold")
    criteria.add_column("evidence", ratio=2, overflow="fold")
    for criterion in result.criteria:
        criteria.add_row(
            _name(criterion),
            Text(criterion.outcome, style=_OUTCOME_STYLE[criterion.outcome]),
            f"{criterion.points:g}/{criterion.max_points:g}",
            Text(criterion.reason),  # plain text: "[noise]" or "[agent]" is no markup
            Text(_evidence(criterion)),
        )
    sections = Table(title="sections", expand=False)
    for column in ("section", "weight", "points", "score"):
        sections.add_column(column, justify="left" if column == "section" else "right")
    for section in result.sections:
        sections.add_row(
            section.id, f"{section.weight:g}", f"{section.points:g}/{section.max_points:g}",
            "n/a" if section.score is None else f"{section.score:g}",
        )
    style = "bold red" if result.critical_failed or result.passed is False else "bold green"
    return Group(criteria, sections, Text(result.summary, style=style))


def _name(criterion: CriterionResult) -> Text:
    name = Text(criterion.id)
    if criterion.critical:
        name.append("\ncritical", style="bold yellow")
    if criterion.compliance:
        name.append("\ncompliance", style="cyan")
    return name


def _evidence(criterion: CriterionResult) -> str:
    if not criterion.evidence:
        return ""
    first = criterion.evidence[0]
    # An utterance of an import without times is stored at 0-0 s: no time to show.
    clock = f"{first.start:.1f} s " if first.end > 0 else ""
    shown = f"[{clock}{first.role.value}] {first.text}"
    more = len(criterion.evidence) - 1
    return shown + (f" (+{more} more)" if more else "")

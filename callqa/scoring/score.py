"""`score_call`: one transcript judged against one scorecard. Pure: no database, clock or network.

Scores: a section scores the points its applicable criteria earned over the points they could
earn (0-100); the call's `score` is the sections' weighted mean over the sections where at least
one criterion applied, so `na` criteria neither help nor hurt. Compliance criteria count in
their section like any other and also, alone, in `compliance_score`. A failed critical criterion
sets `critical_failed` and the call fails whatever its score.
"""

from __future__ import annotations

from collections.abc import Sequence

from callqa.domain.errors import UnsupportedLanguageError
from callqa.domain.records import CallMetadata, Transcript
from callqa.domain.scores import CriterionResult, ScorecardRef, ScoreResult, SectionResult
from callqa.scoring.criteria import CallContext, judge
from callqa.scoring.languages import language_of
from callqa.scoring.matching import CallMatches, compiled_scorecard
from callqa.scoring.scorecard import Scorecard
from callqa.scoring.view import build_view


def score_call(
    transcript: Transcript, scorecard: Scorecard, metadata: CallMetadata | None = None
) -> ScoreResult:
    """Judge every criterion of `scorecard` on `transcript`; `metadata` defaults to the
    transcript's own (the customer and agent names, call type and direction come from it)."""
    metadata = metadata if metadata is not None else transcript.metadata
    language = language_of(transcript.language)
    if language not in scorecard.languages:
        raise UnsupportedLanguageError(
            f"call {transcript.call_id or '(no call_id)'} is in {transcript.language!r} but"
            f" scorecard {scorecard.id!r} has phrases for {', '.join(scorecard.languages)} only."
            f" Fix: add {language!r} phrase sets to the scorecard, or choose one that has them"
        )
    view = build_view(transcript, language)
    context = CallContext(
        transcript=transcript,
        metadata=metadata,
        view=view,
        matches=CallMatches(view, compiled_scorecard(scorecard, language)),
    )
    criteria = []
    for criterion in scorecard.criteria:
        verdict = judge(criterion, context)
        criteria.append(
            CriterionResult(
                id=criterion.id,
                section=criterion.section,
                kind=criterion.kind,
                outcome=verdict.outcome,
                points=criterion.points if verdict.outcome == "pass" else 0.0,
                max_points=criterion.points,
                critical=criterion.critical,
                compliance=criterion.compliance,
                reason=verdict.reason,
                evidence=verdict.evidence,
                value=verdict.value,
            )
        )
    return summarise(transcript.call_id, scorecard, metadata, language, criteria)


def summarise(
    call_id: str | None,
    scorecard: Scorecard,
    metadata: CallMetadata | None,
    language: str,
    criteria: Sequence[CriterionResult],
) -> ScoreResult:
    """Section scores, the weighted call score, the compliance score and the verdict."""
    sections = []
    weighted, total_weight = 0.0, 0.0
    for section in scorecard.sections:
        applicable = [c for c in criteria if c.section == section.id and c.outcome != "na"]
        earned = sum(c.points for c in applicable)
        available = sum(c.max_points for c in applicable)
        sections.append(
            SectionResult(
                id=section.id, weight=section.weight, points=earned, max_points=available,
                score=_percent(earned, available),
            )
        )
        if available > 0:  # rounded only for display: the call score uses the exact ratio
            weighted += section.weight * earned / available
            total_weight += section.weight
    score = round(100.0 * weighted / total_weight, 1) if total_weight else None
    compliance = [c for c in criteria if c.compliance and c.outcome != "na"]
    compliance_score = _percent(
        sum(c.points for c in compliance), sum(c.max_points for c in compliance)
    )
    critical = [c.id for c in criteria if c.critical and c.outcome == "fail"]
    passed = None if score is None else (not critical and score >= scorecard.pass_score)
    return ScoreResult(
        call_id=call_id,
        scorecard=ScorecardRef(id=scorecard.id, version=scorecard.version, digest=scorecard.digest),
        call_type=metadata.call_type if metadata else None,
        language=language,
        criteria=tuple(criteria),
        sections=tuple(sections),
        score=score,
        compliance_score=compliance_score,
        critical_failed=bool(critical),
        passed=passed,
        summary=_summary(score, compliance_score, critical, passed, scorecard.pass_score),
    )


def _percent(earned: float, available: float) -> float | None:
    return round(100.0 * earned / available, 1) if available > 0 else None


def _summary(
    score: float | None,
    compliance_score: float | None,
    critical: list[str],
    passed: bool | None,
    pass_score: float,
) -> str:
    shown = "no score (no criterion applied)" if score is None else f"score {score:g}"
    if compliance_score is not None:
        shown += f", compliance {compliance_score:g}"
    if critical:
        return (
            f"FAIL: critical criterion {', '.join(critical)} failed, so the call fails regardless"
            f" of its {shown}"
        )
    if passed is None:
        return shown
    verdict = "PASS" if passed else "FAIL"
    relation = "at least" if passed else "below"
    return f"{verdict}: {shown} ({relation} the pass mark {pass_score:g})"

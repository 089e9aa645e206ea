"""Scorecards and scoring: each call judged against the scorecard for its call type, every
verdict with its evidence (pure functions: no database, clock or network).

    from callqa.scoring import choose_scorecard, score_call
    result = score_call(transcript, choose_scorecard(transcript.metadata.call_type))

The `callqa.score/1` contract and the scorecard YAML format: docs/score-format.md.
"""

from callqa.domain.errors import (
    ScorecardError,
    ScorecardNotFoundError,
    ScorecardProblem,
    TranscriptFileError,
    UnsupportedLanguageError,
)
from callqa.domain.scores import (
    SCORE_SCHEMA,
    CriterionResult,
    Evidence,
    Outcome,
    ScorecardRef,
    ScoreResult,
    SectionResult,
)
from callqa.scoring.loading import (
    bundled_scorecards,
    check_scorecard,
    check_scorecard_file,
    choose_scorecard,
    folder_scorecards,
    load_scorecard,
    parse_scorecard,
)
from callqa.scoring.score import score_call
from callqa.scoring.scorecard import Scorecard

__all__ = [
    "SCORE_SCHEMA",
    "CriterionResult",
    "Evidence",
    "Outcome",
    "ScoreResult",
    "Scorecard",
    "ScorecardError",
    "ScorecardNotFoundError",
    "ScorecardProblem",
    "ScorecardRef",
    "SectionResult",
    "TranscriptFileError",
    "UnsupportedLanguageError",
    "bundled_scorecards",
    "check_scorecard",
    "check_scorecard_file",
    "choose_scorecard",
    "folder_scorecards",
    "load_scorecard",
    "parse_scorecard",
    "score_call",
]

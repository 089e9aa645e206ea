"""Scoring files: one transcript file against its scorecard (`callqa score`), and checking
scorecard files (`callqa scorecards validate`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from callqa.configs.settings import Settings
from callqa.domain.errors import (
    CallqaError,
    ScorecardProblem,
    TranscriptFileError,
    read_input,
    validation_problems,
)
from callqa.domain.imports import (
    IMPORT_FIX,
    IMPORT_SCHEMA,
    ImportedTranscript,
    import_problems,
    parse_transcript_document,
    schema_of,
)
from callqa.domain.metadata import load_metadata, parse_metadata
from callqa.domain.records import CallMetadata, Transcript
from callqa.domain.scores import ScoreResult
from callqa.scoring import Scorecard


def load_transcript(path: Path) -> Transcript | ImportedTranscript:
    """Read a `callqa.transcript/1` or `callqa.import/1` file (docs/transcript-import.md);
    errors name the file, the field or utterance, and the fix."""
    raw = read_input(path, "transcript", TranscriptFileError)
    try:
        return parse_transcript_document(raw)
    except ValidationError as exc:
        if schema_of(exc) == IMPORT_SCHEMA:
            raise TranscriptFileError(
                path, f"not a valid callqa.import/1 file ({import_problems(exc)})", IMPORT_FIX,
            ) from exc
        problems = validation_problems(exc, 5)
        raise TranscriptFileError(
            path,
            f"not a callqa.transcript/1 JSON file ({problems})",
            "give the output of `callqa transcribe` (see docs/transcript-format.md), or a "
            "transcript from another system as callqa.import/1 (docs/transcript-import.md)",
        ) from exc


def merged_metadata(
    embedded: CallMetadata | None, path: Path | None, call_type: str | None
) -> CallMetadata | None:
    """The transcript's own metadata, with the fields of `--metadata` and `--call-type` over it."""
    if path is None and call_type is None:
        return embedded
    fields = embedded.model_dump(exclude_unset=True) if embedded else {}
    if path is not None:
        fields |= load_metadata(path).model_dump(exclude_unset=True)
    if call_type is not None:
        fields["call_type"] = call_type
    return parse_metadata(fields, path or "--call-type")


def score_file(transcript: Path, metadata: Path | None = None, scorecard: Path | None = None,
               call_type: str | None = None, settings: Settings | None = None) -> ScoreResult:
    """Score a transcript (or import) file against `scorecard`, or the scorecard in use
    (`settings.scorecards_dir`, else the bundled ones) for its call type (`call_type` and the
    `metadata` file's fields override the transcript's own). An import is measured with
    `settings.metrics`, as when it is ingested or uploaded."""
    from callqa.pipeline.imports import as_transcript
    from callqa.scoring.loading import choose_scorecard, load_scorecard
    from callqa.scoring.score import score_call
    from callqa.services.stages import scorecards_for

    settings = settings or Settings()
    document = load_transcript(transcript)
    embedded = (document.own_metadata if isinstance(document, ImportedTranscript)
                else document.metadata)
    call_metadata = merged_metadata(embedded, metadata, call_type)
    call = as_transcript(document, call_metadata, settings.metrics)
    chosen = (
        load_scorecard(scorecard)
        if scorecard is not None
        else choose_scorecard(call_metadata.call_type if call_metadata else None,
                              scorecards_for(settings))
    )
    return score_call(call, chosen, call_metadata)


@dataclass
class ScorecardCheck:
    """One scorecard file checked: the scorecard when it loads, and every problem found."""

    file: Path
    scorecard: Scorecard | None
    problems: list[ScorecardProblem] = field(default_factory=list)


def check_scorecard_files(paths: Sequence[Path]) -> list[ScorecardCheck]:
    """Check scorecard files (or folders of them); two files may not claim one call type."""
    from callqa.scoring.loading import check_scorecard, read_scorecard_text

    files = [f for p in paths for f in (sorted(p.glob("*.yaml")) if p.is_dir() else [p])]
    if not files:
        raise CallqaError(f"no scorecard files in {', '.join(map(str, paths))}")
    checks: list[ScorecardCheck] = []
    claimed: dict[str, Path] = {}
    for file in files:
        text, unreadable = read_scorecard_text(file)
        if text is None:
            assert unreadable is not None
            scorecard, problems = None, [unreadable]
        else:
            scorecard, problems = check_scorecard(text, str(file))
        if scorecard is not None:
            for call_type in scorecard.call_types:
                if call_type in claimed:
                    problems.append(ScorecardProblem(
                        str(file), None, "call_types",
                        f"call type {call_type!r} is also claimed by {claimed[call_type]}",
                    ))
                claimed.setdefault(call_type, file)
        checks.append(ScorecardCheck(file, scorecard, list(problems)))
    return checks

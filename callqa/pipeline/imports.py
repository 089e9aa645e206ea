"""`transcript_from_import`: a `callqa.import/1` document (docs/transcript-import.md) to the
`callqa.transcript/1` record every later stage takes. Pure: no I/O beyond the role cues.

- Roles: as the source gives them (each utterance's `role`, or the `speakers` map); a speaker
  without one is decided by `callqa.pipeline.roles.infer_roles`, as for a diarized call.
- Metrics: `callqa.pipeline.metrics.conversation_metrics` over the utterance times (who spoke
  when is taken from the text, as the source has no voice activity); each measure the source
  gives wins. Without times every measure that needs them is unknown (None), never 0.
"""

from __future__ import annotations

from typing import Any

from callqa.configs.settings import MetricsSettings
from callqa.domain.imports import IMPORT_SCHEMA, ImportedTranscript
from callqa.domain.records import (
    CallMetadata,
    ConversationMetrics,
    ModelInfo,
    Role,
    RoleAssignment,
    RoleMetrics,
    Speaker,
    Transcript,
    TranscriptSource,
    Utterance,
)
from callqa.domain.text import is_spaced, language_of
from callqa.pipeline.metrics import TalkSpan, conversation_metrics, words_per_role
from callqa.pipeline.roles import SpokenTurn, infer_roles
from callqa.support.hashing import short_digest

UNKNOWN_MODEL = "unknown"
"""The model id of an import that does not say what produced it."""


def as_transcript(document: Transcript | ImportedTranscript,
                  metadata: CallMetadata | None = None,
                  settings: MetricsSettings | None = None) -> Transcript:
    """`document` as a transcript: a `callqa.transcript/1` one as it is, an import converted."""
    if isinstance(document, Transcript):
        return document
    return transcript_from_import(document, metadata, settings)


def transcript_from_import(document: ImportedTranscript, metadata: CallMetadata | None = None,
                           settings: MetricsSettings | None = None) -> Transcript:
    """The transcript of an import; `metadata` (default: the import's own) names the agent
    and customer for role decisions and is kept on the transcript."""
    metadata = metadata if metadata is not None else document.own_metadata
    timed = document.timed
    speaker_ids = [u.speaker or u.role or "" for u in document.utterances]
    roles, assignment = _roles(document, speaker_ids, metadata)
    utterances = tuple(
        Utterance(speaker=speaker, role=roles[speaker], start=u.start or 0.0,
                  end=u.end or 0.0, text=u.text)
        for speaker, u in zip(speaker_ids, document.utterances, strict=True))
    duration = document.duration
    if duration is None and timed:
        duration = max(u.end for u in utterances)
    measured = (_measured(utterances, duration or 0.0, document.language, settings) if timed
                else _unmeasured(utterances, duration))
    metrics, given = _with_given(measured, document.metrics)
    return Transcript(
        call_id=metadata.call_id if metadata is not None else None,
        language=document.language,
        duration=round(duration or 0.0, 3),
        model=_model(document.model),
        diarization="source",
        speakers=tuple(Speaker(id=s, role=roles[s]) for s in sorted(set(speaker_ids))),
        roles=assignment,
        utterances=utterances,
        metrics=metrics,
        metadata=metadata,
        source=TranscriptSource(audio=document.audio, timed=timed, metrics_given=given),
    )


def _roles(document: ImportedTranscript, speaker_ids: list[str],
           metadata: CallMetadata | None) -> tuple[dict[str, Role], RoleAssignment]:
    """Each speaker's role: given (`speakers`, an utterance's `role`), else inferred."""
    given = {speaker: Role(role) for speaker, role in document.speakers.items()}
    for speaker, u in zip(speaker_ids, document.utterances, strict=True):
        if u.role is not None:
            given.setdefault(speaker, Role(u.role))
    undecided = sorted(set(speaker_ids) - set(given))
    if not undecided:
        return given, RoleAssignment(method="source", confidence=1.0,
                                     cues=("every speaker's role given by the source",))
    turns = [SpokenTurn(speaker, u.start if u.start is not None else float(index), u.text)
             for index, (speaker, u) in enumerate(zip(speaker_ids, document.utterances,
                                                      strict=True))]
    decision = infer_roles(turns, metadata, document.language)
    kept = tuple(f"{speaker} is the {role.value}, as the source gives"
                 for speaker, role in sorted(given.items()))
    return ({**decision.roles, **given},
            decision.assignment.model_copy(update={"cues": (*kept, *decision.assignment.cues)}))


def _model(name: str | None) -> ModelInfo:
    model_id = name or UNKNOWN_MODEL
    options = {"schema": IMPORT_SCHEMA}
    return ModelInfo(id=model_id, options=options,
                     options_hash=short_digest({"model": model_id, **options}))


def _word_count(text: str, spaced: bool) -> int:
    """Words, or characters in a language written without spaces (Chinese)."""
    return len(text.split()) if spaced else sum(1 for ch in text if ch.isalnum())


def _measured(utterances: tuple[Utterance, ...], duration: float, language: str,
              settings: MetricsSettings | None) -> ConversationMetrics:
    """The measures of `callqa.pipeline.metrics`, from the utterance times."""
    spaced = is_spaced(language_of(language))
    spans = sorted((TalkSpan(u.speaker, u.role, u.start, u.end) for u in utterances),
                   key=lambda span: (span.start, span.end))
    words = words_per_role((u.role, _word_count(u.text, spaced)) for u in utterances)
    return conversation_metrics(spans, words, duration, settings)


def _unmeasured(utterances: tuple[Utterance, ...], duration: float | None
                ) -> ConversationMetrics:
    """Without times: the handle time when the source gives the duration; the rest unknown
    (each role that speaks is listed, so that a criterion says which measure is missing)."""
    return ConversationMetrics(handle_time=duration,
                               by_role={u.role: RoleMetrics() for u in utterances})


def _with_given(measured: ConversationMetrics, given: ConversationMetrics | None
                ) -> tuple[ConversationMetrics, tuple[str, ...]]:
    """`measured`, with every measure `given` sets put over it; and the names of those."""
    if given is None:
        return measured, ()
    merged: dict[str, Any] = measured.model_dump()
    names: list[str] = []
    for name, value in given.model_dump(exclude_unset=True).items():
        if name != "by_role":
            merged[name] = value
            names.append(name)
            continue
        for role, fields in value.items():
            merged["by_role"].setdefault(role, {}).update(fields)
            names.extend(f"by_role.{Role(role).value}.{field}" for field in fields)
    return ConversationMetrics.model_validate(merged), tuple(sorted(names))

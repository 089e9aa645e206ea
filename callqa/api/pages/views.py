"""Display data for the call page, built from the services' records (no logic is left
for the templates): transcript lines with their evidence marked, the scorecard rows, and the
conversation timeline (talk, silence, overtalk) as positions in percent of the call."""

from __future__ import annotations

from dataclasses import dataclass, field

from callqa.domain.records import Role, Transcript, Utterance
from callqa.domain.reviews import CriterionVerdicts, ReviewedCriterion
from callqa.domain.scores import CriterionResult, ScoreResult

SILENCE_SHOWN = 1.0  # seconds: a shorter pause between speech is not drawn
OVERTALK_SHOWN = 0.25  # seconds: shorter overlaps are the recogniser's word timing


@dataclass(frozen=True)
class Segment:
    text: str
    matched: bool = False


@dataclass(frozen=True)
class EvidenceMark:
    criterion_id: str
    outcome: str | None
    matched: tuple[str, ...]


@dataclass(frozen=True)
class Line:
    index: int
    start: float
    end: float
    role: str
    speaker: str
    segments: tuple[Segment, ...]
    evidence: tuple[EvidenceMark, ...]


@dataclass(frozen=True)
class VerdictRow:
    verdict: CriterionVerdicts
    section: str | None
    critical: bool
    kind: str | None
    points: str | None
    lines: tuple[int, ...]
    """Utterances its evidence points at (empty: judged on the whole call)."""
    first_start: float | None

    @property
    def criterion_id(self) -> str:
        return self.verdict.criterion_id


@dataclass(frozen=True)
class FormRow:
    """A criterion of the review form, filled in with the reviewer's own last review, else
    the current human verdict (so saving the form never silently undoes an override or an
    accepted dispute), else the automatic one."""

    criterion_id: str
    automatic: str
    outcome: str
    comment: str
    reason: str


def review_form(verdicts: list[CriterionVerdicts], mine: dict[str, ReviewedCriterion]
                ) -> list[FormRow]:
    rows = []
    for v in verdicts:
        if v.automatic is None:
            continue
        own = mine.get(v.criterion_id)
        if own is not None:
            rows.append(FormRow(v.criterion_id, v.automatic, own.outcome, own.comment or "",
                                own.reason or ""))
        else:
            human = v.human or v.automatic
            rows.append(FormRow(v.criterion_id, v.automatic, human, "",
                                (v.reason or "") if human != v.automatic else ""))
    return rows


@dataclass(frozen=True)
class Span:
    left: float
    width: float
    label: str


@dataclass
class TimelineRow:
    name: str
    summary: str
    css: str
    spans: list[Span] = field(default_factory=list)


def transcript_lines(transcript: Transcript | None, verdicts: list[CriterionVerdicts]
                     ) -> list[Line]:
    if transcript is None:
        return []
    marks: dict[int, list[EvidenceMark]] = {}
    for verdict in verdicts:
        for evidence in verdict.evidence:
            marks.setdefault(evidence.utterance, []).append(EvidenceMark(
                verdict.criterion_id, verdict.effective, evidence.matched))
    return [Line(i, u.start, u.end, _role(u.role), u.speaker,
                 _segments(u, [m for mark in marks.get(i, []) for m in mark.matched]),
                 tuple(marks.get(i, ()))) for i, u in enumerate(transcript.utterances)]


def _role(role: Role) -> str:
    return {Role.AGENT: "agent", Role.CUSTOMER: "customer"}.get(role, "unknown")


def _segments(utterance: Utterance, phrases: list[str]) -> tuple[Segment, ...]:
    """The utterance's text with the matched phrases marked (found case-insensitively; the
    scorer matched normalised words, so a phrase not found verbatim stays unmarked)."""
    text, lowered = utterance.text, utterance.text.lower()
    spans: list[tuple[int, int]] = []
    for phrase in {p.lower() for p in phrases if p}:
        at = lowered.find(phrase)
        while at >= 0:
            spans.append((at, at + len(phrase)))
            at = lowered.find(phrase, at + len(phrase))
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    segments, cursor = [], 0
    for start, end in merged:
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], matched=True))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return tuple(segments)


def verdict_rows(verdicts: list[CriterionVerdicts], score: ScoreResult | None
                 ) -> list[VerdictRow]:
    results: dict[str, CriterionResult] = {c.id: c for c in score.criteria} if score else {}
    rows = []
    for verdict in verdicts:
        result = results.get(verdict.criterion_id)
        lines = tuple(sorted({e.utterance for e in verdict.evidence}))
        rows.append(VerdictRow(
            verdict, result.section if result else None,
            result.critical if result else False, result.kind if result else None,
            f"{result.points:g}/{result.max_points:g}" if result else None, lines,
            min((e.start for e in verdict.evidence), default=None)))
    return rows


def timeline(transcript: Transcript | None) -> list[TimelineRow]:
    """Rows of the conversation timeline: each party's speech, the silences and the
    overtalk, as spans in percent of the call's length (none for an import without
    utterance times: its times say nothing)."""
    if transcript is None or transcript.duration <= 0 or not transcript.timed:
        return []
    length = transcript.duration
    metrics = transcript.metrics
    by_role = metrics.by_role if metrics else {}
    rows = []
    for role, name in ((Role.AGENT, "Agent"), (Role.CUSTOMER, "Customer")):
        share = by_role[role].talk_share if role in by_role else None
        row = TimelineRow(name, f"{share * 100:.0f}% of talk" if share is not None else "",
                          _role(role))
        row.spans = [_span(u.start, u.end, length, f"{name} {u.start:.1f}-{u.end:.1f} s")
                     for u in transcript.utterances if u.role == role]
        rows.append(row)
    speech = sorted((r.start, r.end) for r in transcript.voice_activity) or sorted(
        (u.start, u.end) for u in transcript.utterances)
    share = metrics.non_talk_share if metrics else None
    longest = metrics.longest_silence if metrics else None
    silence = TimelineRow("Silence", ", ".join(part for part in (
        f"{share * 100:.0f}% of the call" if share is not None else "",
        f"longest {longest:.1f} s" if longest is not None else "") if part), "silence")
    reached = 0.0
    for start, end in [*speech, (length, length)]:
        if start - reached >= SILENCE_SHOWN:
            silence.spans.append(_span(reached, start, length,
                                       f"silence {reached:.1f}-{start:.1f} s"))
        reached = max(reached, end)
    count = metrics.overtalk_count if metrics else None
    spent = metrics.overtalk_time if metrics else None
    overtalk = TimelineRow("Overtalk", ", ".join(part for part in (
        f"{count} times" if count is not None else "",
        f"{spent:.1f} s" if spent is not None else "") if part), "overtalk")
    agent = [(u.start, u.end) for u in transcript.utterances if u.role == Role.AGENT]
    customer = [(u.start, u.end) for u in transcript.utterances if u.role == Role.CUSTOMER]
    for a_start, a_end in agent if metrics is None or metrics.overtalk_count else ():
        for c_start, c_end in customer:
            start, end = max(a_start, c_start), min(a_end, c_end)
            if end - start >= OVERTALK_SHOWN:
                overtalk.spans.append(_span(start, end, length,
                                            f"overtalk {start:.1f}-{end:.1f} s"))
    return [*rows, silence, overtalk]


def _span(start: float, end: float, length: float, label: str) -> Span:
    left = max(0.0, min(start / length, 1.0)) * 100
    width = max(0.3, (min(end, length) - start) / length * 100)
    return Span(round(left, 2), round(min(width, 100 - left), 2), label)

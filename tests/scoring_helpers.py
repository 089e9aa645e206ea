"""Build transcripts and small scorecards for the scoring tests (real components, no mocks)."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from pathlib import Path
from textwrap import dedent, indent

from callqa.domain.records import (
    AudioInfo,
    CallMetadata,
    ConversationMetrics,
    ModelInfo,
    Role,
    RoleAssignment,
    Speaker,
    Transcript,
    Utterance,
    Word,
)
from callqa.domain.text import normalise
from callqa.scoring import Scorecard, ScoreResult, parse_scorecard, score_call

Turn = tuple[Role | str, float, float, str]
"""(role, start, end, text)."""

_SPEAKERS = {Role.AGENT: "S0", Role.CUSTOMER: "S1", Role.UNKNOWN: "S2"}


def make_transcript(
    turns: Sequence[Turn],
    *,
    language: str = "en",
    metadata: CallMetadata | None = None,
    metrics: ConversationMetrics | None = None,
    call_id: str | None = "test-call",
) -> Transcript:
    """A transcript of `turns`; words are spread evenly over each utterance."""
    utterances = []
    for role_value, start, end, text in turns:
        role = Role(role_value)
        tokens = text.split() or [text]
        step = (end - start) / len(tokens)
        words = tuple(
            Word(start=round(start + i * step, 3), end=round(start + (i + 1) * step, 3),
                 text=f" {token}", probability=0.9)
            for i, token in enumerate(tokens)
        )
        utterances.append(Utterance(speaker=_SPEAKERS[role], role=role, start=start, end=end,
                                    text=text, words=words))
    utterances.sort(key=lambda u: (u.start, u.end))
    duration = max((u.end for u in utterances), default=0.0) + 0.5
    roles = {u.role for u in utterances}
    known = roles - {Role.UNKNOWN}
    return Transcript(
        call_id=call_id,
        language=language,
        duration=duration,
        audio=AudioInfo(path="test.wav", sha256="0" * 64, format="WAV", codec="PCM_16",
                        sample_rate=8000, channels=2, duration=duration),
        model=ModelInfo(id="test", device="cpu", compute_type="none", options={},
                        options_hash="0" * 16),
        speakers=tuple(Speaker(id=_SPEAKERS[r], role=r) for r in sorted(roles)),
        roles=(
            RoleAssignment(method="channel_layout", confidence=1.0)
            if known
            else RoleAssignment(method="none", confidence=0.0)
        ),
        utterances=tuple(utterances),
        metrics=metrics,
        metadata=metadata,
    )


def scorecard_yaml(criteria: str, *, languages: str = "[en]", sections: str | None = None) -> str:
    """A complete scorecard around `criteria` (YAML list items, unindented)."""
    sections = sections or dedent("""\
        - {id: greeting, weight: 10}
        - {id: resolution, weight: 25}
        - {id: empathy, weight: 20}
        - {id: compliance, weight: 15}
        - {id: closing, weight: 10}
        - {id: active_listening, weight: 20}
        """)
    return (
        "id: test\nversion: '1'\ncall_types: [test]\n"
        f"languages: {languages}\nsections:\n{indent(dedent(sections), '  ')}"
        f"criteria:\n{indent(dedent(criteria), '  ')}"
    )


def one_criterion(criteria: str, *, languages: str = "[en]") -> Scorecard:
    """A scorecard with only the sections its criteria use."""
    used = set(re.findall(r"\bsection: *([a-z_]+)", criteria))
    sections = "".join(f"- {{id: {section}, weight: 10}}\n" for section in sorted(used))
    return parse_scorecard(scorecard_yaml(criteria, languages=languages, sections=sections))


def outcome(scorecard: Scorecard, transcript: Transcript, criterion_id: str) -> str:
    return score_call(transcript, scorecard).criterion(criterion_id).outcome


# --- Harper Valley Bank references ------------------------------------------------------------

HVB_ACTS = {
    "greeting": ("gridspace_greeting",),
    "anything_else": ("gridspace_open_question",),
    "closing": ("gridspace_closing", "gridspace_thanks"),
}
"""Which human dialog acts on agent turns stand for each criterion."""


def hvb_reference(
    shared_data: Path, sid: str, text_field: str = "text"
) -> tuple[Transcript, list[set[str]]]:
    """The call's human utterances as a callqa transcript (agent -> agent, caller ->
    customer; `text_field` `text` for the human reference, `vendor_asr` for the vendor's ASR),
    with each utterance's dialog acts and the customer name from the call's metadata."""
    folder = shared_data / "calls" / "hvb"
    rows = [json.loads(line) for line in (folder / "derived" / f"{sid}.ref.jsonl").open()]
    rows.sort(key=lambda row: (row["start"], row["end"]))
    turns: list[Turn] = [
        (Role.AGENT if row["role"] == "agent" else Role.CUSTOMER, row["start"], row["end"],
         row[text_field])
        for row in rows
    ]
    transcript = make_transcript(turns, metadata=hvb_metadata(shared_data, sid), call_id=sid)
    return transcript, [set(row["dialog_acts"]) for row in rows]


def hvb_metadata(shared_data: Path, sid: str) -> CallMetadata:
    data = json.loads((shared_data / "calls" / "hvb" / "metadata" / f"{sid}.json").read_text())
    return CallMetadata(
        call_id=sid,
        customer_name=data["caller"]["metadata"]["first and last name"],
        agent_name=data["agent"]["metadata"]["agent_name"],
        language="en",
    )


def human_label(transcript: Transcript, acts: Sequence[set[str]], criterion: str) -> bool:
    """Whether a human gave one of the criterion's dialog acts to an agent turn with words."""
    return any(
        utterance.role == Role.AGENT
        and acts[i] & set(HVB_ACTS[criterion])
        and normalise(utterance.text, "en")  # not a bare [noise] or <unk>
        for i, utterance in enumerate(transcript.utterances)
    )


def evidence_times(result: ScoreResult, criterion: str) -> list[tuple[float, float]]:
    return [(e.start, e.end) for e in result.criterion(criterion).evidence if e.matched]

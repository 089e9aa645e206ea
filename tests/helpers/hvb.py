"""The Harper Valley Bank calls of ../shared/data: their human references as callqa
transcripts, their metadata and their dialog-act labels."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

from callqa.domain.records import CallMetadata, Role, Transcript
from callqa.domain.text import normalise
from callqa.scoring import ScoreResult
from tests.factories import Turn, make_transcript

HVB_SIDS = ("0002f70f7386445b", "0091a706bc604188", "01f7ec3700424bc0", "02e41649e7c441fd")

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

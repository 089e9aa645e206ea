"""`transcript_from_import`: a `callqa.import/1` document to a `callqa.transcript/1` record
(roles given or inferred, metrics measured from the times or unknown, given ones winning)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from callqa.domain.imports import ImportedTranscript, parse_transcript_document
from callqa.domain.records import CallMetadata, Role, Transcript
from callqa.pipeline.imports import as_transcript, transcript_from_import
from callqa.pipeline.metrics import TalkSpan, conversation_metrics
from tests.helpers.paths import REPO

IMPORTS = REPO / "tests" / "data" / "imports"


def imported(**fields: Any) -> ImportedTranscript:
    return ImportedTranscript.model_validate({"schema": "callqa.import/1", "language": "en",
                                              **fields})


def example(name: str) -> Transcript:
    document = parse_transcript_document((IMPORTS / name).read_bytes())
    assert isinstance(document, ImportedTranscript)
    return transcript_from_import(document)


def test_an_asr_export_gets_inferred_roles_and_the_pipelines_metrics() -> None:
    transcript = example("vendor_asr_export.json")
    assert transcript.roles.method == "inferred" and transcript.diarization == "source"
    assert {s.id: s.role for s in transcript.speakers} == {"S1": Role.CUSTOMER,
                                                           "S2": Role.AGENT}
    assert any("S2 says 'thank you for calling'" in cue for cue in transcript.roles.cues)
    assert transcript.timed and transcript.duration == 41.0
    assert transcript.audio is None and transcript.source is not None
    assert transcript.source.audio == "s3://acme-exports/2026-11/call-7731.wav"
    assert transcript.model.id == "acme-asr 4.2 (en-US telephony)"
    # The same measures as the pipeline's, over the utterances as who spoke when.
    spans = [TalkSpan(u.speaker, u.role, u.start, u.end) for u in transcript.utterances]
    words = {Role.AGENT: 0, Role.CUSTOMER: 0}
    for u in transcript.utterances:
        words[u.role] += len(u.text.split())
    assert transcript.metrics == conversation_metrics(spans, words, 41.0)
    assert transcript.metrics is not None and transcript.metrics.longest_silence == 6.0
    # It is a valid callqa.transcript/1 document, read back unchanged.
    assert Transcript.from_json(transcript.to_json()) == transcript


def test_a_chat_without_times_has_its_timed_measures_unknown_not_zero() -> None:
    transcript = example("chat_billing.json")
    assert not transcript.timed and transcript.roles.method == "source"
    assert transcript.roles.confidence == 1.0
    assert [u.role for u in transcript.utterances[:2]] == [Role.CUSTOMER, Role.AGENT]
    assert {(u.start, u.end) for u in transcript.utterances} == {(0.0, 0.0)}
    metrics = transcript.metrics
    assert metrics is not None
    assert metrics.handle_time is None and metrics.non_talk_share is None
    assert metrics.longest_silence is None and metrics.overtalk_count is None
    assert metrics.by_role[Role.AGENT].talk_share is None
    assert metrics.by_role[Role.CUSTOMER].interruptions is None
    assert transcript.metadata is not None
    assert transcript.metadata.customer_name == "Sarah Johnson"


def test_given_measures_win_and_are_listed() -> None:
    transcript = example("partial_metrics.json")
    metrics = transcript.metrics
    assert metrics is not None and transcript.source is not None
    assert (metrics.non_talk_share, metrics.handle_time) == (0.42, 264.0)
    assert metrics.by_role[Role.AGENT].talk_share == 0.48
    assert metrics.by_role[Role.AGENT].interruptions == 1
    assert metrics.longest_silence is None and metrics.by_role[Role.AGENT].talk_time is None
    assert transcript.source.metrics_given == (
        "by_role.agent.interruptions", "by_role.agent.talk_share", "non_talk_share")
    assert transcript.roles.method == "source"  # the speakers map
    assert {s.id: s.role for s in transcript.speakers} == {"spk_0": Role.AGENT,
                                                           "spk_1": Role.CUSTOMER}

    # With times, a given measure replaces the measured one and the rest stay measured.
    timed = transcript_from_import(imported(
        metrics={"by_role": {"agent": {"interruptions": 4}}, "longest_silence": 9.5},
        utterances=[{"role": "agent", "start": 0.0, "end": 2.0, "text": "Hello, how can I help?"},
                    {"role": "customer", "start": 2.5, "end": 4.0, "text": "My bill is wrong."}]))
    assert timed.metrics is not None
    assert timed.metrics.longest_silence == 9.5
    assert timed.metrics.by_role[Role.AGENT].interruptions == 4
    assert timed.metrics.by_role[Role.AGENT].talk_share == 0.5714
    assert timed.metrics.handle_time == 4.0  # the last end, without a duration


def test_given_roles_are_kept_and_only_the_missing_ones_inferred() -> None:
    transcript = transcript_from_import(imported(
        speakers={"S1": "customer"},
        utterances=[{"speaker": "S1", "text": "Hi, I'm calling about my order."},
                    {"speaker": "S2", "text": "Thank you for calling, how can I help you?"}]))
    assert transcript.roles.method == "inferred"
    assert transcript.roles.cues[0] == "S1 is the customer, as the source gives"
    assert [u.role for u in transcript.utterances] == [Role.CUSTOMER, Role.AGENT]


def test_the_metadata_given_wins_and_names_feed_the_role_decision() -> None:
    document = imported(utterances=[
        {"speaker": "A", "start": 0, "end": 2, "text": "Hello?"},
        {"speaker": "B", "start": 2, "end": 5, "text": "Hi, is that Robert Harris? This is Ada."}])
    metadata = CallMetadata(call_id="c-1", customer_name="Robert Harris", agent_name="Ada Byron")
    transcript = as_transcript(document, metadata)
    assert transcript.call_id == "c-1" and transcript.metadata == metadata
    assert {s.id: s.role for s in transcript.speakers} == {"A": Role.CUSTOMER, "B": Role.AGENT}


def test_a_transcript_document_passes_through(tmp_path: Path) -> None:
    data = json.loads((REPO / "tests" / "data" / "malformed" / "transcripts" / "good.json")
                      .read_text(encoding="utf-8"))
    document = parse_transcript_document(json.dumps(data))
    assert isinstance(document, Transcript) and as_transcript(document) is document

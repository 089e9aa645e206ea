"""Diarization, roles and talk share on real reference audio (../shared/data), scored with
pyannote.metrics against the human RTTMs."""

from __future__ import annotations

from pathlib import Path

import pytest

from callqa.configs.settings import Settings
from callqa.domain.records import CallMetadata, ChannelLayout, Role, Transcript
from callqa.pipeline.audio import decode_audio
from callqa.pipeline.calls import transcribe_call
from callqa.pipeline.diarize import Diarization, get_diarizer
from callqa.pipeline.transcribe import Transcriber, speech_regions
from tests.helpers.hvb import HVB_SIDS
from tests.helpers.invariants import assert_transcript_invariants
from tests.helpers.wer import corpus_wer

COLLAR = 0.25


def _der(reference_rttm: Path, uri: str, turns: Diarization | Transcript) -> float:
    from pyannote.core import Annotation, Segment
    from pyannote.database.util import load_rttm
    from pyannote.metrics.diarization import DiarizationErrorRate

    hypothesis = Annotation(uri=uri)
    if isinstance(turns, Diarization):
        for speaker_turn in turns.turns:
            hypothesis[Segment(speaker_turn.start, speaker_turn.end)] = speaker_turn.speaker
    else:  # a transcript's turns, named by role like the reference (agent / caller)
        names = {Role.AGENT: "agent", Role.CUSTOMER: "caller", Role.UNKNOWN: "unknown"}
        for turn in turns.turns:
            hypothesis[Segment(turn.start, turn.end)] = names[turn.role]
    metric = DiarizationErrorRate(collar=COLLAR, skip_overlap=False)
    return float(metric(load_rttm(reference_rttm)[uri], hypothesis))


def _embedded(path: Path) -> Diarization:
    settings = Settings()
    samples = decode_audio(path).samples.mean(axis=0)
    diarizer = get_diarizer("embedded", settings.diarization)
    return diarizer(samples, speech_regions(samples, settings.activity_vad), 2)


def test_pyannote_sample_der(shared_data: Path) -> None:
    diarization = _embedded(shared_data / "diarization/pyannote_sample.wav")
    der = _der(shared_data / "diarization/pyannote_sample.rttm", "sample", diarization)
    print(f"pyannote_sample DER {der:.3f}")
    assert der <= 0.15
    assert diarization.speakers == ("S0", "S1")
    starts = [t.start for t in diarization.turns]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in zip(diarization.turns, diarization.turns[1:],
                                                strict=False)), "turns must be exclusive"


@pytest.mark.parametrize("sid", HVB_SIDS)
def test_hvb_mono_mix_der(shared_data: Path, sid: str) -> None:
    derived = shared_data / "calls/hvb/derived"
    der = _der(derived / f"{sid}.rttm", sid, _embedded(derived / f"{sid}.mono_mix.wav"))
    print(f"{sid} DER {der:.3f}")
    assert der <= 0.15


def test_speaker_count_estimated_when_not_given(shared_data: Path) -> None:
    settings = Settings()
    diarizer = get_diarizer("embedded", settings.diarization)
    for path, expected in ((shared_data / "diarization/pyannote_sample.wav", 2),
                           (shared_data / "speech/jfk.flac", 1)):
        samples = decode_audio(path).samples.mean(axis=0)
        result = diarizer(samples, speech_regions(samples, settings.activity_vad), None)
        assert len(result.speakers) == expected, path


def _customer_name(shared_data: Path, sid: str) -> str:
    import json

    meta = json.loads((shared_data / f"calls/hvb/metadata/{sid}.json").read_text())
    return str(meta["caller"]["metadata"]["first and last name"])


@pytest.mark.model
def test_hvb_mono_calls_roles_der_and_wer(shared_data: Path, transcriber: Transcriber) -> None:
    """Whole mono path: agent found on all four calls (DER by role <= 15 %), and
    per-role WER no more than 5 points worse than the stereo path on the same call."""
    derived = shared_data / "calls/hvb/derived"
    mono_pairs: dict[Role, list[tuple[str, str]]] = {Role.AGENT: [], Role.CUSTOMER: []}
    stereo_pairs: dict[Role, list[tuple[str, str]]] = {Role.AGENT: [], Role.CUSTOMER: []}
    for sid in HVB_SIDS:
        metadata = CallMetadata(call_id=sid, customer_name=_customer_name(shared_data, sid))
        mono = transcribe_call(derived / f"{sid}.mono_mix.wav", metadata, transcriber=transcriber)
        assert_transcript_invariants(mono)
        assert mono.diarization == "embedded" and mono.roles.method == "inferred"
        assert mono.roles.confidence >= 0.9, mono.roles
        # Turns named by role against the reference's agent/caller turns: a swapped agent
        # would score a DER near 100 %.
        der = _der(derived / f"{sid}.rttm", sid, mono)
        print(f"{sid} mono transcript DER by role {der:.3f}")
        assert der <= 0.15
        stereo = transcribe_call(
            derived / f"{sid}.stereo_agentL_callerR.ulaw.wav",
            metadata.model_copy(update={"channel_layout": ChannelLayout.AGENT_LEFT}),
            transcriber=transcriber,
        )
        for role, party in ((Role.AGENT, "agent"), (Role.CUSTOMER, "caller")):
            reference = (derived / f"{sid}.{party}.ref.txt").read_text()
            mono_pairs[role].append((reference, mono.text_by_role(role)))
            stereo_pairs[role].append((reference, stereo.text_by_role(role)))
    for role in (Role.AGENT, Role.CUSTOMER):
        mono_wer, stereo_wer = corpus_wer(mono_pairs[role]), corpus_wer(stereo_pairs[role])
        print(f"{role.value}: mono WER {mono_wer:.3f}, stereo WER {stereo_wer:.3f}")
        assert mono_wer <= stereo_wer + 0.05


def _rttm_share(path: Path) -> dict[str, float]:
    from pyannote.database.util import load_rttm

    annotation = next(iter(load_rttm(path).values()))
    talk = {label: annotation.label_timeline(label).support().duration()
            for label in annotation.labels()}
    total = sum(talk.values())
    return {label: seconds / total for label, seconds in talk.items()}


@pytest.mark.model
def test_hvb_stereo_talk_share_and_roles_without_layout(
    shared_data: Path, transcriber: Transcriber
) -> None:
    derived = shared_data / "calls/hvb/derived"
    for sid in HVB_SIDS:
        metadata = CallMetadata(call_id=sid, customer_name=_customer_name(shared_data, sid))
        transcript = transcribe_call(derived / f"{sid}.stereo_agentL_callerR.ulaw.wav",
                                     metadata, transcriber=transcriber)
        # The layout is withheld: the roles are inferred, and must put the agent on the left.
        assert transcript.roles.method == "inferred"
        roles = {s.channel: s.role for s in transcript.speakers}
        assert roles == {0: Role.AGENT, 1: Role.CUSTOMER}, (sid, transcript.roles.cues)
        assert transcript.metrics is not None
        reference = _rttm_share(derived / f"{sid}.rttm")
        ours = {role: m.talk_share for role, m in transcript.metrics.by_role.items()
                if m.talk_share is not None}  # a recording's measures are all known
        print(sid, {k: round(v, 3) for k, v in reference.items()},
              {k.value: round(v, 3) for k, v in ours.items()})
        assert abs(ours[Role.AGENT] - reference["agent"]) <= 0.05
        assert abs(ours[Role.CUSTOMER] - reference["caller"]) <= 0.05

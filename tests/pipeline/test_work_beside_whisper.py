"""While Whisper decodes one channel, the CPU work that does not need its words (the next
channel's VAD, the fine-grained voice activity, a mono call's diarization) runs beside it.
The transcript must be what the same steps give one after the other."""

from __future__ import annotations

from pathlib import Path

import pytest

from callqa.configs.settings import Settings
from callqa.domain.records import CallMetadata, ChannelLayout, Transcript
from callqa.pipeline.audio import decode_audio
from callqa.pipeline.calls import transcribe_call
from callqa.pipeline.diarize import get_diarizer
from callqa.pipeline.transcribe import ChannelResult, Transcriber, speech_regions
from tests.helpers.hvb import HVB_SIDS

pytestmark = pytest.mark.model


def _words(transcript: Transcript, channel: int | None) -> list[tuple[float, float, str]]:
    return [(w.start, w.end, w.text) for u in transcript.utterances if u.channel == channel
            for w in u.words]


def _alone(result: ChannelResult) -> list[tuple[float, float, str]]:
    return [(w.start, w.end, w.text) for segment in result.segments for w in segment.words]


def test_stereo_call_as_one_step_after_the_other(shared_data: Path,
                                                 transcriber: Transcriber) -> None:
    path = shared_data / f"calls/hvb/derived/{HVB_SIDS[1]}.stereo_agentL_callerR.ulaw.wav"
    settings = Settings()
    transcript = transcribe_call(path, CallMetadata(language="en",
                                                    channel_layout=ChannelLayout.AGENT_LEFT),
                                 settings, transcriber)
    audio = decode_audio(path, settings.audio)
    for channel in (0, 1):
        samples = audio.samples[channel]
        alone = _alone(transcriber.transcribe(samples, "en"))
        assert alone, f"channel {channel} has no words"
        assert _words(transcript, channel) == alone
        regions = speech_regions(samples, settings.activity_vad)
        assert [(r.start, r.end) for r in transcript.voice_activity if r.channel == channel] \
            == [(round(a, 3), round(b, 3)) for a, b in regions]


def test_mono_call_diarized_beside_whisper_as_alone(shared_data: Path,
                                                    transcriber: Transcriber) -> None:
    path = shared_data / f"calls/hvb/derived/{HVB_SIDS[0]}.mono_mix.wav"
    settings = Settings()
    transcript = transcribe_call(path, CallMetadata(language="en"), settings, transcriber)
    assert transcript.diarization == "embedded"
    mix = decode_audio(path, settings.audio).samples.mean(axis=0)
    assert sorted(_words(transcript, None)) == sorted(_alone(transcriber.transcribe(mix, "en")))
    activity = speech_regions(mix, settings.activity_vad)
    diarizer = get_diarizer("embedded", settings.diarization)
    diarization = diarizer(mix, activity, settings.diarization.num_speakers)
    assert len({t.speaker for t in diarization.talk_turns}) == 2
    assert [(t.start, t.end) for t in transcript.turns] == sorted(
        (round(t.start, 3), round(t.end, 3)) for t in diarization.talk_turns)

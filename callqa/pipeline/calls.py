"""From a recording and its metadata to a `callqa.transcript/1` Transcript.

A stereo recording with one party per channel is transcribed channel by channel and merged
on one timeline; each channel is one speaker, and the metadata's `channel_layout` (or the
`default_channel_layout` setting) says which one is the agent. A mono recording (or a stereo
one whose channels are identical) is one mixed channel.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np

from callqa.configs.settings import Settings
from callqa.domain import (
    CallMetadata,
    ChannelLayout,
    Role,
    RoleAssignment,
    Speaker,
    SpeechRegion,
    Transcript,
    Utterance,
)
from callqa.pipeline.audio import DecodedAudio, decode_audio
from callqa.pipeline.transcribe import ChannelResult, Transcriber, get_transcriber

Hook = Callable[[str, float, float], None]
"""`hook(step, completed, total)`: progress in seconds of audio; a no-op by default."""


def no_hook(step: str, completed: float, total: float) -> None:
    return None


def transcribe_call(
    path: str | Path,
    metadata: CallMetadata | None = None,
    settings: Settings | None = None,
    transcriber: Transcriber | None = None,
    hook: Hook = no_hook,
) -> Transcript:
    settings = settings or Settings()
    transcriber = transcriber or get_transcriber(settings.transcription)
    audio = decode_audio(path, settings.audio)
    layout = (metadata.channel_layout if metadata else None) or settings.default_channel_layout
    return transcribe_audio(audio, transcriber, metadata, layout, hook)


def transcribe_audio(
    audio: DecodedAudio,
    transcriber: Transcriber,
    metadata: CallMetadata | None,
    layout: ChannelLayout | None,
    hook: Hook = no_hook,
) -> Transcript:
    channels = _channels_to_transcribe(audio, layout)
    total = audio.duration * len(channels)
    results: dict[int, ChannelResult] = {}
    language = (metadata.language if metadata else None) or transcriber.settings.language
    # The channel with the most signal goes first and fixes the language for the others.
    order = sorted(range(len(channels)), key=lambda i: -float(np.abs(channels[i]).sum()))
    for done, index in enumerate(order):
        offset = done * audio.duration

        def progress(seconds: float, offset: float = offset) -> None:
            hook("transcribe", offset + seconds, total)

        results[index] = transcriber.transcribe(channels[index], language, progress)
        language = language or results[index].language
    hook("transcribe", total, total)

    stereo = len(channels) == 2
    speakers = tuple(
        Speaker(id=f"S{i}", role=_role_for_channel(i, layout) if stereo else Role.UNKNOWN,
                channel=i if stereo else None)
        for i in range(len(channels))
    )
    utterances = sorted(
        (
            Utterance(speaker=speakers[i].id, role=speakers[i].role, start=seg.start,
                      end=seg.end, text=seg.text, words=seg.words, channel=speakers[i].channel)
            for i, result in results.items()
            for seg in result.segments
        ),
        key=lambda u: (u.start, u.end),
    )
    voice_activity = sorted(
        (
            SpeechRegion(channel=speakers[i].channel, start=round(a, 3), end=round(b, 3))
            for i, result in results.items()
            for a, b in result.speech
        ),
        key=lambda r: (r.start, r.end),
    )
    return Transcript(
        call_id=metadata.call_id if metadata else None,
        language=language or "en",
        duration=round(audio.duration, 3),
        audio=audio.info,
        model=transcriber.model_info,
        speakers=speakers,
        roles=_role_assignment(stereo, layout),
        utterances=tuple(utterances),
        voice_activity=tuple(voice_activity),
        metadata=metadata,
    )


def _channels_to_transcribe(audio: DecodedAudio, layout: ChannelLayout | None) -> list[np.ndarray]:
    """One array per party channel, or a single mixed channel."""
    if audio.num_channels == 2 and layout != ChannelLayout.MONO:
        return [audio.samples[0], audio.samples[1]]
    if audio.num_channels == 1:
        return [audio.samples[0]]
    return [audio.samples.mean(axis=0)]


def _role_for_channel(channel: int, layout: ChannelLayout | None) -> Role:
    if layout == ChannelLayout.AGENT_LEFT:
        return Role.AGENT if channel == 0 else Role.CUSTOMER
    if layout == ChannelLayout.AGENT_RIGHT:
        return Role.AGENT if channel == 1 else Role.CUSTOMER
    return Role.UNKNOWN


def _role_assignment(stereo: bool, layout: ChannelLayout | None) -> RoleAssignment:
    if stereo and layout in (ChannelLayout.AGENT_LEFT, ChannelLayout.AGENT_RIGHT):
        return RoleAssignment(method="channel_layout", confidence=1.0,
                              cues=(f"channel_layout={layout.value}",))
    return RoleAssignment(method="none", confidence=0.0)

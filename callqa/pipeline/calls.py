"""From a recording and its metadata to a `callqa.transcript/1` Transcript.

decode → transcribe → who spoke when → words to speakers → roles → metrics.

A stereo recording with one party per channel is transcribed channel by channel and merged
on one timeline; each channel is one speaker, and the metadata's `channel_layout` (or the
`default_channel_layout` setting) says which one is the agent; without it the roles are
inferred. A mono recording (or a stereo one whose channels are identical) is diarized, each
word goes to the speaker talking most during it, and the roles are inferred.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from callqa.configs.settings import Settings
from callqa.domain.progress import Progress, no_progress
from callqa.domain.records import (
    CallMetadata,
    ChannelLayout,
    Role,
    RoleAssignment,
    Speaker,
    SpeechRegion,
    Transcript,
    Turn,
    Utterance,
)
from callqa.pipeline.align import split_by_speaker
from callqa.pipeline.audio import DecodedAudio, decode_audio
from callqa.pipeline.diarize import Diarization, Diarizer, choose_backend, get_diarizer
from callqa.pipeline.metrics import TalkSpan, conversation_metrics, words_per_role
from callqa.pipeline.roles import SpokenTurn, infer_roles
from callqa.pipeline.transcribe import (
    ChannelResult,
    TimedText,
    Transcriber,
    get_transcriber,
    speech_regions,
)


def transcribe_call(
    path: str | Path,
    metadata: CallMetadata | None = None,
    settings: Settings | None = None,
    transcriber: Transcriber | None = None,
    hook: Progress = no_progress,
    diarizer: Diarizer | None = None,
) -> Transcript:
    settings = settings or Settings()
    transcriber = transcriber or get_transcriber(settings.transcription)
    audio = decode_audio(path, settings.audio)
    return transcribe_audio(audio, transcriber, metadata, settings, hook, diarizer)


def transcribe_audio(
    audio: DecodedAudio,
    transcriber: Transcriber,
    metadata: CallMetadata | None,
    settings: Settings,
    hook: Progress = no_progress,
    diarizer: Diarizer | None = None,
) -> Transcript:
    layout = (metadata.channel_layout if metadata else None) or settings.default_channel_layout
    backend = choose_backend(settings.diarization, audio.num_channels, layout)
    stereo = backend == "channels"
    channels = [audio.samples[0], audio.samples[1]] if stereo else [audio.samples.mean(axis=0)]
    language = (metadata.language if metadata else None) or transcriber.settings.language
    diarizer = None if stereo else diarizer or get_diarizer(backend, settings.diarization)
    heard = _hear(channels, diarizer, transcriber, language, settings, audio.duration, hook)
    results, activity = heard.channels, heard.activity
    language = language or results[0].language

    if stereo:
        pieces = [(f"S{i}", seg) for i, result in enumerate(results) for seg in result.segments]
        spans = [TalkSpan(f"S{i}", Role.UNKNOWN, a, b)
                 for i, regions in enumerate(activity) for a, b in regions]
        speaker_ids = ["S0", "S1"]
    else:
        diarization = heard.diarization
        assert diarization is not None  # a mono call is diarized
        pieces = [(speaker or "S0", seg) for speaker, seg in
                  split_by_speaker(results[0].segments, diarization)]
        spans = [TalkSpan(t.speaker, Role.UNKNOWN, t.start, t.end)
                 for t in diarization.talk_turns]
        speaker_ids = sorted({*diarization.speakers, *(s for s, _ in pieces)})

    roles, assignment = _roles(speaker_ids, pieces, stereo, layout, metadata, language)
    speakers = tuple(
        Speaker(id=s, role=roles.get(s, Role.UNKNOWN), channel=int(s[1:]) if stereo else None)
        for s in speaker_ids
    )
    utterances = [
        Utterance(speaker=s, role=roles.get(s, Role.UNKNOWN), start=seg.start, end=seg.end,
                  text=seg.text, words=seg.words, channel=int(s[1:]) if stereo else None)
        for s, seg in _join_broken_sentences(pieces, transcriber.settings.utterance_gap)
    ]
    utterances.sort(key=lambda u: (u.start, u.end))
    role_spans = sorted(
        (TalkSpan(s.speaker, roles.get(s.speaker, Role.UNKNOWN), s.start, s.end) for s in spans),
        key=lambda s: (s.start, s.end),
    )
    metrics = conversation_metrics(
        role_spans, words_per_role((u.role, len(u.words)) for u in utterances),
        audio.duration, settings.metrics,
    )
    voice_activity = sorted(
        (SpeechRegion(channel=i if stereo else None, start=round(a, 3), end=round(b, 3))
         for i, regions in enumerate(activity) for a, b in regions),
        key=lambda r: (r.start, r.end),
    )
    return Transcript(
        call_id=metadata.call_id if metadata else None,
        language=language or "en",
        duration=round(audio.duration, 3),
        audio=audio.info,
        model=transcriber.model_info,
        diarization=backend,
        speakers=speakers,
        roles=assignment,
        utterances=tuple(utterances),
        turns=tuple(Turn(speaker=s.speaker, role=s.role, start=round(s.start, 3),
                         end=round(s.end, 3)) for s in role_spans),
        voice_activity=tuple(voice_activity),
        metrics=metrics,
        metadata=metadata,
    )


@dataclass(frozen=True)
class _Heard:
    channels: list[ChannelResult]
    activity: list[list[tuple[float, float]]]
    """Fine-grained voice activity per channel (`settings.activity_vad`)."""
    diarization: Diarization | None


def _hear(
    channels: Sequence[np.ndarray],
    diarizer: Diarizer | None,
    transcriber: Transcriber,
    language: str | None,
    settings: Settings,
    duration: float,
    hook: Progress,
) -> _Heard:
    """Whisper over every channel, voice activity, and with a `diarizer` (a mono call) who
    spoke when.

    Whisper is kept busy: while it decodes, the CPU work that does not need its words runs
    beside it in one thread: the later channels' VAD first, then the fine-grained voice
    activity of every channel, then the diarization. Same inputs, same results as one after
    the other; on a GPU the model no longer waits for the CPU between channels.
    """
    order = sorted(range(len(channels)), key=lambda i: -float(np.abs(channels[i]).sum()))
    beside = ThreadPoolExecutor(max_workers=1, thread_name_prefix="callqa-beside")
    try:
        chunks = {i: beside.submit(transcriber.speech_chunks, channels[i]) for i in order[1:]}
        activity = [beside.submit(speech_regions, channel, settings.activity_vad)
                    for channel in channels]
        diarized = None
        if diarizer is not None:
            diarized = beside.submit(_diarize, diarizer, channels[0], activity[0],
                                     settings.diarization.num_speakers)
        results = _transcribe_channels(channels, order, chunks, transcriber, language,
                                       duration, hook)
        diarization = None
        if diarized is not None:
            hook("diarize", 0.0, duration)
            diarization = diarized.result()
            hook("diarize", duration, duration)
        return _Heard(results, [run.result() for run in activity], diarization)
    finally:
        beside.shutdown(wait=True, cancel_futures=True)


_SENTENCE_END = (".", "?", "!", "。", "？", "！", "؟")


def _join_broken_sentences(
    pieces: Sequence[tuple[str, TimedText]], gap: float
) -> list[tuple[str, TimedText]]:
    """Whisper sometimes ends a segment mid-sentence ("which one would you like to" /
    "check?"); join such a piece to the same speaker's next one when no one else speaks in
    between and the pause is short."""
    ordered = sorted(pieces, key=lambda p: (p[1].start, p[1].end))
    joined: list[tuple[str, TimedText]] = []
    for speaker, piece in ordered:
        if joined:
            last_speaker, last = joined[-1]
            if (last_speaker == speaker and piece.start - last.end <= gap
                    and not last.text.endswith(_SENTENCE_END)):
                joined[-1] = (speaker, TimedText(
                    last.start, max(last.end, piece.end), f"{last.text} {piece.text}",
                    last.words + piece.words, last.spoken + piece.spoken))
                continue
        joined.append((speaker, piece))
    return joined


def _transcribe_channels(
    channels: Sequence[np.ndarray],
    order: Sequence[int],
    chunks: Mapping[int, Future[list[dict[str, int]]]],
    transcriber: Transcriber,
    language: str | None,
    duration: float,
    hook: Progress,
) -> list[ChannelResult]:
    """Transcribe each channel in `order` (most signal first: it fixes the language), with
    the speech `chunks` already being found for the later ones."""
    total = duration * len(channels)
    results: dict[int, ChannelResult] = {}
    for done, index in enumerate(order):
        offset = done * duration

        def progress(step: str, seconds: float, _duration: float, /,
                     offset: float = offset) -> None:
            hook(step, offset + seconds, total)

        found = chunks[index].result() if index in chunks else None
        results[index] = transcriber.transcribe(channels[index], language, progress, found)
        language = language or results[index].language
    hook("transcribe", total, total)
    return [results[i] for i in range(len(channels))]


def _diarize(diarizer: Diarizer, samples: np.ndarray,
             activity: Future[list[tuple[float, float]]],
             num_speakers: int | None) -> Diarization:
    return diarizer(samples, activity.result(), num_speakers)


def _roles(
    speaker_ids: Sequence[str],
    pieces: Sequence[tuple[str, TimedText]],
    stereo: bool,
    layout: ChannelLayout | None,
    metadata: CallMetadata | None,
    language: str | None,
) -> tuple[dict[str, Role], RoleAssignment]:
    if stereo and layout in (ChannelLayout.AGENT_LEFT, ChannelLayout.AGENT_RIGHT):
        agent = "S0" if layout == ChannelLayout.AGENT_LEFT else "S1"
        roles = {s: Role.AGENT if s == agent else Role.CUSTOMER for s in speaker_ids}
        return roles, RoleAssignment(method="channel_layout", confidence=1.0,
                                     cues=(f"channel_layout={layout.value}",))
    if not pieces:
        return {}, RoleAssignment(method="none", confidence=0.0)
    decision = infer_roles([SpokenTurn(s, seg.start, seg.text) for s, seg in pieces],
                           metadata, language or "en")
    return dict(decision.roles), decision.assignment

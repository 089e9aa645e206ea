"""Write a Transcript as JSON (the contract), WebVTT, SRT, RTTM or plain text."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import timedelta
from typing import Literal

from callqa.domain.records import Role, Transcript, Turn, Utterance

ExportFormat = Literal["json", "vtt", "srt", "rttm", "txt"]


def speaker_label(span: Utterance | Turn) -> str:
    """The role when it is known, else the speaker id."""
    return span.role.value if span.role != Role.UNKNOWN else span.speaker


def to_json(transcript: Transcript) -> str:
    return transcript.to_json() + "\n"


def to_webvtt(transcript: Transcript) -> str:
    import webvtt

    vtt = webvtt.WebVTT()
    for utterance in transcript.utterances:
        vtt.captions.append(
            webvtt.Caption(
                _clock(utterance.start), _clock(utterance.end),
                f"<v {speaker_label(utterance)}>{utterance.text}",
            )
        )
    return str(vtt.content) + "\n"


def to_srt(transcript: Transcript) -> str:
    import srt

    subtitles = [
        srt.Subtitle(
            index=index,
            start=timedelta(seconds=u.start),
            end=timedelta(seconds=u.end),
            content=f"[{speaker_label(u)}] {u.text}",
        )
        for index, u in enumerate(transcript.utterances, start=1)
    ]
    return str(srt.compose(subtitles))


def to_rttm(transcript: Transcript) -> str:
    from pyannote.core import Annotation, Segment

    path = transcript.audio.path if transcript.audio is not None else None
    path = path or (transcript.source.audio if transcript.source is not None else None)
    uri = transcript.call_id or _uri_from_path(path or "call")
    annotation = Annotation(uri=uri)
    # Who spoke when; a transcript made elsewhere may only have utterances.
    spans: Sequence[Utterance | Turn] = transcript.turns or transcript.utterances
    for index, span in enumerate(spans):
        if span.end > span.start:
            annotation[Segment(span.start, span.end), index] = speaker_label(span)
    buffer = io.StringIO()
    annotation.write_rttm(buffer)
    return buffer.getvalue()


def to_text(transcript: Transcript) -> str:
    return "".join(
        f"[{_clock(u.start)} - {_clock(u.end)}] {speaker_label(u)}: {u.text}\n"
        for u in transcript.utterances
    )


EXPORTERS: dict[str, Callable[[Transcript], str]] = {
    "json": to_json,
    "vtt": to_webvtt,
    "srt": to_srt,
    "rttm": to_rttm,
    "txt": to_text,
}


def export(transcript: Transcript, fmt: ExportFormat) -> str:
    return EXPORTERS[fmt](transcript)


def _clock(seconds: float) -> str:
    millis = round(seconds * 1000)
    hours, rest = divmod(millis, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    return f"{hours:02d}:{minutes:02d}:{rest // 1000:02d}.{rest % 1000:03d}"


def _uri_from_path(path: str) -> str:
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0].replace(" ", "_") or "call"

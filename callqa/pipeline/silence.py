"""Silence (or cover with a tone) the redacted stretches of a recording.

A card number said by the customer is heard again on the agent's channel (line echo, the
agent repeating it), so every channel is silenced over every span. Spans come from the
words' timestamps (`callqa.pipeline.redact.RedactedSpan`) and are padded: Whisper's word
times are approximate, by a tenth of a second or two.

`write_silenced_copy` keeps the source's format and encoding where libsndfile can write it
(WAV PCM, μ-law, A-law, FLAC...): the samples outside the spans come back as they were
(μ-law and A-law decode to 16-bit integers and encode back to the same bytes). A format it
cannot write (MP3, AAC) is written as 16-bit PCM WAV, and the path says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Literal, Protocol

import numpy as np
import soundfile as sf

from callqa.configs.settings import RedactionSettings
from callqa.domain.errors import AudioDecodeError

_FADE_SECONDS = 0.005
"""Each silenced stretch starts and ends with a 5 ms ramp (inside the padded span), so that
cutting the signal leaves no click."""
_INTEGER_DTYPES = {"PCM_S8": "int16", "PCM_U8": "int16", "PCM_16": "int16", "ULAW": "int16",
                   "ALAW": "int16", "GSM610": "int16", "PCM_24": "int32", "PCM_32": "int32"}
"""Subtypes read and written as integers, so that untouched samples keep their exact value."""


class TimeSpan(Protocol):
    @property
    def start(self) -> float: ...

    @property
    def end(self) -> float: ...


def padded_frames(spans: Iterable[TimeSpan], sample_rate: int, frames: int,
                  pad_seconds: float) -> list[tuple[int, int]]:
    """Frame ranges of the padded spans, clipped to the recording, overlaps merged."""
    ranges = sorted(
        (max(0, int(np.floor((s.start - pad_seconds) * sample_rate))),
         min(frames, int(np.ceil((s.end + pad_seconds) * sample_rate))))
        for s in spans)
    merged: list[tuple[int, int]] = []
    for start, end in ranges:
        if end <= start:
            continue
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def silence_spans(samples: np.ndarray, sample_rate: int, spans: Iterable[TimeSpan],
                  pad_seconds: float = 0.25, mode: Literal["silence", "tone"] = "silence",
                  tone_hz: float = 1000.0, tone_dbfs: float = -18.0) -> np.ndarray:
    """A copy of `samples` (channels, frames) with every padded span silenced, or covered by
    a sine tone, on every channel. Float samples are in [-1, 1]; integer samples keep their
    dtype (the tone is scaled to it)."""
    if samples.ndim != 2:
        raise ValueError(f"samples must be (channels, frames), got shape {samples.shape}")
    out = samples.copy()
    frames = samples.shape[1]
    fade = max(1, int(_FADE_SECONDS * sample_rate))
    full_scale = float(np.iinfo(samples.dtype).max) if samples.dtype.kind == "i" else 1.0
    amplitude = full_scale * 10 ** (tone_dbfs / 20)
    for start, end in padded_frames(spans, sample_rate, frames, pad_seconds):
        length = end - start
        ramp = min(fade, length // 2)
        # Keep the signal fading out over the first `ramp` frames and in over the last.
        gain = np.zeros(length)
        if ramp:
            gain[:ramp] = np.linspace(1.0, 0.0, ramp, endpoint=False)
            gain[length - ramp:] = np.linspace(0.0, 1.0, ramp + 1)[1:]
        covered = out[:, start:end].astype(np.float64) * gain
        if mode == "tone":
            t = np.arange(start, end) / sample_rate
            covered = covered + amplitude * np.sin(2 * np.pi * tone_hz * t) * (1.0 - gain)
        if out.dtype.kind == "i":
            covered = np.round(covered)
        out[:, start:end] = covered.astype(out.dtype)
    return out


def write_silenced_copy(path_in: str | Path, path_out: str | Path, spans: Iterable[TimeSpan],
                        settings: RedactionSettings | None = None) -> Path:
    """Write `path_in` with the spans silenced (or toned: `settings.audio == 'tone'`) to
    `path_out`, in the source's format where libsndfile writes it, else as a 16-bit WAV
    (then `path_out` takes the `.wav` suffix). Returns the path written."""
    settings = settings or RedactionSettings()
    path_in, path_out = Path(path_in), Path(path_out)
    try:
        info = sf.info(str(path_in))
    except (sf.LibsndfileError, RuntimeError) as exc:
        raise AudioDecodeError(path_in, f"libsndfile cannot read it ({exc})",
                               "convert it to WAV first (ffmpeg -i IN OUT.wav)") from exc
    dtype = _INTEGER_DTYPES.get(info.subtype, "float64")
    data, rate = sf.read(str(path_in), dtype=dtype, always_2d=True)
    mode: Literal["silence", "tone"] = "tone" if settings.audio == "tone" else "silence"
    silenced = silence_spans(data.T, rate, spans, settings.pad_seconds, mode,
                             settings.tone_hz, settings.tone_dbfs).T
    fmt, subtype = info.format, info.subtype
    if not sf.check_format(fmt, subtype):
        fmt, subtype = "WAV", "PCM_16"
        path_out = path_out.with_suffix(".wav")
        if dtype != "int16":
            silenced = np.clip(silenced, -1.0, 1.0)
    path_out.parent.mkdir(parents=True, exist_ok=True)
    # Written beside the target, then renamed: a reader never finds half a recording.
    temporary = path_out.with_name(f".{path_out.name}.tmp")
    try:
        sf.write(str(temporary), silenced, rate, format=fmt, subtype=subtype)
        temporary.replace(path_out)
    finally:
        temporary.unlink(missing_ok=True)
    return path_out

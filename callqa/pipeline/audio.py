"""Decode a recording into 16 kHz float32 samples, one row per channel.

soundfile (libsndfile) reads WAV in every PCM width and float, G.711 μ-law and A-law,
GSM 6.10 in WAV, FLAC, OGG/Opus and MP3. What it cannot read (raw `.gsm`, AAC/M4A, AMR...)
goes to PyAV, the FFmpeg binding that faster-whisper already depends on. Both paths are
resampled with soxr. Every failure is an `AudioDecodeError` naming the file, cause and fix.
"""

from __future__ import annotations

import logging
import re
import struct
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import soundfile as sf
import soxr

from callqa.configs.settings import AudioSettings
from callqa.domain.errors import AudioDecodeError
from callqa.domain.records import AudioInfo
from callqa.support.hashing import file_sha256

SAMPLE_RATE = 16000
MIN_SAMPLE_RATE = 4000
"""Below this no speech is left to recognise (telephone audio is 8000 Hz): a header fault."""
MAX_SAMPLE_RATE = 384_000
MAX_CHANNELS = 2
"""Distinct channels a call may have: one (both parties) or two (one party per channel)."""
_READ_BLOCK = 1 << 16
_RE_EXPORT = "re-export or re-copy the recording from the recorder"
_DATA_SIZE = re.compile(r"^data : (\d+) \(should be (\d+)\)", re.MULTILINE)
_UNKNOWN_SIZES = frozenset({0, 0xFFFFFFFF})
"""The data size a recorder writes when it streams a WAV and never comes back to fill it in:
not an announcement of how much audio there is, so no sign of a truncated file."""

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DecodedAudio:
    info: AudioInfo
    samples: np.ndarray
    """float32, shape (channels, frames) at 16 kHz; identical channels collapsed to one."""

    @property
    def num_channels(self) -> int:
        return int(self.samples.shape[0])

    @property
    def duration(self) -> float:
        return float(self.samples.shape[1] / SAMPLE_RATE)


@dataclass(frozen=True)
class _RawAudio:
    samples: np.ndarray  # (frames, channels) float32 at the native rate
    sample_rate: int
    format: str
    codec: str


def decode_audio(path: str | Path, settings: AudioSettings | None = None) -> DecodedAudio:
    """Read `path`, check it, and return 16 kHz float32 channels with the file's facts."""
    settings = settings or AudioSettings()
    path = Path(path)
    _check_readable(path)
    raw = _read_with_soundfile(path, settings)
    if isinstance(raw, str):
        raw = _read_with_pyav(path, settings, raw)
    if raw.samples.shape[0] == 0:
        raise AudioDecodeError(path, "the file holds zero-length audio (no samples)",
                               "check that the recording was not cut off, then " + _RE_EXPORT)
    native_duration = raw.samples.shape[0] / raw.sample_rate
    _check_duration(path, native_duration, settings)
    channels = raw.samples.shape[1]
    identical = channels > 1 and _channels_identical(
        raw.samples, settings.identical_channels_max_residual_db
    )
    if channels > MAX_CHANNELS and not identical:
        raise AudioDecodeError(
            path, f"{channels} distinct audio channels; a call is recorded in mono or stereo "
            "(one party per channel)",
            "export the call as mono or stereo (e.g. ffmpeg -i IN -ac 1 OUT.wav mixes every "
            "channel into one)")
    resampled = _resample(raw.samples[:, :1] if identical else raw.samples,
                          raw.sample_rate).T  # (channels, frames)
    info = AudioInfo(
        path=str(path),
        sha256=file_sha256(path),
        format=raw.format,
        codec=raw.codec,
        sample_rate=raw.sample_rate,
        channels=channels,
        duration=round(native_duration, 6),
        identical_channels=identical,
    )
    return DecodedAudio(info=info, samples=np.ascontiguousarray(resampled, dtype=np.float32))


def _check_readable(path: Path) -> None:
    if not path.exists():
        raise AudioDecodeError(path, "no such file", "check the path")
    if not path.is_file():
        raise AudioDecodeError(path, "not a regular file", "give the path of an audio file")
    try:
        size = path.stat().st_size
        with path.open("rb"):
            pass
    except OSError as exc:
        raise AudioDecodeError(
            path, f"cannot read the file ({exc.strerror})", "check its permissions"
        ) from exc
    if size == 0:
        raise AudioDecodeError(path, "empty file (0 bytes)", _RE_EXPORT)


def _check_duration(path: Path, seconds: float, settings: AudioSettings) -> None:
    if seconds > settings.max_duration_seconds:
        raise AudioDecodeError(
            path,
            f"recording is {seconds:.0f} s long, over the maximum of "
            f"{settings.max_duration_seconds:.0f} s",
            "split the recording, or raise audio.max_duration_seconds "
            "(CALLQA_AUDIO__MAX_DURATION_SECONDS)",
        )


def _check_format(path: Path, sample_rate: int, channels: int) -> None:
    """A sample rate and a channel count a call can have (a header may say anything)."""
    if channels < 1:
        raise AudioDecodeError(path, f"the header says the audio has {channels} channels",
                               _RE_EXPORT)
    if not MIN_SAMPLE_RATE <= sample_rate <= MAX_SAMPLE_RATE:
        raise AudioDecodeError(
            path, f"the header says the sample rate is {sample_rate} Hz, outside the "
            f"{MIN_SAMPLE_RATE}-{MAX_SAMPLE_RATE} Hz of recorded speech (telephone audio is "
            "8000 Hz)", _RE_EXPORT)


def _wav_header(path: Path) -> tuple[int, int] | None:
    """(channels, sample rate) from a RIFF/WAVE file's `fmt ` chunk; None when the file is no
    WAV or the chunk cannot be found. For naming what is wrong with a header libsndfile
    refuses."""
    with path.open("rb") as handle:
        head = handle.read(1 << 16)
    if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
        return None
    position = 12
    while position + 8 <= len(head):
        name, size = head[position:position + 4], struct.unpack_from("<I", head, position + 4)[0]
        if name == b"fmt " and position + 16 <= len(head):
            channels, rate = struct.unpack_from("<HI", head, position + 10)
            return int(channels), int(rate)
        position += 8 + size + (size & 1)
    return None


def _read_with_soundfile(path: Path, settings: AudioSettings) -> _RawAudio | str:
    """The audio, or libsndfile's reason when it cannot open the file (PyAV gets a go)."""
    try:
        handle = sf.SoundFile(path)
    except sf.LibsndfileError as exc:
        if "malformed" in str(exc.error_string).lower():  # (str(exc) names the file too)
            raise AudioDecodeError(
                path, f"the file is damaged or truncated ({exc.error_string})", _RE_EXPORT
            ) from exc
        header = _wav_header(path)
        if header is not None:
            _check_format(path, header[1], header[0])
        return str(exc.error_string)
    with handle:
        _check_format(path, handle.samplerate, handle.channels)
        declared = handle.frames if handle.frames > 0 else None
        if declared is not None:
            _check_duration(path, declared / handle.samplerate, settings)
        blocks = []
        try:
            while len(block := handle.read(_READ_BLOCK, dtype="float32", always_2d=True)):
                blocks.append(block)
        except sf.LibsndfileError as exc:
            raise AudioDecodeError(
                path, f"the audio data is damaged or truncated ({exc.error_string})", _RE_EXPORT
            ) from exc
        frames = sum(len(b) for b in blocks)
        log = handle.extra_info
        announced = _DATA_SIZE.search(log)
        streamed = announced is not None and int(announced[1]) in _UNKNOWN_SIZES
        if (("(should be" in log and not streamed)
                or (declared is not None and handle.seekable() and frames < declared * 0.98)
                or (handle.format == "OGG" and not _ogg_ends_with_eos(path))):
            mismatch = next((line.strip() for line in log.splitlines()
                             if "(should be" in line), None)
            cause = (
                f"its header announces {announced[1]} bytes of audio, the file holds "
                f"{announced[2]}" if announced is not None and not streamed
                else f"its header announces {declared} frames, the file holds {frames}"
                if declared is not None and frames < declared
                else f"its header does not match its size ({mismatch})" if mismatch
                else "its header announces more audio than it holds")
            raise AudioDecodeError(path, f"the file is truncated: {cause}", _RE_EXPORT)
        samples = (
            np.concatenate(blocks) if blocks
            else np.zeros((0, handle.channels), dtype=np.float32)
        )
        return _RawAudio(samples, handle.samplerate, handle.format, handle.subtype)


def _ogg_ends_with_eos(path: Path) -> bool:
    """An Ogg stream's last page carries the end-of-stream flag; a cut file's does not.

    libsndfile sizes an Ogg file from its last page, so it cannot see a truncation itself.
    """
    with path.open("rb") as handle:
        handle.seek(max(0, path.stat().st_size - 65536))
        tail = handle.read()
    last_page = tail.rfind(b"OggS")
    return last_page >= 0 and len(tail) > last_page + 5 and bool(tail[last_page + 5] & 0x04)


def _read_with_pyav(path: Path, settings: AudioSettings, sndfile_reason: str) -> _RawAudio:
    """What libsndfile does not read (`sndfile_reason`: why), through FFmpeg."""
    import av  # FFmpeg is only needed for formats libsndfile does not read.

    with path.open("rb") as handle:
        head = handle.read(16)
    not_audio = (
        AudioDecodeError(path, f"a WAV file with a damaged header ({sndfile_reason})",
                         _RE_EXPORT)
        if head[:4] == b"RIFF" and head[8:12] == b"WAVE"
        else AudioDecodeError(path, f"not a recognised audio file (first bytes {head!r})",
                              "give a WAV, FLAC, OGG/Opus, MP3 or GSM recording"))
    try:
        container = av.open(str(path), metadata_errors="ignore")
    except (av.FFmpegError, UnicodeDecodeError) as exc:
        raise not_audio from exc
    with container:
        if not container.streams.audio:
            raise not_audio
        stream = container.streams.audio[0]
        _check_format(path, int(stream.codec_context.sample_rate or stream.rate or 0),
                      int(stream.codec_context.channels or 0))
        resampler = av.AudioResampler(format="fltp")  # planar float, native rate and layout
        planes: list[np.ndarray] = []
        try:
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    planes.append(out.to_ndarray())
                _check_duration(path, (frame.pts or 0) * float(stream.time_base or 0), settings)
            for out in resampler.resample(None):
                planes.append(out.to_ndarray())
        except av.FFmpegError as exc:
            raise AudioDecodeError(
                path, f"the audio data is damaged ({exc})", _RE_EXPORT
            ) from exc
        channels = stream.codec_context.channels or 1
        samples = (
            np.concatenate(planes, axis=1).T if planes
            else np.zeros((0, channels), dtype=np.float32)
        )
        return _RawAudio(
            np.ascontiguousarray(samples, dtype=np.float32),
            int(stream.codec_context.sample_rate or stream.rate),
            container.format.name.upper(),
            stream.codec_context.name.upper(),
        )


def _resample(samples: np.ndarray, rate: int) -> np.ndarray:
    if rate == SAMPLE_RATE:
        return samples
    return np.asarray(soxr.resample(samples, rate, SAMPLE_RATE, quality="HQ"), dtype=np.float32)


def _channels_identical(samples: np.ndarray, max_residual_db: float) -> bool:
    """True when every channel is the first one up to a residual `max_residual_db` below it."""
    first = samples[:, 0].astype(np.float64)
    energy = float(np.dot(first, first))
    for index in range(1, samples.shape[1]):
        residual = first - samples[:, index]
        residual_energy = float(np.dot(residual, residual))
        if residual_energy == 0.0:
            continue
        if energy == 0.0 or 10 * np.log10(residual_energy / energy) > max_residual_db:
            return False
    return True

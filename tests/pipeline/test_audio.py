"""Decoding every supported format into 16 kHz float32, and every kind of bad input."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from callqa.configs.settings import AudioSettings
from callqa.domain.errors import AudioDecodeError
from callqa.pipeline.audio import SAMPLE_RATE, decode_audio


def _tone(rate: int, seconds: float = 2.0, channels: int = 2) -> np.ndarray:
    t = np.arange(int(rate * seconds)) / rate
    left = 0.4 * np.sin(2 * np.pi * 440 * t)
    right = 0.3 * np.sin(2 * np.pi * 660 * t) * (t > 0.5)
    return np.stack([left, right][:channels], axis=1).astype(np.float32)


FORMATS = [
    # (suffix, soundfile format, subtype, rate, lossless)
    ("wav", "WAV", "PCM_U8", 8000, False),
    ("wav", "WAV", "PCM_16", 8000, True),
    ("wav", "WAV", "PCM_24", 16000, True),
    ("wav", "WAV", "PCM_32", 44100, True),
    ("wav", "WAV", "FLOAT", 48000, True),
    ("wav", "WAV", "ULAW", 8000, False),
    ("wav", "WAV", "ALAW", 8000, False),
    ("wav", "WAV", "GSM610", 8000, False),
    ("flac", "FLAC", "PCM_16", 8000, True),
    ("ogg", "OGG", "VORBIS", 16000, False),
    ("opus", "OGG", "OPUS", 48000, False),
    ("mp3", "MP3", "MPEG_LAYER_III", 16000, False),
]


@pytest.mark.parametrize(("suffix", "fmt", "subtype", "rate", "lossless"), FORMATS,
                         ids=[f"{f[1]}-{f[2]}-{f[3]}" for f in FORMATS])
def test_decodes_format(tmp_path: Path, suffix: str, fmt: str, subtype: str, rate: int,
                        lossless: bool) -> None:
    channels = 1 if subtype == "GSM610" else 2  # GSM 6.10 in WAV is mono only
    source = _tone(rate, channels=channels)
    path = tmp_path / f"call.{suffix}"
    sf.write(path, source, rate, format=fmt, subtype=subtype)
    audio = decode_audio(path)
    assert audio.samples.dtype == np.float32
    assert audio.num_channels == channels
    assert audio.info.sample_rate == rate and audio.info.channels == channels
    assert abs(audio.duration - 2.0) < 0.1 and abs(audio.info.duration - 2.0) < 0.1
    assert audio.info.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    # The decoded signal is the tone, resampled: compare with the source at 16 kHz.
    reference = _tone(SAMPLE_RATE, channels=channels)[:, 0]
    decoded = audio.samples[0]
    n = min(len(reference), len(decoded)) - 2000
    best = max(
        np.corrcoef(reference[1000:n], decoded[1000 + lag: n + lag])[0, 1] for lag in range(0, 800)
    )
    assert best > (0.99 if lossless else 0.9)


def test_raw_gsm_telephony_prompt(shared_data: Path) -> None:
    audio = decode_audio(shared_data / "telephony/demo-thanks.gsm")
    pcm = decode_audio(shared_data / "telephony/demo-thanks.wav")
    assert audio.info.codec == "GSM610" and audio.info.sample_rate == 8000
    assert abs(audio.duration - pcm.duration) < 0.1


def test_pyav_reads_what_libsndfile_cannot(tmp_path: Path) -> None:
    import av

    path = tmp_path / "call.m4a"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=16000)
        samples = (_tone(16000, channels=1)[:, 0] * 32767).astype(np.int16)
        frame = av.AudioFrame.from_ndarray(samples[None, :], format="s16", layout="mono")
        frame.sample_rate = 16000
        for packet in stream.encode(frame):
            container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    audio = decode_audio(path)
    assert audio.info.codec == "AAC" and audio.num_channels == 1
    assert abs(audio.duration - 2.0) < 0.2


def test_identical_channels_are_one_mono_call(tmp_path: Path) -> None:
    mono = _tone(8000, channels=1)
    path = tmp_path / "dual_mono.wav"
    sf.write(path, np.concatenate([mono, mono], axis=1), 8000, subtype="ULAW")
    audio = decode_audio(path)
    assert audio.info.channels == 2 and audio.info.identical_channels
    assert audio.num_channels == 1


def test_distinct_channels_stay_apart(tmp_path: Path) -> None:
    path = tmp_path / "stereo.wav"
    sf.write(path, _tone(8000), 8000, subtype="ULAW")
    audio = decode_audio(path)
    assert audio.num_channels == 2 and not audio.info.identical_channels


def _assert_bad(path: Path, *words: str, settings: AudioSettings | None = None) -> None:
    with pytest.raises(AudioDecodeError) as caught:
        decode_audio(path, settings)
    message = str(caught.value)
    assert str(path) in message and "Fix:" in message
    for word in words:
        assert word in message.lower(), message


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.wav"
    path.write_bytes(b"")
    _assert_bad(path, "empty", "0 bytes")


def test_missing_file(tmp_path: Path) -> None:
    _assert_bad(tmp_path / "nowhere.wav", "no such file")


def test_directory_is_not_audio(tmp_path: Path) -> None:
    _assert_bad(tmp_path, "not a regular file")


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file whatever its permissions")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.wav"
    sf.write(path, _tone(8000), 8000)
    path.chmod(0)
    _assert_bad(path, "cannot read")


def test_not_audio(tmp_path: Path) -> None:
    path = tmp_path / "notes.wav"
    path.write_text("agent: hello, customer: hi\n" * 20)
    _assert_bad(path, "not a recognised audio file")


@pytest.mark.parametrize(("suffix", "fmt", "subtype"), [
    ("wav", "WAV", "PCM_16"), ("flac", "FLAC", "PCM_16"), ("mp3", "MP3", "MPEG_LAYER_III"),
    ("opus", "OGG", "OPUS"),
])
def test_truncated_file(tmp_path: Path, suffix: str, fmt: str, subtype: str) -> None:
    whole = tmp_path / f"whole.{suffix}"
    sf.write(whole, _tone(16000, seconds=4.0), 16000, format=fmt, subtype=subtype)
    cut = tmp_path / f"cut.{suffix}"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    _assert_bad(cut, "truncated")


def test_zero_length_audio(tmp_path: Path) -> None:
    path = tmp_path / "zero.wav"
    sf.write(path, np.zeros((0, 2), dtype=np.float32), 8000, subtype="ULAW")
    _assert_bad(path, "zero-length")


def test_longer_than_maximum(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    sf.write(path, _tone(8000, seconds=3.0), 8000, subtype="ULAW")
    _assert_bad(path, "over the maximum", "max_duration_seconds",
                settings=AudioSettings(max_duration_seconds=2.0))

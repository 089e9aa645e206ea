"""Silenced recordings: the redacted spans are silent (or a tone) on every channel, the rest
is untouched, and the source's format is kept."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from callqa.configs.settings import RedactionSettings
from callqa.pipeline.redact import Kind, RedactedSpan
from callqa.pipeline.silence import padded_frames, silence_spans, write_silenced_copy
from tests.helpers.paths import SAMPLES


def span(start: float, end: float) -> RedactedSpan:
    return RedactedSpan(kind=Kind.CARD, utterance=0, start=start, end=end)


def rms(samples: np.ndarray) -> float:
    return float(np.sqrt(np.mean(np.square(samples.astype(np.float64)))))


def stereo_noise(seconds: float, rate: int = 16000) -> np.ndarray:
    rng = np.random.default_rng(0)
    return (rng.standard_normal((2, int(seconds * rate))) * 0.1).astype(np.float32)


def test_spans_are_silent_on_both_channels_and_the_rest_unchanged() -> None:
    rate = 16000
    samples = stereo_noise(5.0, rate)
    out = silence_spans(samples, rate, [span(1.0, 2.0), span(3.0, 3.5)], pad_seconds=0.2)
    assert out.shape == samples.shape and out.dtype == samples.dtype
    for start, end in ((1.0, 2.0), (3.0, 3.5)):
        inside = out[:, int((start - 0.19) * rate):int((end + 0.19) * rate)]
        assert rms(inside[0]) == 0.0 and rms(inside[1]) == 0.0
    outside = np.r_[0:int(0.8 * rate), int(2.2 * rate):int(2.8 * rate), int(3.7 * rate):5 * rate]
    np.testing.assert_array_equal(out[:, outside], samples[:, outside])
    np.testing.assert_array_equal(samples, stereo_noise(5.0, rate))  # the input is not touched


def test_tone_covers_the_span() -> None:
    rate = 16000
    out = silence_spans(stereo_noise(3.0, rate), rate, [span(1.0, 2.0)], pad_seconds=0.0,
                        mode="tone", tone_hz=1000.0, tone_dbfs=-20.0)
    inside = out[:, int(1.1 * rate):int(1.9 * rate)]
    expected = 10 ** (-20 / 20) / np.sqrt(2)
    assert rms(inside[0]) == pytest.approx(expected, rel=0.02)
    assert rms(inside[1]) == pytest.approx(expected, rel=0.02)
    spectrum = np.abs(np.fft.rfft(inside[0]))
    peak = np.fft.rfftfreq(inside.shape[1], 1 / rate)[spectrum.argmax()]
    assert peak == pytest.approx(1000, abs=5)


def test_padded_frames_clip_and_merge() -> None:
    assert padded_frames([span(0.05, 0.5), span(0.6, 0.9), span(9.5, 12.0)], 100, 1000,
                         0.1) == [(0, 100), (940, 1000)]
    assert padded_frames([], 100, 1000, 0.1) == []


def test_integer_samples_keep_their_dtype() -> None:
    samples = (stereo_noise(2.0, 8000) * 32767).astype(np.int16)
    out = silence_spans(samples, 8000, [span(0.5, 1.0)], pad_seconds=0.1)
    assert out.dtype == np.int16
    assert not out[:, int(0.45 * 8000):int(1.05 * 8000)].any()


def test_bad_shape_is_refused() -> None:
    with pytest.raises(ValueError, match="channels, frames"):
        silence_spans(np.zeros(100, dtype=np.float32), 16000, [span(0, 0.001)])


def test_silenced_copy_of_a_real_mu_law_call(tmp_path: Path) -> None:
    """call_001: an 8 kHz stereo G.711 μ-law recording, as telephony systems keep them."""
    source = SAMPLES / "call_001.wav"
    spans = [span(4.2, 6.9), span(12.0, 12.6)]
    written = write_silenced_copy(source, tmp_path / "call_001.redacted.wav", spans,
                                  RedactionSettings(pad_seconds=0.25, audio="silence"))
    before, after = sf.info(str(source)), sf.info(str(written))
    assert (after.format, after.subtype, after.channels, after.samplerate, after.frames) == (
        before.format, before.subtype, before.channels, before.samplerate, before.frames)
    original, rate = sf.read(str(source), dtype="int16", always_2d=True)
    silenced, _ = sf.read(str(written), dtype="int16", always_2d=True)
    assert rms(original[int(4.2 * rate):int(6.9 * rate)]) > 100  # speech was there
    for start, end in ((4.2, 6.9), (12.0, 12.6)):
        inside = silenced[int((start - 0.2) * rate):int((end + 0.2) * rate)]
        assert rms(inside[:, 0]) == 0.0 and rms(inside[:, 1]) == 0.0
    keep = np.ones(len(original), dtype=bool)
    for start, end in ((4.2, 6.9), (12.0, 12.6)):
        keep[int((start - 0.26) * rate):int((end + 0.26) * rate)] = False
    np.testing.assert_array_equal(silenced[keep], original[keep])


def test_silenced_copy_with_a_tone_and_a_pcm_call(tmp_path: Path, shared_data: Path) -> None:
    source = sorted((shared_data / "calls" / "hvb" / "audio" / "caller").glob("*.wav"))[0]
    written = write_silenced_copy(source, tmp_path / "caller.wav", [span(2.0, 3.0)],
                                  RedactionSettings(audio="tone", pad_seconds=0.1))
    original, rate = sf.read(str(source), dtype="int16", always_2d=True)
    toned, _ = sf.read(str(written), dtype="int16", always_2d=True)
    assert sf.info(str(written)).subtype == sf.info(str(source)).subtype
    level = rms(toned[int(2.0 * rate):int(3.0 * rate), 0]) / 32767
    assert level == pytest.approx(10 ** (-18 / 20) / np.sqrt(2), rel=0.05)
    np.testing.assert_array_equal(toned[:int(1.85 * rate)], original[:int(1.85 * rate)])
    np.testing.assert_array_equal(toned[int(3.15 * rate):], original[int(3.15 * rate):])


def test_unreadable_source_names_the_fix(tmp_path: Path) -> None:
    bogus = tmp_path / "call.wav"
    bogus.write_bytes(b"not audio at all" * 10)
    with pytest.raises(Exception, match="convert it to WAV"):
        write_silenced_copy(bogus, tmp_path / "out.wav", [span(0, 1)])

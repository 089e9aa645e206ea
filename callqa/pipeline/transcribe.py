"""Whisper transcription with faster-whisper: the only module that imports it.

Voice activity is found once per channel with faster-whisper's own Silero VAD; the speech is
handed to Whisper the way faster-whisper's `vad_filter=True` does it (same functions, same
result), and the speech regions are kept: words outside them are dropped (Whisper can invent
text in silence or hold music) and later stages measure silence from them, not from text.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from callqa.configs.settings import TranscriptionSettings, VadSettings
from callqa.domain.errors import ModelError
from callqa.domain.progress import Progress, no_progress
from callqa.domain.records import ModelInfo, Word
from callqa.pipeline.audio import SAMPLE_RATE
from callqa.pipeline.model_files import ModelSource, resolve_model
from callqa.support.hashing import short_digest

logger = logging.getLogger(__name__)

"""Called with the seconds of audio transcribed so far."""


@dataclass(frozen=True)
class TimedText:
    """One Whisper segment after the speech guard: its words and their span."""

    start: float
    end: float
    text: str
    words: tuple[Word, ...]
    spoken: tuple[str, ...] = ()
    """Each word as Whisper wrote it, with its leading space or not ("9", ".30"), so that
    a piece of the segment can be joined back into text."""


@dataclass(frozen=True)
class ChannelResult:
    segments: tuple[TimedText, ...]
    speech: tuple[tuple[float, float], ...]
    language: str
    language_probability: float
    duration: float


class Transcriber:
    """A loaded Whisper model plus the options to run it; build it once per process."""

    def __init__(self, settings: TranscriptionSettings) -> None:
        import ctranslate2
        from faster_whisper import BatchedInferencePipeline, WhisperModel

        self.settings = settings
        self.source: ModelSource = resolve_model(settings.model, settings.model_sha256)
        self.device = _pick_device(settings.device, ctranslate2.get_cuda_device_count())
        self.compute_type = _pick_compute_type(settings.compute_type, self.device)
        try:
            self._model = WhisperModel(
                self.source.location,
                device=self.device,
                compute_type=self.compute_type,
                cpu_threads=settings.cpu_threads,
                download_root=str(settings.download_root) if settings.download_root else None,
            )
        except (RuntimeError, ValueError, OSError) as exc:
            raise ModelError(
                f"cannot load Whisper model '{self.source.location}' on {self.device} "
                f"({self.compute_type}): {exc}. Check the model name or directory, or choose "
                "another device/compute type (transcription.device, transcription.compute_type)"
            ) from exc
        self._batched = (
            BatchedInferencePipeline(self._model)
            if self.device == "cuda" and settings.batch_size > 1
            else None
        )
        self._lock = threading.Lock()  # one decode at a time per loaded model
        self.options = self._options()
        self.model_info = ModelInfo(
            id=self.source.id,
            sha256=self.source.sha256,
            device=self.device,
            compute_type=self.compute_type,
            options=self.options,
            options_hash=options_hash(self.source.id, self.options),
        )

    @property
    def whisper_model(self) -> Any:
        """The loaded faster-whisper `WhisperModel` (tests and benchmarks use it as the bare
        baseline, with `decode_options()`)."""
        return self._model

    @property
    def is_multilingual(self) -> bool:
        return bool(self._model.model.is_multilingual)

    def _options(self) -> dict[str, Any]:
        """Every option that shapes the transcript (stored with it as provenance)."""
        s = self.settings
        options: dict[str, Any] = {
            **self.decode_options(s.language),
            "vad": s.vad.model_dump(),
            "word_outside_speech_pad": s.word_outside_speech_pad,
            "utterance_gap": s.utterance_gap,
        }
        if self._batched is not None:
            options["batch_size"] = s.batch_size
        return options

    def decode_options(self, language: str | None) -> dict[str, Any]:
        """Keyword arguments for faster-whisper's `transcribe` (also used by the benchmark)."""
        s = self.settings
        return {
            "language": language,
            "beam_size": s.beam_size,
            "no_speech_threshold": s.no_speech_threshold,
            "log_prob_threshold": s.log_prob_threshold,
            "compression_ratio_threshold": s.compression_ratio_threshold,
            "hallucination_silence_threshold": s.hallucination_silence_threshold,
            "condition_on_previous_text": s.condition_on_previous_text,
            "word_timestamps": True,
        }

    def speech_chunks(self, samples: np.ndarray) -> list[dict[str, int]]:
        """Whisper's voice activity over one channel (Silero VAD on the CPU, sample offsets):
        what `transcribe` hands Whisper. Safe to run in another thread while this model
        decodes, so the next channel's VAD need not wait for the model."""
        # A batch item is one Whisper window: the batched pipeline's regions stop at 30 s.
        return _speech_chunks(samples, self.settings.vad,
                              30 if self._batched is not None else None)

    def transcribe(
        self,
        samples: np.ndarray,
        language: str | None = None,
        progress: Progress = no_progress,
        chunks: list[dict[str, int]] | None = None,
    ) -> ChannelResult:
        """Transcribe one channel of 16 kHz float32 samples; `chunks`: its `speech_chunks`
        when already found."""
        from faster_whisper.transcribe import restore_speech_timestamps
        from faster_whisper.vad import collect_chunks

        duration = samples.shape[0] / SAMPLE_RATE
        language = language or self.settings.language
        if chunks is None:
            chunks = self.speech_chunks(samples)
        speech = tuple((c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE) for c in chunks)
        if not chunks:
            return ChannelResult((), (), language or "en", 0.0, duration)
        kwargs = self.decode_options(language)
        with self._lock:
            if self._batched is not None:
                clips = [{"start": a, "end": b} for a, b in speech]
                segments, info = self._batched.transcribe(
                    samples, clip_timestamps=clips, batch_size=self.settings.batch_size,
                    vad_filter=False, without_timestamps=False, **kwargs,
                )
            else:
                audio_chunks, _ = collect_chunks(samples, chunks)
                segments, info = self._model.transcribe(
                    np.concatenate(audio_chunks), vad_filter=False, **kwargs
                )
                segments = restore_speech_timestamps(segments, chunks, SAMPLE_RATE)
            kept = tuple(_guard(segments, speech, self.settings, duration, progress))
        return ChannelResult(kept, speech, info.language, float(info.language_probability),
                             duration)


def speech_regions(samples: np.ndarray, vad: VadSettings) -> list[tuple[float, float]]:
    """Voice activity of 16 kHz samples from Silero VAD (the model faster-whisper ships)."""
    return [(c["start"] / SAMPLE_RATE, c["end"] / SAMPLE_RATE)
            for c in _speech_chunks(samples, vad)]


def _speech_chunks(samples: np.ndarray, vad: VadSettings,
                   max_speech_s: float | None = None) -> list[dict[str, int]]:
    """faster-whisper's Silero VAD over 16 kHz samples: speech regions in sample offsets."""
    from faster_whisper.vad import VadOptions, get_speech_timestamps

    options = VadOptions(**vad.model_dump())
    if max_speech_s is not None:
        options.max_speech_duration_s = max_speech_s
    return list(get_speech_timestamps(samples, options))


def _guard(
    segments: Iterable[Any],
    speech: tuple[tuple[float, float], ...],
    settings: TranscriptionSettings,
    duration: float,
    progress: Progress,
) -> Iterator[TimedText]:
    """Keep words whose middle lies in (padded) speech, times clamped to the audio, and split
    segments at long pauses."""
    pad = settings.word_outside_speech_pad
    for segment in segments:
        progress("transcribe", min(float(segment.end), duration), duration)
        words = [
            Word(
                start=round(min(max(float(w.start), 0.0), duration), 3),
                end=round(min(max(float(w.end), float(w.start), 0.0), duration), 3),
                text=w.word,
                probability=round(float(w.probability), 4),
            )
            for w in segment.words or ()
            if _in_speech((float(w.start) + float(w.end)) / 2, speech, pad)
        ]
        for run in _split_at_pauses(words, settings.utterance_gap):
            text = "".join(w.text for w in run).strip()
            if text:
                stripped = tuple(w.model_copy(update={"text": w.text.strip()}) for w in run)
                yield TimedText(stripped[0].start, stripped[-1].end, text, stripped,
                                tuple(w.text for w in run))


def _split_at_pauses(words: list[Word], gap: float) -> Iterator[list[Word]]:
    run: list[Word] = []
    for word in words:
        if run and word.start - run[-1].end > gap:
            yield run
            run = []
        run.append(word)
    if run:
        yield run


def _in_speech(t: float, speech: tuple[tuple[float, float], ...], pad: float) -> bool:
    return any(start - pad <= t <= end + pad for start, end in speech)


def _pick_device(requested: str, cuda_devices: int) -> str:
    if requested == "cuda" and cuda_devices == 0:
        raise ModelError(
            "transcription.device is 'cuda' but CTranslate2 sees no CUDA device: use 'auto' "
            "or 'cpu', or install the GPU extra (pip install 'callqa[gpu]') on a GPU machine"
        )
    if requested == "auto":
        return "cuda" if cuda_devices > 0 else "cpu"
    return requested


def _pick_compute_type(requested: str, device: str) -> str:
    if requested != "auto":
        return requested
    return "float16" if device == "cuda" else "int8"


def options_hash(model_id: str, options: dict[str, Any]) -> str:
    return short_digest({"model": model_id, **options})


_cache_lock = threading.Lock()


@functools.lru_cache(maxsize=4)
def _cached(settings_json: str) -> Transcriber:
    return Transcriber(TranscriptionSettings.model_validate_json(settings_json))


def get_transcriber(settings: TranscriptionSettings) -> Transcriber:
    """The process-wide Transcriber for these settings: the model loads once and is reused."""
    with _cache_lock:
        return _cached(settings.model_dump_json())

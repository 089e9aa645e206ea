"""Offline diarization: Silero VAD regions, Resemblyzer embeddings, spectral clustering.

Resemblyzer's speaker encoder (its weights ship in its wheel) embeds overlapping windows of
the call's mel spectrogram, computed once; windows centred in speech are clustered into
speakers; every 10 ms speech frame takes the label most of its covering windows vote for.
Works on 8 kHz telephone audio upsampled to 16 kHz.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence

import numpy as np

from callqa.configs.settings import DiarizationSettings
from callqa.pipeline.diarize.base import Backend, Diarization, turns_from_labels

FRAME_SECONDS = 0.01  # Resemblyzer's mel hop
_TARGET_DBFS = -30.0  # the level Resemblyzer's encoder was trained on


class EmbeddedDiarizer:
    backend: Backend = "embedded"

    def __init__(self, settings: DiarizationSettings) -> None:
        import torch

        with warnings.catch_warnings():  # resemblyzer 0.1.4 imports deprecated APIs
            warnings.simplefilter("ignore", category=UserWarning)
            warnings.simplefilter("ignore", category=DeprecationWarning)
            from resemblyzer import VoiceEncoder
            from resemblyzer.audio import wav_to_mel_spectrogram

        self.settings = settings
        torch.set_num_threads(settings.torch_threads)
        device = "cuda" if settings.device != "cpu" and torch.cuda.is_available() else "cpu"
        self._encoder = VoiceEncoder(device, verbose=False)
        self._torch = torch
        self._mel = wav_to_mel_spectrogram

    def embed(self, mel: np.ndarray, starts: Sequence[int], width: int) -> np.ndarray:
        windows = np.stack([mel[s: s + width] for s in starts])
        with self._torch.inference_mode():
            batch = self._torch.from_numpy(windows).to(self._encoder.device)
            return np.asarray(self._encoder(batch).cpu().numpy(), dtype=np.float64)

    def __call__(
        self,
        samples: np.ndarray,
        speech: Sequence[tuple[float, float]],
        num_speakers: int | None,
    ) -> Diarization:
        settings = self.settings
        rms = float(np.sqrt(np.mean(np.square(samples)))) if samples.size else 0.0
        if not speech or rms == 0.0:
            return Diarization((), (), self.backend)
        level = 10 ** (_TARGET_DBFS / 20) / rms
        mel = self._mel((samples * level).astype(np.float32))
        frames = mel.shape[0]
        in_speech = np.zeros(frames, dtype=bool)
        for start, end in speech:
            in_speech[int(start / FRAME_SECONDS): int(np.ceil(end / FRAME_SECONDS)) + 1] = True
        width = min(round(settings.window_seconds / FRAME_SECONDS), frames)
        step = max(1, round(settings.step_seconds / FRAME_SECONDS))
        starts = [s for s in range(0, max(1, frames - width + 1), step)
                  if in_speech[s + width // 2]]
        if not starts:  # speech shorter than one window: one speaker
            starts = [int(np.argmax(in_speech))]
        embeddings = self.embed(mel, starts, width)
        labels = cluster(embeddings, num_speakers, settings.min_speakers, settings.max_speakers)
        count = int(labels.max()) + 1
        votes = np.zeros((frames, count))
        for start, label in zip(starts, labels, strict=True):
            votes[start: start + width, label] += 1
        frame_labels = np.where(votes.sum(axis=1) > 0, votes.argmax(axis=1), -1)
        frame_labels = _fill_speech_gaps(frame_labels, in_speech)
        frame_labels[~in_speech] = -1
        names = _names_by_first_turn(frame_labels, count)
        turns = turns_from_labels(frame_labels, FRAME_SECONDS, settings.min_turn_seconds, names)
        return Diarization(turns, tuple(sorted({t.speaker for t in turns})), self.backend)


def cluster(
    embeddings: np.ndarray, num_speakers: int | None, min_speakers: int, max_speakers: int
) -> np.ndarray:
    """Spectral clustering on cosine affinity; the count from the eigengap when unknown."""
    from sklearn.cluster import SpectralClustering

    n = embeddings.shape[0]
    if n < 2 or num_speakers == 1:
        return np.zeros(n, dtype=int)
    affinity = np.clip(embeddings @ embeddings.T, 0.0, 1.0)
    k = num_speakers or estimate_speakers(_pruned(affinity), min_speakers, max_speakers)
    k = min(k, n)
    if k == 1:
        return np.zeros(n, dtype=int)
    model = SpectralClustering(n_clusters=k, affinity="precomputed", random_state=0)
    return np.asarray(model.fit_predict(affinity), dtype=int)


def _pruned(affinity: np.ndarray, keep: float = 0.2) -> np.ndarray:
    """Keep each row's strongest `keep` share of links (others weakened 100-fold), then
    symmetrise: Resemblyzer similarities are all high, and this brings out the blocks."""
    count = max(2, int(np.ceil(keep * affinity.shape[0])))
    threshold = -np.sort(-affinity, axis=1)[:, count - 1: count]
    pruned = np.where(affinity >= threshold, affinity, affinity * 0.01)
    return np.asarray((pruned + pruned.T) / 2)


def estimate_speakers(affinity: np.ndarray, min_speakers: int, max_speakers: int) -> int:
    """The number of speakers where the normalised Laplacian's eigenvalues jump most."""
    degree = affinity.sum(axis=1)
    inv_sqrt = 1.0 / np.sqrt(np.maximum(degree, 1e-12))
    laplacian = np.eye(len(affinity)) - inv_sqrt[:, None] * affinity * inv_sqrt[None, :]
    eigenvalues = np.sort(np.linalg.eigvalsh(laplacian))
    upper = min(max_speakers, len(eigenvalues) - 1)
    if upper <= min_speakers:
        return max(1, min(min_speakers, len(eigenvalues)))
    gaps = np.diff(eigenvalues[: upper + 1])  # gaps[k-1] = λ_k - λ_{k-1}
    candidates = range(min_speakers, upper + 1)
    return max(candidates, key=lambda k: gaps[k - 1])


def _fill_speech_gaps(labels: np.ndarray, in_speech: np.ndarray) -> np.ndarray:
    """Speech frames no window covered take the label of the nearest labelled frame."""
    labelled = np.flatnonzero(labels >= 0)
    missing = np.flatnonzero((labels < 0) & in_speech)
    if labelled.size == 0 or missing.size == 0:
        return labels
    nearest = np.searchsorted(labelled, missing).clip(1, labelled.size - 1)
    left, right = labelled[nearest - 1], labelled[nearest]
    choose = np.where(np.abs(missing - left) <= np.abs(right - missing), left, right)
    labels = labels.copy()
    labels[missing] = labels[choose]
    return labels


def _names_by_first_turn(labels: np.ndarray, count: int) -> list[str]:
    """S0 is whoever speaks first, S1 next...: stable names whatever the clusterer's order."""
    order: list[int] = []
    for label in labels[labels >= 0]:
        if int(label) not in order:
            order.append(int(label))
            if len(order) == count:
                break
    names = [""] * count
    for rank, label in enumerate(order):
        names[label] = f"S{rank}"
    return [name or f"S{count + i}" for i, name in enumerate(names)]

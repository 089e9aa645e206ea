"""Give each word to the speaker who talks most during it, and split utterances where the
speaker changes, even inside one Whisper segment."""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence

from callqa.domain.records import Word
from callqa.pipeline.diarize import Diarization, SpeakerTurn
from callqa.pipeline.transcribe import TimedText


def speaker_of(word: Word, turns: Sequence[SpeakerTurn], starts: Sequence[float]) -> str | None:
    """Most overlap with the word; a word in no turn goes to the nearest turn."""
    if not turns:
        return None
    index = bisect.bisect_right(starts, word.end)
    best, best_overlap = None, 0.0
    for turn in turns[max(0, index - 8): index]:  # exclusive turns: only the last few overlap
        overlap = min(word.end, turn.end) - max(word.start, turn.start)
        if overlap > best_overlap:
            best, best_overlap = turn.speaker, overlap
    if best is not None:
        return best
    middle = (word.start + word.end) / 2
    nearby = turns[max(0, index - 1): index + 1]
    return min(nearby, key=lambda t: min(abs(middle - t.start), abs(middle - t.end))).speaker


def split_by_speaker(
    segments: Sequence[TimedText], diarization: Diarization
) -> Iterator[tuple[str | None, TimedText]]:
    """(speaker, piece) for each run of consecutive words with the same speaker."""
    turns = diarization.turns
    starts = [t.start for t in turns]
    for segment in segments:
        spoken = segment.spoken or tuple(f" {w.text}" for w in segment.words)
        run: list[int] = []
        current: str | None = None
        for index, word in enumerate(segment.words):
            speaker = speaker_of(word, turns, starts)
            if run and speaker != current:
                yield current, _piece(segment, spoken, run)
                run = []
            current = speaker
            run.append(index)
        if run:
            yield current, _piece(segment, spoken, run)


def _piece(segment: TimedText, spoken: tuple[str, ...], indices: list[int]) -> TimedText:
    words = tuple(segment.words[i] for i in indices)
    said = tuple(spoken[i] for i in indices)
    return TimedText(words[0].start, words[-1].end, "".join(said).strip(), words, said)

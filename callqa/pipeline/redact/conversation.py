"""The conversation as the detectors see it: tokens in time order, each speaker's stream
of tokens, the digit runs read from them, the cues, and what has been taken so far.

`Conversation` holds that state and the moves every detector shares (take a run, find what
follows a cue, gather a number said in pieces); `detect` holds the passes.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from callqa.pipeline.redact.lexicon import AFTER_KEEP, BEFORE_KEEP, CUES, KEEP, ZH_ID_CHECK_X, Kind
from callqa.pipeline.redact.numbers import Run, Token, digit_runs, tokenize

PRIORITY = {Kind.CARD: 0, Kind.NATIONAL_ID: 1, Kind.IBAN: 2, Kind.CVV: 3, Kind.EXPIRY: 4,
            Kind.DOB: 5, Kind.POSTCODE: 6, Kind.ACCOUNT: 7, Kind.PHONE: 8, Kind.EMAIL: 9,
            KEEP: 10}
"""Which cue is followed first when two end on the same word."""
CLUSTER = 5
"""Cues this close together are one request ('expiry date and security code'): the search
after the first goes past the second."""
KEEP_WINDOW = 6
RUN_LENGTHS: dict[str, dict[str, tuple[int, int]]] = {
    Kind.PHONE: {"en": (6, 15), "fa": (6, 15), "zh": (6, 15)},
    Kind.ACCOUNT: {"en": (6, 34), "fa": (6, 34), "zh": (6, 34)},
    Kind.IBAN: {"en": (14, 34), "fa": (14, 34), "zh": (14, 34)},
    Kind.NATIONAL_ID: {"en": (7, 10), "fa": (8, 11), "zh": (15, 18)},
    Kind.POSTCODE: {"en": (5, 9), "fa": (5, 10), "zh": (6, 6)},
}


@dataclass(frozen=True)
class Segment:
    """One utterance of the conversation (or a whole text): its speaker and, when known,
    its times (a pause longer than the join gap ends a digit run)."""

    text: str
    speaker: str = ""
    start: float | None = None
    end: float | None = None


@dataclass(frozen=True)
class Found:
    """A secret of `kind` in `segment`, characters `start`-`end` of its text."""

    kind: Kind
    segment: int
    start: int
    end: int


@dataclass
class Cue:
    kind: str
    token: int
    used: bool = False


class Conversation:
    def __init__(self, segments: Sequence[Segment], language: str, window: int,
                 join_gap: float) -> None:
        self.segments = segments
        self.language = language
        self.window = window
        self.tokens: list[Token] = []
        self.first_token: list[int] = []
        for i, segment in enumerate(segments):
            self.first_token.append(len(self.tokens))
            self.tokens.extend(tokenize(segment.text, i))
        self.first_token.append(len(self.tokens))
        self.cues = self._find_cues()
        self.cue_tokens = self._cue_tokens()
        self.streams: dict[str, list[int]] = {}
        self.stream_of: list[str] = [""] * len(self.tokens)
        self.position: list[int] = [0] * len(self.tokens)
        self.breaks: dict[str, set[int]] = {}
        self._build_streams(join_gap, {self.tokens[c.token].segment for c in self.cues})
        self.runs: list[Run] = []
        for speaker, stream in self.streams.items():
            self.runs.extend(digit_runs(self.tokens, stream, frozenset(self.breaks[speaker]),
                                        language))
        self.runs.sort(key=lambda run: run.first)
        self._all_runs = list(self.runs)
        self.found: list[tuple[str, list[int]]] = []
        self.spans: list[Found] = []
        self.consumed: set[int] = set(self.cue_tokens)
        self._drop_consumed_digits()
        self.consumed.clear()

    def _build_streams(self, join_gap: float, cue_segments: set[int]) -> None:
        """Each speaker's tokens in order. A digit run goes on into the speaker's next
        utterance unless a long pause, or another speaker saying more than a backchannel
        ('mhm', 'go on') or asking for something else, comes between."""
        last_end: dict[str, float | None] = {}
        last_segment: dict[str, int] = {}
        for i, segment in enumerate(self.segments):
            stream = self.streams.setdefault(segment.speaker, [])
            breaks = self.breaks.setdefault(segment.speaker, set())
            previous = last_end.get(segment.speaker)
            paused = previous is not None and segment.start is not None and (
                segment.start - previous > join_gap)
            between = range(last_segment.get(segment.speaker, i - 1) + 1, i)
            interrupted = any(
                j in cue_segments or self.first_token[j + 1] - self.first_token[j] > 4
                for j in between)
            if stream and (paused or interrupted):
                breaks.add(len(stream))
            last_segment[segment.speaker] = i
            for index in range(self.first_token[i], self.first_token[i + 1]):
                self.stream_of[index] = segment.speaker
                self.position[index] = len(stream)
                stream.append(index)
            last_end[segment.speaker] = segment.end

    def _find_cues(self) -> list[Cue]:
        cues: list[tuple[int, int, str, int]] = []
        for i, segment in enumerate(self.segments):
            text = segment.text.lower().translate(PERSIAN)
            starts = [t.start for t in self.tokens[self.first_token[i]:self.first_token[i + 1]]]
            matches = [(m.start(), m.end(), cue.kind) for cue in CUES[self.language]
                       for m in cue.pattern.finditer(text)]
            for start, end, kind in matches:
                if any(s <= start and end <= e and (e - s) > (end - start)
                       for s, e, _ in matches):
                    continue  # 'security number' inside 'social security number'
                last = bisect.bisect_left(starts, end) - 1
                if last >= 0:
                    cues.append((self.first_token[i] + last, PRIORITY[kind], kind, start))
        cues.sort()
        return [Cue(kind, token) for token, _, kind, _ in cues]

    def _cue_tokens(self) -> set[int]:
        """Tokens inside a cue: the '2' of 'cvv2', the '3' of '3 digits on the back'."""
        inside: set[int] = set()
        for i, segment in enumerate(self.segments):
            text = segment.text.lower().translate(PERSIAN)
            for cue in CUES[self.language]:
                for m in cue.pattern.finditer(text):
                    for index in range(self.first_token[i], self.first_token[i + 1]):
                        token = self.tokens[index]
                        if token.start >= m.start() and token.end <= m.end():
                            inside.add(index)
        return inside
    def _fit(self, run: Run, low: int, high: int) -> Run | None:
        """The longest start of `run` that ends with an utterance and holds between `low`
        and `high` digits (a number, then the next utterance's number said on), else all of
        `run` if it fits, else None."""
        cuts = [i for i in range(1, len(run.digits))
                if self.tokens[run.spans[i][0]].segment != self.tokens[run.spans[i - 1][1]].segment]
        fitting = [i for i in cuts if low <= i <= high]
        if fitting:
            return run.part(0, fitting[-1])
        return run if low <= len(run.digits) <= high else None

    def _runs_in(self, tokens: list[int]) -> list[Run]:
        inside = set(tokens)
        return [r for r in self._all_runs if r.first in inside and r.last in inside]

    # -- helpers ------------------------------------------------------------------------

    def _after(self, cue: Cue) -> Iterator[Run]:
        """Runs that start within the window after `cue`, up to the next unrelated cue."""
        for run in list(self.runs):
            if run.first <= cue.token or run not in self.runs:
                continue
            if run.first - cue.token > self.window or self._blocked(cue, run.first):
                return
            yield run

    def _blocked(self, cue: Cue, index: int) -> bool:
        """Whether another cue stands between `cue` and token `index` (other than one said
        together with it)."""
        for other in self.cues:
            if cue.token < other.token < index and other.kind not in (cue.kind, Kind.CARD) and (
                    other.token - cue.token > CLUSTER or other.kind == KEEP
                    or cue.kind == KEEP):
                return True
        return False

    def _gather(self, run: Run, low: int, high: int) -> list[Run]:
        """`run`, and the runs of the same speaker that follow it within three tokens, as
        long as together they stay under `low` digits (a number said with a word inside)."""
        group = [run]
        length = len(run.digits)
        stream_of = self.stream_of[run.first]
        stream = self.streams[stream_of]
        breaks = self.breaks[stream_of]
        while length < low:
            last = group[-1].last
            following = [r for r in self.runs if r.first > last and
                         self.stream_of[r.first] == stream_of and
                         self.position[r.first] - self.position[last] <= 4]
            if not following or length + len(following[0].digits) > high + 2:
                break
            gap = range(self.position[last] + 1, self.position[following[0].first] + 1)
            if any(stream[p] in self.cue_tokens or p in breaks for p in gap):
                break
            group.append(following[0])
            length += len(following[0].digits)
        return group

    def _with_check_x(self, group: list[Run], length: int) -> tuple[list[Run], int]:
        """A Chinese id's 17 digits and the check 'X' (said '叉') after them."""
        if length != 17:
            return group, length
        stream = self.streams[self.stream_of[group[-1].last]]
        pos = self.position[group[-1].last] + 1
        if pos < len(stream) and self.tokens[stream[pos]].norm in {c.lower()
                                                                    for c in ZH_ID_CHECK_X}:
            return [*group, Run("X", ((stream[pos], stream[pos]),))], 18
        return group, length

    def _plus_before(self, run: Run) -> bool:
        pos = self.position[run.first]
        if pos == 0:
            return False
        before = self.tokens[self.streams[self.stream_of[run.first]][pos - 1]]
        return before.segment == self.tokens[run.first].segment and before.norm in ("+", "plus")

    def _amount(self, run: Run) -> bool:
        """A price, a time or a count: a currency sign before or a unit after (within one
        utterance: a run said on into the next is judged piece by piece)."""
        first, last = self.tokens[run.first], self.tokens[run.last]
        if first.segment != last.segment:
            return False
        before = self.segments[first.segment].text[:first.start]
        after = self.segments[last.segment].text[last.end:]
        return bool(BEFORE_KEEP.search(before) or AFTER_KEEP[self.language].match(after))

    def _run_tokens(self) -> dict[int, Run]:
        at: dict[int, Run] = {}
        for run in self.runs:
            for index in self._stream_slice(run.first, run.last):
                at[index] = run
        return at

    def _stream_slice(self, first: int, last: int) -> list[int]:
        stream = self.streams[self.stream_of[first]]
        return stream[self.position[first]:self.position[last] + 1]

    def _take(self, kind: Kind, group: list[Run], plus: bool = False) -> None:
        tokens = self._stream_slice(group[0].first, group[-1].last)
        if plus and self._plus_before(group[0]):
            stream = self.streams[self.stream_of[group[0].first]]
            tokens.insert(0, stream[self.position[group[0].first] - 1])
        for run in group:
            if run in self.runs:
                self.runs.remove(run)
        self.consumed.update(tokens)
        self.found.append((kind, tokens))

    def _take_part(self, kind: Kind, run: Run, start: int, end: int,
                   plus: bool = False) -> None:
        part = run.part(start, end)
        index = self.runs.index(run) if run in self.runs else len(self.runs)
        if run in self.runs:
            self.runs.remove(run)
        rest = [r for r in (run.part(0, start), run.part(end, len(run.digits))) if r.digits]
        self.runs[index:index] = rest
        tokens = self._stream_slice(part.first, part.last)
        if plus and start == 0 and self._plus_before(run):
            tokens.insert(0, self.streams[self.stream_of[run.first]][self.position[run.first] - 1])
        self.found.append((kind, tokens))
        # A token shared with the rest (one written number) is redacted with the part; the
        # rest keeps its other tokens.
        self.consumed.update(tokens)

    def _drop_consumed_digits(self) -> None:
        kept: list[Run] = []
        for run in self.runs:
            piece_start = None
            for i, (first, last) in enumerate(run.spans):
                free = first not in self.consumed and last not in self.consumed
                if free and piece_start is None:
                    piece_start = i
                if not free and piece_start is not None:
                    kept.append(run.part(piece_start, i))
                    piece_start = None
            if piece_start is not None:
                kept.append(run.part(piece_start, len(run.digits)))
        self.runs = kept

    def _to_spans(self, kind: Kind, tokens: list[int]) -> Iterator[Found]:
        by_segment: dict[int, list[Token]] = {}
        for index in tokens:
            token = self.tokens[index]
            by_segment.setdefault(token.segment, []).append(token)
        for segment, seg_tokens in by_segment.items():
            yield Found(kind, segment, min(t.start for t in seg_tokens),
                        max(t.end for t in seg_tokens))


PERSIAN = str.maketrans({"ي": "ی", "ى": "ی", "ك": "ک", "\u200c": " "})

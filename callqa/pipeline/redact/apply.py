"""Replace what `detect` found: in utterance text and words, in plain text."""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import Field

from callqa.configs.settings import RedactionSettings
from callqa.domain.records import FrozenRecord, Transcript, Utterance, Word
from callqa.domain.text import language_of
from callqa.pipeline.redact.detect import Found, Segment, find_secrets
from callqa.pipeline.redact.lexicon import Kind

_PRIORITY = (Kind.CARD, Kind.CVV, Kind.EXPIRY, Kind.NATIONAL_ID, Kind.IBAN, Kind.ACCOUNT,
             Kind.DOB, Kind.PHONE, Kind.EMAIL, Kind.POSTCODE)


class RedactedSpan(FrozenRecord):
    """Where a secret was taken out of a call: its kind, the utterance, and when it was said
    (from the words' timestamps; the utterance's when it has no words). Never what it was."""

    kind: Kind
    utterance: int = Field(ge=0)
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    channel: int | None = None


class TextSpan(FrozenRecord):
    """A secret taken out of a plain text: its kind and its characters in the original."""

    kind: Kind
    start: int = Field(ge=0)
    end: int = Field(ge=0)


def redact_text(text: str, language: str, settings: RedactionSettings | None = None,
                ) -> tuple[str, list[TextSpan]]:
    """`text` with each secret of an enabled kind replaced by its tag, and where they were."""
    settings = settings or RedactionSettings()
    found = find_secrets([Segment(text)], language_of(language), settings.cue_window_words)
    spans = _merge([f for f in found if f.kind.value in settings.kinds])
    return _replace(text, spans), [TextSpan(kind=k, start=s, end=e) for k, s, e in spans]


def find_spans(transcript: Transcript, settings: RedactionSettings | None = None,
               ) -> dict[int, list[TextSpan]]:
    """What `redact_transcript` replaces: for each utterance index, the secrets' characters
    in its text (before words are widened to whole words)."""
    settings = settings or RedactionSettings()
    segments = [Segment(u.text, u.speaker, u.start, u.end) for u in transcript.utterances]
    found = find_secrets(segments, language_of(transcript.language),
                         settings.cue_window_words, settings.join_gap_seconds)
    by_utterance: dict[int, list[Found]] = {}
    for f in found:
        if f.kind.value in settings.kinds:
            by_utterance.setdefault(f.segment, []).append(f)
    return {index: [TextSpan(kind=k, start=s, end=e) for k, s, e in _merge(items)]
            for index, items in sorted(by_utterance.items())}


def redact_transcript(transcript: Transcript, settings: RedactionSettings | None = None,
                      ) -> tuple[Transcript, list[RedactedSpan]]:
    """The transcript with every secret of an enabled kind replaced by its tag in the
    utterance's text and words (a word touched by a secret becomes the tag, with the times
    of the words it replaces), and the spans, in seconds, to silence in the audio."""
    utterances = transcript.utterances
    found = find_spans(transcript, settings)
    if not found:
        return transcript, []
    new_utterances = list(utterances)
    redacted: list[RedactedSpan] = []
    for index, text_spans in found.items():
        utterance = utterances[index]
        spans = [(t.kind, t.start, t.end) for t in text_spans]
        new_utterances[index], times = _redact_utterance(utterance, spans)
        redacted.extend(
            RedactedSpan(kind=kind, utterance=index, start=start, end=end,
                         channel=utterance.channel)
            for (kind, _, _), (start, end) in zip(spans, times, strict=True))
    return transcript.model_copy(update={"utterances": tuple(new_utterances)}), redacted


def _merge(found: Sequence[Found]) -> list[tuple[Kind, int, int]]:
    """Overlapping or touching spans of one text become one, of the more sensitive kind."""
    merged: list[tuple[Kind, int, int]] = []
    for f in sorted(found, key=lambda f: (f.start, f.end)):
        if merged and f.start <= merged[-1][2]:
            kind, start, end = merged[-1]
            if _PRIORITY.index(f.kind) < _PRIORITY.index(kind):
                kind = f.kind
            merged[-1] = (kind, start, max(end, f.end))
        else:
            merged.append((f.kind, f.start, f.end))
    return merged


def _replace(text: str, spans: Sequence[tuple[Kind, int, int]]) -> str:
    pieces: list[str] = []
    cursor = 0
    for kind, start, end in spans:
        pieces.append(text[cursor:start])
        pieces.append(kind.tag)
        cursor = end
    pieces.append(text[cursor:])
    return "".join(pieces)


def _redact_utterance(utterance: Utterance, spans: Sequence[tuple[Kind, int, int]],
                      ) -> tuple[Utterance, list[tuple[float, float]]]:
    text = utterance.text
    if not utterance.words:
        whole = [(utterance.start, utterance.end)] * len(spans)
        return utterance.model_copy(update={"text": _replace(text, spans)}), whole
    located = _locate_words(text, utterance.words)
    words: list[Word] = []
    times: list[tuple[float, float]] = []
    covered: dict[int, list[int]] = {i: [] for i in range(len(spans))}
    for w, (start, end) in enumerate(located):
        for s, (_, span_start, span_end) in enumerate(spans):
            if start < span_end and end > span_start:
                covered[s].append(w)
                break
    # A word the text does not hold (a transcript from another system) goes with the span
    # said around it, so that no copy of the secret stays in the words.
    for w, (start, end) in enumerate(located):
        if start == end and utterance.words[w].text.strip():
            word = utterance.words[w]
            for ws in covered.values():
                if ws and utterance.words[ws[0]].start <= word.start <= max(
                        utterance.words[i].end for i in ws):
                    ws.append(w)
                    ws.sort()
                    break
    taken = {w for ws in covered.values() for w in ws}
    span_of_first = {ws[0]: s for s, ws in covered.items() if ws}
    for w, word in enumerate(utterance.words):
        if w in span_of_first:
            s = span_of_first[w]
            group = [utterance.words[i] for i in covered[s]]
            leading = word.text[:len(word.text) - len(word.text.lstrip())]
            words.append(Word(start=group[0].start, end=max(x.end for x in group),
                              text=leading + spans[s][0].tag,
                              probability=min(x.probability for x in group)))
        elif w not in taken:
            words.append(word)
    for s in range(len(spans)):
        group = [utterance.words[i] for i in covered[s]]
        if group:
            times.append((group[0].start, max(x.end for x in group)))
        else:
            times.append((utterance.start, utterance.end))
    # The text is rebuilt around whole words, so that a word only partly inside a span
    # leaves nothing of itself behind.
    widened = _widen(spans, located, covered)
    return utterance.model_copy(update={"text": _replace(text, widened),
                                        "words": tuple(words)}), times


def _locate_words(text: str, words: Sequence[Word]) -> list[tuple[int, int]]:
    """Characters of each word in the utterance text (Whisper's text is its words joined);
    a word not found takes the empty span at the cursor."""
    located: list[tuple[int, int]] = []
    cursor = 0
    for word in words:
        needle = word.text.strip()
        at = text.find(needle, cursor) if needle else -1
        if at < 0:
            located.append((cursor, cursor))
            continue
        located.append((at, at + len(needle)))
        cursor = at + len(needle)
    return located


def _widen(spans: Sequence[tuple[Kind, int, int]], located: Sequence[tuple[int, int]],
           covered: dict[int, list[int]]) -> list[tuple[Kind, int, int]]:
    widened: list[tuple[Kind, int, int]] = []
    for s, (kind, start, end) in enumerate(spans):
        for w in covered[s]:
            start, end = min(start, located[w][0]), max(end, located[w][1])
        if widened and start <= widened[-1][2]:
            widened[-1] = (widened[-1][0], widened[-1][1], max(end, widened[-1][2]))
        else:
            widened.append((kind, start, end))
    return widened

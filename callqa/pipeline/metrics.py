"""Conversation measures: pure functions over who-spoke-when and the words.

Talk and silence come from voice activity (per channel on stereo calls, the diarization turns
on mono ones), never from the transcript: Whisper may invent text in silence or hold music.
Interval arithmetic is pyannote.core's `Timeline`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from pyannote.core import Segment, Timeline

from callqa.configs.settings import MetricsSettings
from callqa.domain.records import ConversationMetrics, Role, RoleMetrics


@dataclass(frozen=True)
class TalkSpan:
    speaker: str
    role: Role
    start: float
    end: float


def conversation_metrics(
    spans: Sequence[TalkSpan],
    words_by_role: Mapping[Role, int],
    duration: float,
    settings: MetricsSettings | None = None,
) -> ConversationMetrics:
    settings = settings or MetricsSettings()
    call = Segment(0.0, max(duration, 0.0))
    by_speaker = _timelines(spans, key=lambda s: s.speaker)
    by_role = _timelines(spans, key=lambda s: s.role.value)
    talk = Timeline([seg for tl in by_speaker.values() for seg in tl]).support()
    talk_time = talk.duration()
    silences = [gap.duration for gap in talk.gaps(support=call)
                if talk and gap.start >= talk[0].start and gap.end <= talk[-1].end]
    overtalk = _overtalk(by_speaker, settings.min_overtalk)
    total_role_talk = sum(tl.duration() for tl in by_role.values()) or 1.0
    role_metrics = {
        Role(role): RoleMetrics(
            talk_time=round(timeline.duration(), 3),
            talk_share=round(timeline.duration() / total_role_talk, 4),
            longest_monologue=round(_longest_monologue(spans, Role(role)), 3),
            interruptions=_interruptions(spans, Role(role), settings.interruption_min_overlap),
            words_per_minute=(
                round(words_by_role.get(Role(role), 0) / (timeline.duration() / 60), 1)
                if timeline.duration() > 0 else None
            ),
        )
        for role, timeline in sorted(by_role.items())
    }
    non_talk = max(0.0, call.duration - talk_time)
    return ConversationMetrics(
        handle_time=round(call.duration, 3),
        talk_time=round(talk_time, 3),
        non_talk_time=round(non_talk, 3),
        non_talk_share=round(non_talk / call.duration, 4) if call.duration > 0 else 0.0,
        longest_silence=round(max(silences, default=0.0), 3),
        overtalk_time=round(overtalk.duration(), 3),
        overtalk_count=len(overtalk),
        by_role=role_metrics,
    )


def _timelines(spans: Iterable[TalkSpan], key: object) -> dict[str, Timeline]:
    groups: dict[str, list[Segment]] = defaultdict(list)
    for span in spans:
        if span.end > span.start:
            groups[key(span)].append(Segment(span.start, span.end))  # type: ignore[operator]
    return {name: Timeline(segments).support() for name, segments in groups.items()}


def _overtalk(by_speaker: Mapping[str, Timeline], min_overtalk: float) -> Timeline:
    """Stretches where two or more speakers talk at once."""
    names = sorted(by_speaker)
    overlaps = [
        segment
        for i, a in enumerate(names)
        for b in names[i + 1:]
        for segment in by_speaker[a].crop(by_speaker[b], mode="intersection")
    ]
    return Timeline([s for s in Timeline(overlaps).support() if s.duration >= min_overtalk])


def _interruptions(spans: Sequence[TalkSpan], role: Role, min_overlap: float) -> int:
    """Turns of `role` that start while another role is mid-turn and keeps talking for at
    least `min_overlap` seconds."""
    others = [s for s in spans if s.role != role]
    count = 0
    for span in spans:
        if span.role != role:
            continue
        if any(o.start < span.start and o.end - span.start >= min_overlap for o in others):
            count += 1
    return count


def _longest_monologue(spans: Sequence[TalkSpan], role: Role) -> float:
    """Longest stretch of `role`'s speech that no other role's turn starts inside."""
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    longest, run_start, run_end = 0.0, None, 0.0
    for span in ordered:
        if span.role != role:
            run_start = None
            continue
        if run_start is None:
            run_start, run_end = span.start, span.end
        else:
            run_end = max(run_end, span.end)
        longest = max(longest, run_end - run_start)
    return longest


def words_per_role(utterance_roles: Iterable[tuple[Role, int]]) -> Counter[Role]:
    counts: Counter[Role] = Counter()
    for role, words in utterance_roles:
        counts[role] += words
    return counts

"""Scoring throughput on one core: callqa's `score_call` against a plain regex search.

Usage: .venv/bin/python -m benchmarks.bench_scoring [--calls 200] [--rounds 5] [--seed 7]

Data: synthetic 5-minute calls built in memory (seeded): about 750 words in realistic agent and
customer turns (greeting, request, questions, holds, complaints in some, resolution or not,
closing), half of them lower case without punctuation as ASR often writes, with word timings,
conversation metrics and metadata naming the customer and agent (`tests.factories.synthetic_call`).
Each call is scored with the bundled scorecard for its call type (billing, technical_support,
sales).

Baseline, in the same process on the same calls: for every English phrase set of the same
scorecard, one precompiled `\\b(?:phrase|...)\\b` regex searched in every lower-cased,
punctuation-stripped utterance: the search alone, without roles, windows, negation, proximity,
names or evidence. The process is pinned to one CPU; rounds alternate which runs first, and the
median round is reported. Goal: at least 1,000 calls/s for callqa.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import time
from collections.abc import Callable

from callqa.domain.records import Transcript
from callqa.scoring.loading import choose_scorecard
from callqa.scoring.score import score_call
from callqa.scoring.scorecard import NearPhrase, Scorecard
from tests.factories import CALL_TYPES, synthetic_call

GOAL_CALLS_PER_SECOND = 1000


class RegexBaseline:
    """The same English phrases as one alternation regex per phrase set; search only."""

    def __init__(self, scorecard: Scorecard) -> None:
        self.patterns: list[re.Pattern[str]] = []
        for criterion in scorecard.criteria:
            for phrase_set in criterion.phrase_sets().values():
                phrases: list[str] = []
                for alternative in phrase_set.get("en", ()):
                    if isinstance(alternative, str):
                        phrases.append(alternative)
                    elif isinstance(alternative, NearPhrase):
                        phrases += [*alternative.near[0], *alternative.near[1]]
                alternation = "|".join(re.escape(p.replace("'", "")) for p in phrases)
                self.patterns.append(re.compile(rf"\b(?:{alternation})\b"))

    def __call__(self, transcript: Transcript) -> int:
        found = 0
        for utterance in transcript.utterances:
            text = re.sub(r"[^\w\s]", "", utterance.text.lower())
            for pattern in self.patterns:
                found += len(pattern.findall(text))
        return found


def _timed(run: Callable[[Transcript], object], calls: list[Transcript]) -> float:
    started = time.perf_counter()
    for call in calls:
        run(call)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    rng = random.Random(args.seed)
    calls = [synthetic_call(rng, number) for number in range(args.calls)]
    words = statistics.mean(sum(len(u.text.split()) for u in c.utterances) for c in calls)
    scorecards = {t: choose_scorecard(t) for t in CALL_TYPES}
    baselines = {t: RegexBaseline(s) for t, s in scorecards.items()}

    def callqa(call: Transcript) -> object:
        return score_call(call, scorecards[call.metadata.call_type])  # type: ignore[union-attr,index]

    def baseline(call: Transcript) -> object:
        return baselines[call.metadata.call_type](call)  # type: ignore[union-attr,index]

    for call in calls[:10]:  # warm-up: compiles each scorecard's matcher once
        callqa(call)
        baseline(call)
    rounds: list[tuple[float, float]] = []
    for round_number in range(args.rounds):
        if round_number % 2:
            base = _timed(baseline, calls)
            ours = _timed(callqa, calls)
        else:
            ours = _timed(callqa, calls)
            base = _timed(baseline, calls)
        rounds.append((ours, base))
    ours, base = sorted(rounds)[len(rounds) // 2]
    ours_rate, base_rate = len(calls) / ours, len(calls) / base
    print(f"{len(calls)} synthetic 5-minute calls, {words:.0f} words each on average;"
          f" one CPU, median of {args.rounds} rounds")
    print(f"  callqa score_call : {ours_rate:8.0f} calls/s  ({1000 * ours / len(calls):.3f} ms"
          " per call)")
    print(f"  regex baseline    : {base_rate:8.0f} calls/s  ({1000 * base / len(calls):.3f} ms"
          " per call)")
    print(f"  callqa / baseline : {ours_rate / base_rate:.2f} of the baseline's speed")
    verdict = "meets" if ours_rate >= GOAL_CALLS_PER_SECOND else "MISSES"
    print(f"  goal {GOAL_CALLS_PER_SECOND} calls/s: {verdict}")


if __name__ == "__main__":
    main()

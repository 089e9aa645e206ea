"""Scoring throughput on one core: callqa's `score_call` against a plain regex search.

Usage: .venv/bin/python -m benchmarks.bench_scoring [--calls 200] [--rounds 5] [--seed 7]

Data: synthetic 5-minute calls built in memory (seeded): about 750 words in realistic agent and
customer turns (greeting, request, questions, holds, complaints in some, resolution or not,
closing), half of them lower case without punctuation as ASR often writes, with word timings,
conversation metrics and metadata naming the customer and agent. Each call is scored with the
bundled scorecard for its call type (billing, technical_support, sales).

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

from callqa.domain.records import (
    AudioInfo,
    CallMetadata,
    ConversationMetrics,
    ModelInfo,
    Role,
    RoleAssignment,
    RoleMetrics,
    Speaker,
    Transcript,
    Utterance,
    Word,
)
from callqa.scoring.loading import choose_scorecard
from callqa.scoring.score import score_call
from callqa.scoring.scorecard import NearPhrase, Scorecard

CALL_SECONDS = 300.0
TARGET_WORDS = 750
WORDS_PER_SECOND = 2.6
GOAL_CALLS_PER_SECOND = 1000

AGENTS = ("Maria Lopez", "James Carter", "Priya Patel", "Daniel Kim", "Sofia Rossi")
CUSTOMERS = ("Robert Harris", "Linda Garcia", "Laura Miller", "Emily Taylor", "David Brown",
             "Patricia Brown", "Michael Chen", "Sarah Johnson")
CALL_TYPES = ("billing", "technical_support", "sales")
PROBLEMS = {
    "billing": ("I was charged twice this month.", "My bill went up and nobody told me why.",
                "I'd like to understand a fee on my last statement."),
    "technical_support": ("My internet keeps dropping every evening.",
                          "The router light is red and nothing works.",
                          "My phone line has no dial tone since yesterday."),
    "sales": ("I'd like a faster internet plan.", "Can I add a second line for my son?",
              "What does the family plan cost?"),
}
AGENT_LINES = (
    "Can I have your account number please?", "Let me check that for you.",
    "Could you confirm the address on the account?", "Thank you, I can see your account now.",
    "Just a moment while I pull up your details.", "I see the last payment was on the third.",
    "Let me take a look at the settings on our side.", "Okay, I understand.",
    "That plan includes unlimited calls and a hundred gigabytes of data.",
    "The change will show on your next statement.", "Can you restart the router for me?",
    "I'm going to run a test on your line now.", "Thanks for waiting.",
    "The premium plan is twenty five dollars a month.", "Would you like me to set that up?",
    "I can see a note from your last call.", "Is the light on the front green now?",
    "Let me explain what that charge is for.", "I've found the reason for the difference.",
    "Your contract renews in March.",
)
CUSTOMER_LINES = (
    "Sure, it's four four seven two nine one.", "Yes, that's right.", "Okay.",
    "It's twelve Main Street.", "Hold on, let me find it.", "No, not yet.",
    "I restarted it this morning.", "How long will that take?", "That sounds fine.",
    "I didn't get any email about it.", "Yes please.", "What does that mean for my bill?",
    "I'm really frustrated with this.", "It happened again last night.", "Alright.",
    "Can you send me a confirmation?", "I see.", "Is there a cheaper option?",
)
GOOD_ENDINGS = (
    "I've applied the credit to your account, it's all done.",
    "I've fixed the fault on your line, it should work now.",
    "I've upgraded your plan, you're all set.",
)
POOR_ENDINGS = ("I can't do that. You'll have to call back later.",
                "I'll transfer you to another department.")


def synthetic_call(rng: random.Random, number: int) -> Transcript:
    call_type = rng.choice(CALL_TYPES)
    agent, customer = rng.choice(AGENTS), rng.choice(CUSTOMERS)
    good = rng.random() < 0.7
    turns: list[tuple[Role, str]] = []
    if good:
        turns.append((Role.AGENT, f"Thank you for calling Northwind Telecom, my name is"
                      f" {agent.split()[0]}. This call may be recorded for quality purposes."
                      " How can I help you today?"))
    else:
        turns.append((Role.AGENT, "Yeah, what do you need?"))
    turns.append((Role.CUSTOMER, f"Hi, this is {customer}. {rng.choice(PROBLEMS[call_type])}"))
    if good:
        turns.append((Role.AGENT, f"I'm sorry to hear that, Mister {customer.split()[-1]}."))
    words = sum(len(text.split()) for _, text in turns)
    while words < TARGET_WORDS - 40:
        line = rng.choice(AGENT_LINES) + " " + rng.choice(AGENT_LINES)
        reply = rng.choice(CUSTOMER_LINES)
        turns += [(Role.AGENT, line), (Role.CUSTOMER, reply)]
        words += len(line.split()) + len(reply.split())
    if good:
        turns += [
            (Role.AGENT, rng.choice(GOOD_ENDINGS) + " Is there anything else I can help you with?"),
            (Role.CUSTOMER, "No, that's all, thanks."),
            (Role.AGENT, f"Thank you for calling, Mister {customer.split()[-1]}."
                         " Have a great day."),
        ]
    else:
        turns += [(Role.AGENT, rng.choice(POOR_ENDINGS)), (Role.CUSTOMER, "Whatever, bye.")]
    asr_style = number % 2 == 1
    return _transcript(number, turns, asr_style, call_type, agent, customer)


def _transcript(
    number: int, turns: list[tuple[Role, str]], asr_style: bool, call_type: str, agent: str,
    customer: str,
) -> Transcript:
    total_words = sum(len(text.split()) for _, text in turns)
    pause = max(0.2, (CALL_SECONDS - total_words / WORDS_PER_SECOND) / len(turns))
    clock, utterances = 0.5, []
    for role, text in turns:
        if asr_style:
            text = re.sub(r"[^\w\s']", "", text).lower()
        tokens = text.split()
        words = []
        for token in tokens:
            words.append(Word(start=round(clock, 2), end=round(clock + 0.3, 2), text=" " + token,
                              probability=0.9))
            clock += 1 / WORDS_PER_SECOND
        speaker = "S0" if role == Role.AGENT else "S1"
        utterances.append(Utterance(speaker=speaker, role=role, start=words[0].start,
                                    end=words[-1].end, text=text, words=tuple(words),
                                    channel=0 if role == Role.AGENT else 1))
        clock += pause
    duration = round(clock, 2)
    metrics = ConversationMetrics(
        handle_time=duration, talk_time=duration * 0.8, non_talk_time=duration * 0.2,
        non_talk_share=0.2, longest_silence=4.0, overtalk_time=1.0, overtalk_count=1,
        by_role={
            Role.AGENT: RoleMetrics(talk_time=duration * 0.5, talk_share=0.55,
                                    longest_monologue=20.0, interruptions=1),
            Role.CUSTOMER: RoleMetrics(talk_time=duration * 0.4, talk_share=0.45,
                                       longest_monologue=12.0, interruptions=0),
        },
    )
    return Transcript(
        call_id=f"bench-{number}", language="en", duration=duration,
        audio=AudioInfo(path=f"bench-{number}.wav", sha256="0" * 64, format="WAV", codec="ULAW",
                        sample_rate=8000, channels=2, duration=duration),
        model=ModelInfo(id="synthetic", device="cpu", compute_type="none", options={},
                        options_hash="0" * 16),
        speakers=(Speaker(id="S0", role=Role.AGENT, channel=0),
                  Speaker(id="S1", role=Role.CUSTOMER, channel=1)),
        roles=RoleAssignment(method="channel_layout", confidence=1.0),
        utterances=tuple(utterances), metrics=metrics,
        metadata=CallMetadata(call_id=f"bench-{number}", agent_name=agent,
                              customer_name=customer, call_type=call_type, direction="inbound"),
    )


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

"""Synthetic calls for the tests and the benchmarks: the one place that builds transcripts,
utterances, words and metadata in memory (real records, no mocks).

- `make_transcript(turns)`: a transcript of `(role, start, end, text)` turns, words spread
  evenly (the scoring tests).
- `billing_call(call_id)`, `metadata(call_id)`, `sha(n)`: a small English billing call with
  metrics, as `callqa transcribe` would store it (the store, ingest and claims tests).
- `synthetic_call(rng, number)`: a seeded, realistic 5-minute call of about 750 words
  (benchmarks/bench_scoring.py, benchmarks/bench_reprocess.py).
- The parts they share: `word`, `words`, `utterance`, `speakers`, `audio_info`, `model_info`,
  `build_transcript`.

Benchmarks import this module as `tests.factories` (run them from the repository root:
`.venv/bin/python -m benchmarks.bench_scoring`).
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

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

Turn = tuple[Role | str, float, float, str]
"""(role, start, end, text)."""

SPEAKER_IDS = {Role.AGENT: "S0", Role.CUSTOMER: "S1", Role.UNKNOWN: "S2"}
CHANNELS = {Role.AGENT: 0, Role.CUSTOMER: 1}
"""Stereo calls: the agent on the left channel, the customer on the right."""


# --- the parts ----------------------------------------------------------------------------------

def word(text: str, start: float, end: float) -> Word:
    """One ASR word (leading space, as Whisper writes words)."""
    return Word(start=start, end=end, text=f" {text}", probability=0.9)


def words(text: str, start: float, end: float) -> tuple[Word, ...]:
    """The words of `text` spread evenly over `start`..`end` (times rounded to ms)."""
    tokens = text.split() or [text]
    step = (end - start) / len(tokens)
    return tuple(word(token, round(start + i * step, 3), round(start + (i + 1) * step, 3))
                 for i, token in enumerate(tokens))


def utterance(
    role: Role | str, start: float, end: float, text: str, *,
    spoken: tuple[Word, ...] | None = None, stereo: bool = False,
) -> Utterance:
    """An utterance of `role`'s speaker; `spoken` defaults to `words(text, start, end)`;
    `stereo` puts it on the role's channel."""
    role = Role(role)
    return Utterance(speaker=SPEAKER_IDS[role], role=role, start=start, end=end, text=text,
                     words=words(text, start, end) if spoken is None else spoken,
                     channel=CHANNELS[role] if stereo else None)


def speakers(roles: Iterable[Role], *, stereo: bool = False) -> tuple[Speaker, ...]:
    return tuple(Speaker(id=SPEAKER_IDS[role], role=role,
                         channel=CHANNELS[role] if stereo else None)
                 for role in sorted(set(roles)))


def audio_info(
    path: str, duration: float, *, sha256: str = "0" * 64, codec: str = "PCM_16",
) -> AudioInfo:
    """An 8 kHz stereo WAV recording."""
    return AudioInfo(path=path, sha256=sha256, format="WAV", codec=codec, sample_rate=8000,
                     channels=2, duration=duration)


def model_info(
    model_id: str = "test", *, compute_type: str = "none", options: dict[str, Any] | None = None,
    options_hash: str = "0" * 16,
) -> ModelInfo:
    return ModelInfo(id=model_id, device="cpu", compute_type=compute_type,
                     options=options or {}, options_hash=options_hash)


def build_transcript(
    utterances: Iterable[Utterance],
    *,
    call_id: str | None = "test-call",
    language: str = "en",
    duration: float | None = None,
    audio: AudioInfo | None = None,
    model: ModelInfo | None = None,
    stereo: bool = False,
    cues: tuple[str, ...] = (),
    metrics: ConversationMetrics | None = None,
    metadata: CallMetadata | None = None,
) -> Transcript:
    """A transcript of `utterances` (sorted by time). Defaults: the duration runs 0.5 s past
    the last utterance, a `test.wav` recording, a `test` model; roles from the channel layout
    when any utterance has a known role, else none."""
    ordered = sorted(utterances, key=lambda u: (u.start, u.end))
    if duration is None:
        duration = max((u.end for u in ordered), default=0.0) + 0.5
    roles = {u.role for u in ordered}
    return Transcript(
        call_id=call_id,
        language=language,
        duration=duration,
        audio=audio if audio is not None else audio_info("test.wav", duration),
        model=model if model is not None else model_info(),
        speakers=speakers(roles, stereo=stereo),
        roles=(
            RoleAssignment(method="channel_layout", confidence=1.0, cues=cues)
            if roles - {Role.UNKNOWN}
            else RoleAssignment(method="none", confidence=0.0)
        ),
        utterances=tuple(ordered),
        metrics=metrics,
        metadata=metadata,
    )


# --- the scoring tests' calls -------------------------------------------------------------------

def make_transcript(
    turns: Sequence[Turn],
    *,
    language: str = "en",
    metadata: CallMetadata | None = None,
    metrics: ConversationMetrics | None = None,
    call_id: str | None = "test-call",
) -> Transcript:
    """A transcript of `turns`; words are spread evenly over each utterance."""
    return build_transcript([utterance(*turn) for turn in turns], call_id=call_id,
                            language=language, metrics=metrics, metadata=metadata)


# --- the store tests' billing call --------------------------------------------------------------

def metadata(call_id: str, **fields: Any) -> CallMetadata:
    """The billing call's metadata (agent a01 Maria Lopez, customer c101 Robert Harris), with
    `fields` overriding."""
    values: dict[str, Any] = {
        "call_id": call_id, "agent_id": "a01", "agent_name": "Maria Lopez", "team_id": "t1",
        "customer_id": "c101", "customer_name": "Robert Harris", "call_type": "billing",
        "started_at": datetime(2026, 11, 2, 9, 15, tzinfo=UTC), "direction": "inbound",
        "language": "en", "channel_layout": "agent_left"}
    return CallMetadata.model_validate(values | fields)


def sha(n: int) -> str:
    """A distinct, valid sha256 hex digest per number."""
    return f"{n:064x}"


BILLING_TURNS: tuple[Turn, ...] = (
    (Role.AGENT, 0.5, 4.0, "Thank you for calling, my name is Maria. How can I help you"),
    (Role.CUSTOMER, 4.5, 9.0, "Hi, I was charged twice on my last bill and I am upset"),
    (Role.AGENT, 9.5, 14.0, "I am sorry to hear that Robert, I will refund the extra charge"),
    (Role.CUSTOMER, 14.5, 16.0, "Thanks, that solves it"),
    (Role.AGENT, 16.5, 19.0, "Is there anything else I can help with? Have a nice day"),
)


def billing_call(call_id: str, meta: CallMetadata | None = None) -> Transcript:
    """A small English billing call with metrics (as `callqa transcribe` would store it)."""
    metrics = ConversationMetrics(
        handle_time=20.0, talk_time=17.0, non_talk_time=3.0, non_talk_share=0.15,
        longest_silence=0.5, overtalk_time=0.0, overtalk_count=0,
        by_role={Role.AGENT: RoleMetrics(talk_time=11.0, talk_share=0.65, longest_monologue=4.5,
                                         interruptions=0, words_per_minute=150.0),
                 Role.CUSTOMER: RoleMetrics(talk_time=6.0, talk_share=0.35,
                                            longest_monologue=4.5, interruptions=1,
                                            words_per_minute=140.0)})
    return build_transcript(
        [utterance(*turn, stereo=True) for turn in BILLING_TURNS],
        call_id=call_id, duration=20.0,
        audio=audio_info(f"{call_id}.wav", 20.0, sha256="a" * 64, codec="ULAW"),
        model=model_info("tiny.en", compute_type="int8", options={"beam_size": 5},
                         options_hash="0123456789abcdef"),
        stereo=True, cues=("channel_layout=agent_left",), metrics=metrics,
        metadata=meta if meta is not None else metadata(call_id),
    )


# --- the benchmarks' 5-minute calls -------------------------------------------------------------

CALL_SECONDS = 300.0
TARGET_WORDS = 750
WORDS_PER_SECOND = 2.6

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
    """A seeded 5-minute call `bench-<number>` of about 750 words in realistic agent and
    customer turns (greeting, request, questions, complaints in some, resolution or not,
    closing); 7 in 10 are good calls; odd numbers are lower case without punctuation, as ASR
    often writes. Word timings, metrics, and metadata naming the customer and the agent."""
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
    count = sum(len(text.split()) for _, text in turns)
    while count < TARGET_WORDS - 40:
        line = rng.choice(AGENT_LINES) + " " + rng.choice(AGENT_LINES)
        reply = rng.choice(CUSTOMER_LINES)
        turns += [(Role.AGENT, line), (Role.CUSTOMER, reply)]
        count += len(line.split()) + len(reply.split())
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
    return _paced_call(number, turns, asr_style, call_type, agent, customer)


def _paced_call(
    number: int, turns: list[tuple[Role, str]], asr_style: bool, call_type: str, agent: str,
    customer: str,
) -> Transcript:
    """`turns` spoken at WORDS_PER_SECOND, the pauses between them filling CALL_SECONDS."""
    total_words = sum(len(text.split()) for _, text in turns)
    pause = max(0.2, (CALL_SECONDS - total_words / WORDS_PER_SECOND) / len(turns))
    clock, utterances = 0.5, []
    for role, text in turns:
        if asr_style:
            text = re.sub(r"[^\w\s']", "", text).lower()
        spoken = []
        for token in text.split():
            spoken.append(word(token, round(clock, 2), round(clock + 0.3, 2)))
            clock += 1 / WORDS_PER_SECOND
        utterances.append(utterance(role, spoken[0].start, spoken[-1].end, text,
                                    spoken=tuple(spoken), stereo=True))
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
    return build_transcript(
        utterances, call_id=f"bench-{number}", duration=duration,
        audio=audio_info(f"bench-{number}.wav", duration, codec="ULAW"),
        model=model_info("synthetic"), stereo=True, metrics=metrics,
        metadata=CallMetadata(call_id=f"bench-{number}", agent_name=agent,
                              customer_name=customer, call_type=call_type, direction="inbound"),
    )

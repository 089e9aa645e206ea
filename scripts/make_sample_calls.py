"""Generate the synthetic sample calls in ``samples/calls``.

Regenerate every file (from any working directory; the output folder defaults to
``samples/calls`` in this repository)::

    python scripts/make_sample_calls.py [--out-dir DIR]

Requirements:

* the ``espeak-ng`` and ``sox`` command-line tools on ``PATH``
  (Debian/Ubuntu: ``apt-get install espeak-ng sox``);
* the Python packages ``numpy`` and ``soundfile``.

Every call is held below as data: metadata plus a list of turns
``(role, text, pause_before_seconds)``. Each turn is spoken with
``espeak-ng`` in the voice of its speaker (every agent and every customer has
their own voice), resampled to 8 kHz with ``sox`` and placed on a single
timeline: agent turns on the agent channel, customer turns on the other one,
silence on the other channel meanwhile. A negative pause makes the turn start
that many seconds before the previous turn ends (an interruption/overlap).
A call marked ``line_drops`` is cut off in the middle of its last turn.

For each call the script writes ``<call_id>.wav`` (stereo, 8 kHz, G.711
mu-law) and a JSON metadata sidecar ``<call_id>.json``. The output is
deterministic: running the script again produces the same bytes. All speech
is invented; the files contain no personal data.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt
import soundfile as sf

SAMPLE_RATE = 8000
PEAK_LEVEL = 0.7  # peak amplitude of every synthesised turn
TRIM_THRESHOLD = 0.01  # amplitude treated as silence when trimming a turn
TRIM_MARGIN_S = 0.03  # silence kept around each trimmed turn
TAIL_SILENCE_S = 0.25  # silence after the last turn (unless the line drops)
DROP_CUT_S = 0.3  # audio cut from the end of a call whose line drops
DEFAULT_OUT_DIR = Path(__file__).resolve().parents[1] / "samples" / "calls"

Role = Literal["agent", "customer"]
CallType = Literal["billing", "technical_support", "sales"]
ChannelLayout = Literal["agent_left", "agent_right"]
Turn = tuple[Role, str, float]
Audio = npt.NDArray[np.float32]


@dataclass(frozen=True)
class Voice:
    """An espeak-ng voice: name+variant, speed (wpm), pitch (0-99), word gap (10 ms)."""

    name: str
    speed: int
    pitch: int
    word_gap: int = 0


@dataclass(frozen=True)
class Agent:
    agent_id: str
    name: str
    team_id: str
    voice: Voice


@dataclass(frozen=True)
class Customer:
    customer_id: str
    name: str
    voice: Voice


@dataclass(frozen=True)
class Call:
    call_id: str
    agent_id: str
    customer_id: str
    call_type: CallType
    started_at: str
    channel_layout: ChannelLayout
    turns: tuple[Turn, ...]
    line_drops: bool = False  # the call is cut off mid-word, with no tail silence


AGENTS: dict[str, Agent] = {
    agent.agent_id: agent
    for agent in (
        Agent("a01", "Maria Lopez", "t1", Voice("en-us+f3", 175, 55, 1)),
        Agent("a02", "James Carter", "t1", Voice("en-us+david", 170, 40, 2)),
        Agent("a03", "Priya Patel", "t2", Voice("en-us+f2", 170, 45, 1)),
    )
}

CUSTOMERS: dict[str, Customer] = {
    customer.customer_id: customer
    for customer in (
        Customer("c101", "Robert Harris", Voice("en-us+m7", 175, 25)),
        Customer("c102", "Linda Garcia", Voice("en-gb+f2", 185, 70)),
        Customer("c103", "Laura Miller", Voice("en-gb+f3", 185, 75)),
        Customer("c104", "David Brown", Voice("en-gb+m2", 180, 30)),
        Customer("c105", "Emily Taylor", Voice("en-gb+f1", 185, 50)),
    )
}

CALLS: tuple[Call, ...] = (
    # Good billing call: every expected agent behaviour, plus a 2.5 s hold.
    Call(
        call_id="call_001",
        agent_id="a01",
        customer_id="c101",
        call_type="billing",
        started_at="2026-11-02T09:15:00+00:00",
        channel_layout="agent_left",
        turns=(
            (
                "agent",
                "Thank you for calling Northwind Telecom, my name is Maria. "
                "This call may be recorded for quality purposes.",
                0.2,
            ),
            ("customer", "Hi, this is Robert Harris. I was charged twice this month.", 0.2),
            (
                "agent",
                "I'm sorry to hear that, Mister Harris. I understand how frustrating that is.",
                0.2,
            ),
            (
                "agent",
                "I've applied the credit to your account, it's all done. "
                "Is there anything else I can help you with?",
                2.5,
            ),
            ("customer", "No, thanks.", 0.2),
            ("agent", "Thank you for calling, Mister Harris. Have a great day.", 0.2),
        ),
    ),
    # Poor billing call: no greeting, no name, complaint ignored, deferral,
    # rude closing, and the customer talks over the agent.
    Call(
        call_id="call_002",
        agent_id="a02",
        customer_id="c102",
        call_type="billing",
        started_at="2026-11-02T13:40:00+00:00",
        channel_layout="agent_left",
        turns=(
            ("agent", "Yeah, what do you need?", 0.2),
            (
                "customer",
                "My bill went up again and nobody told me why. "
                "I'm really upset about this. Can you fix it?",
                0.2,
            ),
            ("agent", "I can't do that. You'll have to call back later.", 0.5),
            ("customer", "But I have been waiting for twenty minutes.", -0.6),
            ("agent", "Whatever, bye.", 1.5),
        ),
    ),
    # Good sales call with the agent on the right channel.
    Call(
        call_id="call_003",
        agent_id="a03",
        customer_id="c103",
        call_type="sales",
        started_at="2026-11-03T09:05:00+00:00",
        channel_layout="agent_right",
        turns=(
            (
                "agent",
                "Thank you for calling Northwind Telecom, my name is Priya. "
                "This call may be recorded for quality purposes.",
                0.2,
            ),
            ("customer", "Hi Priya, I'm Laura. I'd like a faster internet plan.", 0.2),
            ("agent", "Sure, Laura. Our premium plan is twice as fast. Would you like it?", 0.2),
            ("customer", "Yes please.", 0.2),
            (
                "agent",
                "I've upgraded your plan, it's all done. "
                "Is there anything else I can help you with?",
                0.5,
            ),
            ("customer", "No, thanks.", 0.2),
            ("agent", "Thank you for calling, have a great day.", 0.2),
        ),
    ),
    # Poor technical support call, first contact of customer c105: no
    # greeting, prohibited language, interruption, unresolved.
    Call(
        call_id="call_004",
        agent_id="a02",
        customer_id="c105",
        call_type="technical_support",
        started_at="2026-11-03T10:20:00+00:00",
        channel_layout="agent_left",
        turns=(
            ("agent", "Yeah, what is it?", 0.2),
            (
                "customer",
                "Hi, my internet keeps dropping every evening. "
                "I already restarted the router twice.",
                0.2,
            ),
            ("agent", "Did you restart the router?", 0.5),
            ("customer", "Yes, I just told you that. This is really frustrating.", -0.4),
            ("agent", "Calm down. That's not my problem.", 0.2),
            ("customer", "So what am I supposed to do?", 0.2),
            ("agent", "You'll have to call back later.", 2.0),
        ),
    ),
    # Callback two days later from c105 about the same problem: resolved.
    Call(
        call_id="call_005",
        agent_id="a01",
        customer_id="c105",
        call_type="technical_support",
        started_at="2026-11-05T14:05:00+00:00",
        channel_layout="agent_left",
        turns=(
            (
                "agent",
                "Thank you for calling Northwind Telecom, my name is Maria. "
                "This call may be recorded for quality purposes.",
                0.2,
            ),
            (
                "customer",
                "Hello, my name is Emily Taylor. My internet still drops every evening.",
                0.2,
            ),
            (
                "agent",
                "I'm sorry to hear that, Emily. I understand how frustrating "
                "that is. Let me test your line.",
                0.2,
            ),
            (
                "agent",
                "I found a fault and fixed it, it's all done. "
                "Is there anything else I can help you with?",
                2.5,
            ),
            ("customer", "No, thanks.", 0.2),
            ("agent", "Thank you for calling, have a great day.", 0.2),
        ),
    ),
    # Sales call from c104 whose line drops in the middle of a sentence ...
    Call(
        call_id="call_006",
        agent_id="a03",
        customer_id="c104",
        call_type="sales",
        started_at="2026-11-04T11:00:00+00:00",
        channel_layout="agent_left",
        turns=(
            ("agent", "Thank you for calling Northwind Telecom, my name is Priya.", 0.2),
            ("customer", "Hi, I'm David Brown. I'd like a second phone line for my son.", 0.2),
            ("agent", "Sure, Mister Brown. Would you like the basic plan or the family plan?", 0.2),
            ("customer", "The family plan, please. How much does it", 0.2),
        ),
        line_drops=True,
    ),
    # ... and c104 calling again seven minutes later (agent on the right):
    # greeting, name and resolution, but no recording notice and no
    # "anything else" question.
    Call(
        call_id="call_007",
        agent_id="a02",
        customer_id="c104",
        call_type="sales",
        started_at="2026-11-04T11:07:00+00:00",
        channel_layout="agent_right",
        turns=(
            ("agent", "Thank you for calling Northwind Telecom, my name is James.", 0.2),
            ("customer", "Hi James, it's David Brown again. My last call dropped.", 0.2),
            (
                "agent",
                "Sorry about that, Mister Brown. The family plan is "
                "fifteen dollars a month. Shall I add it?",
                0.2,
            ),
            ("customer", "Yes, please.", 0.2),
            (
                "agent",
                "Done, I've added the second line. Thank you for calling, have a great day.",
                0.2,
            ),
        ),
    ),
)


def require_tools(*names: str) -> None:
    """Exit with a helpful message if a required command-line tool is missing."""
    missing = [name for name in names if shutil.which(name) is None]
    if missing:
        sys.exit(
            f"missing tool(s): {', '.join(missing)}; "
            "install them, e.g. `apt-get install espeak-ng sox`"
        )


def synthesise(text: str, voice: Voice, workdir: Path) -> Audio:
    """Speak ``text`` with espeak-ng and return mono float32 audio at 8 kHz."""
    raw = workdir / "raw.wav"
    resampled = workdir / "8k.wav"
    subprocess.run(
        [
            "espeak-ng",
            "-v",
            voice.name,
            "-s",
            str(voice.speed),
            "-p",
            str(voice.pitch),
            "-g",
            str(voice.word_gap),
            "-w",
            str(raw),
            text,
        ],
        check=True,
    )
    # -R: repeatable mode (fixed seeds); 32-bit float output needs no dither.
    subprocess.run(
        [
            "sox",
            "-V1",
            "-R",
            str(raw),
            "-r",
            str(SAMPLE_RATE),
            "-c",
            "1",
            "-e",
            "floating-point",
            "-b",
            "32",
            str(resampled),
        ],
        check=True,
    )
    audio, rate = sf.read(resampled, dtype="float32")
    if rate != SAMPLE_RATE:
        raise RuntimeError(f"sox wrote {rate} Hz instead of {SAMPLE_RATE} Hz")
    return normalise(trim(np.asarray(audio, dtype=np.float32)))


def trim(audio: Audio) -> Audio:
    """Cut leading/trailing silence, keeping a short margin."""
    loud = np.flatnonzero(np.abs(audio) > TRIM_THRESHOLD)
    if loud.size == 0:
        return audio
    margin = int(TRIM_MARGIN_S * SAMPLE_RATE)
    start = max(int(loud[0]) - margin, 0)
    end = min(int(loud[-1]) + margin + 1, audio.size)
    return audio[start:end]


def normalise(audio: Audio) -> Audio:
    """Scale audio so that its peak amplitude is ``PEAK_LEVEL``."""
    peak = float(np.max(np.abs(audio))) if audio.size else 0.0
    if peak == 0.0:
        return audio
    return (audio * (PEAK_LEVEL / peak)).astype(np.float32)


def voice_for(call: Call, role: Role) -> Voice:
    """Return the voice of the agent or of the customer of ``call``."""
    if role == "agent":
        return AGENTS[call.agent_id].voice
    return CUSTOMERS[call.customer_id].voice


def render_call(call: Call, workdir: Path) -> Audio:
    """Place every turn on one timeline; return (samples, 2) float32 audio."""
    agent_channel = 0 if call.channel_layout == "agent_left" else 1
    placed: list[tuple[int, int, Audio]] = []
    cursor = 0
    for role, text, pause in call.turns:
        audio = synthesise(text, voice_for(call, role), workdir)
        start = max(cursor + round(pause * SAMPLE_RATE), 0)
        channel = agent_channel if role == "agent" else 1 - agent_channel
        placed.append((channel, start, audio))
        cursor = max(cursor, start + audio.size)
    stereo = np.zeros((cursor + round(TAIL_SILENCE_S * SAMPLE_RATE), 2), dtype=np.float32)
    for channel, start, audio in placed:
        stereo[start : start + audio.size, channel] += audio
    if call.line_drops:
        stereo = stereo[: cursor - round(DROP_CUT_S * SAMPLE_RATE)]
    return np.clip(stereo, -1.0, 1.0)


def metadata(call: Call) -> dict[str, str]:
    """Return the JSON sidecar content for ``call``."""
    agent = AGENTS[call.agent_id]
    customer = CUSTOMERS[call.customer_id]
    return {
        "call_id": call.call_id,
        "agent_id": agent.agent_id,
        "agent_name": agent.name,
        "team_id": agent.team_id,
        "customer_id": customer.customer_id,
        "customer_name": customer.name,
        "call_type": call.call_type,
        "started_at": call.started_at,
        "direction": "inbound",
        "language": "en",
        "channel_layout": call.channel_layout,
    }


def write_call(call: Call, out_dir: Path, workdir: Path) -> Path:
    """Render ``call`` and write its WAV file and JSON sidecar."""
    wav_path = out_dir / f"{call.call_id}.wav"
    sf.write(wav_path, render_call(call, workdir), SAMPLE_RATE, format="WAV", subtype="ULAW")
    json_path = out_dir / f"{call.call_id}.json"
    json_path.write_text(json.dumps(metadata(call), indent=2) + "\n", encoding="utf-8")
    return wav_path


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Parse the command line."""
    parser = argparse.ArgumentParser(
        description="Generate the synthetic sample calls (needs espeak-ng and sox)."
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=DEFAULT_OUT_DIR,
        help=f"output folder (default: {DEFAULT_OUT_DIR})",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    """Write every sample call and its metadata sidecar."""
    args = parse_args(argv)
    require_tools("espeak-ng", "sox")
    out_dir: Path = args.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for call in CALLS:
            wav_path = write_call(call, out_dir, Path(tmp))
            info = sf.info(str(wav_path))
            size = wav_path.stat().st_size
            print(f"{wav_path}: {info.duration:.1f} s, {size} bytes")


if __name__ == "__main__":
    main()

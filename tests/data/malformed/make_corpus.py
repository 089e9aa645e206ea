"""Writes the malformed-input corpus of tests/data/malformed/ (see its README.md and cases.yaml).

Run from the repository root: `.venv/bin/python tests/data/malformed/make_corpus.py`. The
output is deterministic (the same bytes every run) and checked in, so the tests never need to
run this; run it again after changing a case here, and commit what it writes.

Every recording is a few KB: a short tone (each file its own frequency, so that no two share
a content hash unless a case wants them to) or a hand-made RIFF header around one.
"""

from __future__ import annotations

import json
import shutil
import struct
import sys
from pathlib import Path
from typing import Any

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[2]))  # the repository root: tests.factories

from callqa.domain.records import Role  # noqa: E402
from tests.factories import build_transcript, metadata, utterance  # noqa: E402

RATE = 8000
FOLDERS = ("audio", "sidecars", "manifests", "transcripts", "imports", "scorecards")


# --- recordings ---------------------------------------------------------------------------

def tone(frequency: float, seconds: float = 0.25, rate: int = RATE, channels: int = 2
         ) -> np.ndarray:
    """int16 samples (frames, channels): each channel a tone of its own (stereo calls with
    distinct channels, so that no channel is collapsed as a copy of another)."""
    t = np.arange(int(rate * seconds)) / rate
    columns = [0.3 * np.sin(2 * np.pi * frequency * (1 + 0.25 * c) * t) for c in range(channels)]
    return (np.stack(columns, axis=1) * 32767).astype("<i2")


def wav(samples: np.ndarray | None = None, *, rate: int = RATE, channels: int | None = None,
        extra: bytes = b"", data_size: int | None = None, riff_size: int | None = None,
        data: bytes | None = None) -> bytes:
    """A 16-bit PCM WAV file, byte by byte, so that any field can lie."""
    if samples is not None:
        channels = samples.shape[1] if channels is None else channels
        data = samples.tobytes() if data is None else data
    channels = 1 if channels is None else channels
    data = b"" if data is None else data
    block = max(channels, 1) * 2
    fmt = struct.pack("<HHIIHH", 1, channels, rate, rate * block, block, 16)
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + extra + b"data"
            + struct.pack("<I", len(data) if data_size is None else data_size) + data)
    return b"RIFF" + struct.pack("<I", len(body) if riff_size is None else riff_size) + body


def chunk(name: bytes, payload: bytes, declared: int | None = None) -> bytes:
    size = len(payload) if declared is None else declared
    return name + struct.pack("<I", size) + payload + (b"\0" if len(payload) % 2 else b"")


def recordings() -> dict[str, bytes]:
    whole = wav(tone(300, seconds=1.0, channels=1))
    return {
        # Refused by decoding (ingest stores them: it only hashes; process fails each one).
        "audio/truncated.wav": whole[: len(whole) // 4],
        "audio/header_only.wav": whole[:44],
        "audio/zero_length.wav": wav(np.zeros((0, 2), dtype="<i2")),
        "audio/zero_channels.wav": wav(channels=0, data=tone(310, channels=1).tobytes()),
        "audio/eight_channels.wav": wav(tone(320, seconds=0.1, channels=8)),
        "audio/huge_chunk.wav": wav(tone(330, channels=1),
                                    extra=chunk(b"LIST", b"INFOjunk", declared=0x7FFFFFF0)),
        "audio/rate_0hz.wav": wav(tone(340, channels=1), rate=0),
        "audio/rate_1hz.wav": wav(tone(350, seconds=0.1, channels=1)[:800], rate=1),
        "audio/rate_2ghz.wav": wav(tone(360, channels=1), rate=2_000_000_000),
        "audio/not_audio.wav": b"agent: thank you for calling\ncustomer: hi\n" * 8,
        # Accepted: odd but sound recordings end processed.
        "audio/streaming_header.wav": wav(tone(370), data_size=0xFFFFFFFF,
                                          riff_size=0xFFFFFFFF),
        "audio/rate_11025hz.wav": wav(tone(380, rate=11025), rate=11025),
        "audio/big_header.wav": wav(tone(390), extra=chunk(b"junk", bytes(8192))),
    }


# --- metadata sidecars (folder ingest) ----------------------------------------------------

GOOD_FIELDS: dict[str, Any] = {
    "agent_id": "a09", "agent_name": "Ada Byron", "team_id": "t9", "call_type": "billing",
    "started_at": "2026-11-03T10:00:00+00:00", "language": "en",
    "channel_layout": "agent_left",
}


def sidecar(call_id: str, **changes: Any) -> dict[str, Any]:
    fields = {"call_id": call_id, **GOOD_FIELDS, **changes}
    return {k: v for k, v in fields.items() if v is not None}


def pretty(data: Any) -> bytes:
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8") + b"\n"


def sidecars() -> dict[str, bytes]:
    files: dict[str, bytes] = {
        # Accepted.
        "sidecars/ok/bom.json": b"\xef\xbb\xbf" + pretty(sidecar("sc-bom")),
        "sidecars/ok/crlf.json": pretty(sidecar("sc-crlf")).replace(b"\n", b"\r\n"),
        "sidecars/ok/misspelt_field.json": pretty(
            sidecar("sc-misspelt", agent_id=None, agentid="a09")),
        # Refused: the recording is not stored, the rest of the folder is.
        "sidecars/refused/agent_id_number.json": pretty(sidecar("sc-agent-number",
                                                                agent_id=123)),
        "sidecars/refused/started_at_number.json": pretty(sidecar("sc-epoch", started_at=12345)),
        "sidecars/refused/started_at_words.json": pretty(sidecar("sc-yesterday",
                                                                 started_at="yesterday")),
        "sidecars/refused/call_type_spaces.json": pretty(sidecar("sc-spaces",
                                                                 call_type="billing dispute")),
        "sidecars/refused/latin1.json": json.dumps(
            sidecar("sc-latin1", agent_name="José Núñez"), ensure_ascii=False,
        ).encode("latin-1"),
        "sidecars/refused/array.json": pretty([sidecar("sc-array")]),
        "sidecars/refused/not_json.json": b"call_id = sc-not-json\nagent_id = a09\n",
        "sidecars/refused/empty_sidecar.json": b"",
        "sidecars/refused/deep_nesting.json": b"[" * 5000 + b"]" * 5000,
        # The same recording as dup_first.wav under another call_id.
        "sidecars/refused/dup_first.json": pretty(sidecar("sc-dup-first")),
        "sidecars/refused/dup_second.json": pretty(sidecar("sc-dup-second")),
    }
    for number, name in enumerate(sorted(files)):
        recording = name.removesuffix(".json") + ".wav"
        if name.endswith("dup_second.json"):
            continue
        files[recording] = wav(tone(500 + 10 * number))
    files["sidecars/refused/dup_second.wav"] = files["sidecars/refused/dup_first.wav"]
    files["sidecars/refused/empty.wav"] = b""  # a recording of 0 bytes, no sidecar
    return files


# --- transcripts (`callqa score`, manifest rows) --------------------------------------------

def transcript_json(call_id: str, turns: list[tuple[Role, float, float, str]],
                    **changes: Any) -> dict[str, Any]:
    call = build_transcript(
        [utterance(*turn, stereo=True) for turn in turns], call_id=call_id, stereo=True,
        metadata=metadata(call_id, agent_id="a09", agent_name="Ada Byron", team_id="t9",
                          customer_name="Robert Harris"))
    data: dict[str, Any] = json.loads(call.to_json())
    return {**data, **changes}


GOOD_TURNS = [
    (Role.AGENT, 0.5, 3.0, "Thank you for calling, my name is Ada. How can I help you?"),
    (Role.CUSTOMER, 3.2, 6.0, "I was charged twice on my bill."),
    (Role.AGENT, 6.2, 9.0, "I am sorry about that Robert, I have refunded the charge."),
    (Role.CUSTOMER, 9.2, 10.0, "Thanks, bye."),
    (Role.AGENT, 10.2, 12.0, "Is there anything else? Have a nice day."),
]


def with_utterance(data: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    utterances = [dict(u) for u in data["utterances"]]
    utterances[index] = {**utterances[index], **changes}
    return {**data, "utterances": utterances}


def transcripts() -> dict[str, bytes]:
    good = transcript_json("tr-good", GOOD_TURNS)
    overlap_turns = [*GOOD_TURNS]
    overlap_turns[1] = (Role.CUSTOMER, 2.5, 6.0, "Hi, I was charged twice on my bill.")
    long_turns = [
        (Role.AGENT if i % 2 == 0 else Role.CUSTOMER, 2.0 * i, 2.0 * i + 1.5,
         " ".join(["x" * 40] * 4) + " that is ten dollars") for i in range(60)]
    long_call = transcript_json("tr-long", long_turns)
    long_call["utterances"] = [{**u, "words": []} for u in long_call["utterances"]]
    return {
        "transcripts/good.json": pretty(good),
        "transcripts/overlap.json": pretty(transcript_json("tr-overlap", overlap_turns)),
        "transcripts/long_call.json": pretty(long_call),
        "transcripts/negative_time.json": pretty(
            with_utterance(transcript_json("tr-negative", GOOD_TURNS), 0, start=-1.5)),
        "transcripts/end_before_start.json": pretty(
            with_utterance(transcript_json("tr-backwards", GOOD_TURNS), 2, start=9.0, end=6.2)),
        "transcripts/not_json.json": b"agent: thank you for calling\ncustomer: hi\n",
        "transcripts/wrong_schema.json": pretty({**good, "schema": "othervendor.transcript/2"}),
        "transcripts/array.json": pretty([good]),
    }


# --- imports (`callqa.import/1`: `callqa score`, manifest rows) -------------------------------

def import_json(*utterances: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A minimal import of another system (docs/transcript-import.md), with `utterances`."""
    return {"schema": "callqa.import/1", "language": "en", "model": "acme-asr 4.2",
            "utterances": list(utterances), **changes}


def imports() -> dict[str, bytes]:
    greeting = {"speaker": "S1", "start": 0.4, "end": 3.9,
                "text": "Thank you for calling Northwind, this is Ada."}
    reply = {"speaker": "S2", "start": 4.2, "end": 6.5, "text": "Hi, my card was charged twice."}
    return {
        # Another vendor's schema version: refused as an import, naming the version we read.
        "imports/wrong_version.json": pretty(import_json(greeting, schema="callqa.import/2")),
        "imports/end_before_start.json": pretty(import_json(
            greeting, {**reply, "start": 6.5, "end": 4.1})),
        "imports/empty_text.json": pretty(import_json(greeting, reply, {**reply, "text": "  "})),
        "imports/unknown_role.json": pretty(import_json({**greeting, "role": "operator"})),
        "imports/mixed_timing.json": pretty(import_json(
            greeting, reply, {"speaker": "S1", "text": "I can see that charge."})),
        "imports/no_speaker.json": pretty(import_json(greeting, {"text": "Hello?"})),
        "imports/misspelt_key.json": pretty({"schema": "callqa.import/1", "language": "en",
                                             "utterences": [greeting]}),
    }


# --- manifests -----------------------------------------------------------------------------

def manifests() -> dict[str, bytes]:
    accepted = [
        {"call_id": "mf-overlap", "transcript": "../transcripts/overlap.json"},
        {"call_id": "mf-good", "transcript": "../transcripts/good.json"},
        {"call_id": "mf-audio", "agent_id": "a09", "audio": "calls/mf_audio.wav"},
    ]
    refused: list[bytes | dict[str, Any]] = [
        b'{"call_id": "mf-broken", "audio": "calls/mf_audio.wav"',
        b'["mf-array", "calls/mf_audio.wav"]',
        {"call_id": "mf-neither"},
        {"call_id": "mf-both", "audio": "calls/mf_audio.wav",
         "transcript": "../transcripts/good.json"},
        {"call_id": "mf-missing", "audio": "calls/no_such_file.wav"},
        {"call_id": "mf-epoch", "started_at": 12345, "audio": "calls/mf_epoch.wav"},
        json.dumps({"call_id": "mf-latin1", "agent_name": "José",
                    "audio": "calls/mf_latin1.wav"}, ensure_ascii=False).encode("latin-1"),
        {"call_id": "mf-not-json", "transcript": "../transcripts/not_json.json"},
        {"call_id": "mf-wrong-schema", "transcript": "../transcripts/wrong_schema.json"},
        {"call_id": "mf-negative", "transcript": "../transcripts/negative_time.json"},
        {"call_id": "mf-backwards", "transcript": "../transcripts/end_before_start.json"},
        # A new call_id for the recording of mf-audio (ingested by accepted.jsonl).
        {"call_id": "mf-dup", "audio": "calls/mf_audio.wav"},
        {"call_id": "mf-import-backwards", "transcript": "../imports/end_before_start.json"},
        {"call_id": "mf-import-role", "transcript": "../imports/unknown_role.json"},
        {"call_id": "mf-import-mixed", "transcript": "../imports/mixed_timing.json"},
    ]

    def line(row: bytes | dict[str, Any]) -> bytes:
        return row if isinstance(row, bytes) else json.dumps(row).encode("utf-8")

    return {
        # A UTF-8 BOM and CRLF line ends, as a spreadsheet exports them: accepted.
        "manifests/accepted.jsonl": b"\xef\xbb\xbf" + b"\r\n".join(map(line, accepted))
                                    + b"\r\n",
        "manifests/refused.jsonl": b"\n".join(map(line, refused)) + b"\n",
        "manifests/calls/mf_audio.wav": wav(tone(700)),
        "manifests/calls/mf_epoch.wav": wav(tone(710)),
        "manifests/calls/mf_latin1.wav": wav(tone(720)),
    }


# --- scorecards ----------------------------------------------------------------------------

def criterion(criterion_id: str, phrases: str) -> str:
    return (f"  - id: {criterion_id}\n    section: compliance\n    kind: phrase\n"
            f"    points: 1\n    role: any\n    phrases:\n      en: {phrases}\n")


def one_criterion_scorecard(scorecard_id: str, phrases: str, more: str = "") -> str:
    """A scorecard of one phrase criterion (English) in one section, and `more` criteria."""
    return (
        f"id: {scorecard_id}\nversion: '1'\ncall_types: [{scorecard_id}]\nlanguages: [en]\n"
        "sections:\n  - {id: compliance, weight: 10}\n"
        f"criteria:\n{criterion('amount_stated', phrases)}{more}")


def scorecards() -> dict[str, bytes]:
    laughs = ["lol: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    laughs += [f"l{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    bomb = ("# Billion laughs: nine levels of nine aliases, 9**10 strings once expanded.\n"
            + "\n".join(laughs) + "\nid: bomb\nversion: '1'\ncall_types: [bomb]\n"
            "languages: [en]\nsections: *a9\n")
    return {
        "scorecards/yaml_bomb.yaml": bomb.encode(),
        "scorecards/anchors.yaml": one_criterion_scorecard(
            "anchors", "&amounts [dollars, euros]",
            criterion("amount_repeated", "*amounts")).encode(),
        # Exponential backtracking in a backtracking engine (Python's `re`) on a run of x's.
        "scorecards/catastrophic_regex.yaml": one_criterion_scorecard(
            "redos", "[{regex: '(x+x+)+y'}, dollars]").encode(),
        "scorecards/backreference_regex.yaml": one_criterion_scorecard(
            "backref", "[{regex: '\\b(\\w+) \\1\\b'}]").encode(),
        "scorecards/deep_nesting.yaml": ("id: deep\nversion: '1'\nsections: "
                                         + "[" * 5000 + "]" * 5000 + "\n").encode(),
        "scorecards/latin1.yaml": one_criterion_scorecard(
            "latin1", "[dólares, euros]").encode("latin-1"),
        "scorecards/syntax_error.yaml": one_criterion_scorecard(
            "syntax", "[dollars, euros").encode(),
    }


def main() -> None:
    for folder in FOLDERS:
        shutil.rmtree(HERE / folder, ignore_errors=True)
    files = {**recordings(), **sidecars(), **transcripts(), **imports(), **manifests(),
             **scorecards()}
    for name, content in sorted(files.items()):
        path = HERE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    print(f"wrote {len(files)} files under {HERE}")


if __name__ == "__main__":
    main()

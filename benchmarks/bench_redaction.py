"""Redaction recall and precision on the labelled corpus, on text and through speech.

    .venv/bin/python -m benchmarks.bench_redaction [--asr-limit 150] [--no-asr]

Text: every record of tests/data/redaction/{en,fa,zh}.jsonl through `find_spans`, and through
a naive regex-only redactor (written digits only) as the baseline; recall per kind (caught:
no character of the secret survives; matched: and tagged with its kind), precision (share of
redacted spans that hold a secret), look-alikes kept, and throughput.

ASR (English): the customer's lines of up to --asr-limit records are spoken by espeak-ng
(digit groups read digit by digit, as people read a card), transcribed by callqa's bundled
Whisper tiny.en on one CPU thread, and redacted; a secret is caught when no digit run of it
(4 digits of a card or a long number, all of a 3-4 digit code) is left in the redacted text.
Writes benchmarks/results/bench_redaction-<date>.txt.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import subprocess
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np

from callqa.domain.records import Role, Transcript, Utterance
from callqa.pipeline.redact import find_spans
from callqa.pipeline.redact.checks import luhn_valid
from callqa.pipeline.redact.numbers import digit_runs, tokenize
from tests.factories import build_transcript, utterance
from tests.pipeline.test_redact_corpus import (
    KEEP,
    LANGUAGES,
    Example,
    Spans,
    Tally,
    callqa_redactor,
    load_corpus,
    score,
)

RESULTS = Path(__file__).resolve().parent / "results"
GOALS = {"PCI:CARD": (0.99, 0.95), "PCI:CVV": (0.99, 0.95)}

_CARD = re.compile(r"(?<!\d)(?:\d[ -]?){12,18}\d(?!\d)")
_CVV = re.compile(r"(?i)\b(?:cvv|cvc|security code)\D{0,15}?(\d{3,4})(?!\d)")
_PHONE = re.compile(r"(?<!\d)\+?\d[\d -]{8,14}\d(?!\d)")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_SSN = re.compile(r"(?<!\d)\d{3}-\d{2}-\d{4}(?!\d)")


def naive_redactor(example: Example) -> Spans:
    """The baseline: regexes over written digits (what a quick PCI filter does)."""
    found: Spans = {}
    for index, (_, text) in enumerate(example.utterances):
        spans = []
        for m in _CARD.finditer(text):
            if luhn_valid(re.sub(r"\D", "", m.group())):
                spans.append(("PCI:CARD", m.start(), m.end()))
        spans += [("PCI:CVV", m.start(1), m.end(1)) for m in _CVV.finditer(text)]
        spans += [("PII:PHONE", m.start(), m.end()) for m in _PHONE.finditer(text)
                  if not any(s <= m.start() < e for _, s, e in spans)]
        spans += [("PII:EMAIL", m.start(), m.end()) for m in _EMAIL.finditer(text)]
        spans += [("PII:NATIONAL_ID", m.start(), m.end()) for m in _SSN.finditer(text)]
        if spans:
            found[index] = spans
    return found


def report(title: str, tally: Tally, lines: list[str]) -> None:
    lines.append(f"  {title}: precision {tally.precision():.3f} (redacted spans holding a "
                 f"secret), look-alikes kept {tally.keep_survived}/{tally.keep}")
    for kind in sorted(tally.labels):
        n = tally.labels[kind]
        lines.append(f"    {kind:16s} n={n:4d}  recall {tally.recall(kind):.3f}  matched "
                     f"{tally.matched[kind] / n:.3f}  precision {tally.precision(kind):.3f}")


def text_benchmark(lines: list[str]) -> None:
    redactors: dict[str, Callable[[Example], Spans]] = {
        "callqa": callqa_redactor(), "naive regex": naive_redactor}
    for language in LANGUAGES:
        examples = load_corpus(language)
        lines.append(f"\n== {language}: {len(examples)} records "
                     f"({sum(e.split == 'heldout' for e in examples)} held out) ==")
        for name, redactor in redactors.items():
            for split in ("dev", "heldout"):
                part = [e for e in examples if e.split == split]
                report(f"{name}, {split}", score(part, redactor), lines)
            utterances = sum(len(e.utterances) for e in examples)
            started = time.perf_counter()
            for _ in range(3):
                for example in examples:
                    redactor(example)
            seconds = (time.perf_counter() - started) / 3
            lines.append(f"  {name}: {utterances / seconds:,.0f} utterances/s "
                         f"({utterances} utterances, one core)")


# -- through speech ----------------------------------------------------------------------------

def speakable(text: str) -> str:
    """Digit groups read digit by digit (espeak reads '4532' as a thousands number)."""
    return re.sub(r"\d{2,}", lambda m: " ".join(m.group()), text.replace("/", " "))


def synthesise(text: str, folder: Path, name: str) -> np.ndarray:
    import soundfile as sf
    import soxr

    path = folder / f"{name}.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-s", "155", "-w", str(path), speakable(text)],
                   check=True, capture_output=True)
    samples, rate = sf.read(str(path), dtype="float32")
    silence = np.zeros(int(0.5 * rate), dtype=np.float32)
    samples = np.concatenate([silence, samples, silence])
    return np.asarray(soxr.resample(samples, rate, 16000), dtype=np.float32)


def digit_strings(text: str) -> list[str]:
    tokens = tokenize(text)
    return [r.digits for r in digit_runs(tokens, range(len(tokens)), frozenset(), "en")]


def exposed(secret: str, texts: list[str], kind: str) -> bool:
    """Whether a digit run of `secret` is in `texts`: 4 digits of a long number, or the
    whole of a short one."""
    runs = [run for text in texts for run in digit_strings(text)]
    if len(secret) <= 4 or kind == "PCI:CVV":
        return any(secret in run for run in runs)
    return any(secret[i:i + 4] in run for i in range(len(secret) - 3) for run in runs)


def asr_benchmark(limit: int, lines: list[str]) -> None:
    from callqa.configs.settings import TranscriptionSettings
    from callqa.pipeline.transcribe import get_transcriber

    if shutil.which("espeak-ng") is None:
        lines.append("\nASR: skipped (espeak-ng not installed: apt-get install espeak-ng)")
        return
    examples = [e for e in load_corpus("en") if any(
        digit_strings(e.utterances[lab.utterance][1][lab.start:lab.end]) for lab in e.labels)]
    examples = sorted(examples, key=lambda e: (e.source != "hand", e.id))[:limit]
    transcriber = get_transcriber(TranscriptionSettings(device="cpu", cpu_threads=1))
    outcomes: list[tuple[str, str, bool, bool]] = []
    """(kind, split, caught, exposed by ASR) of each secret"""
    keep_total = keep_kept = 0
    predicted: Counter[str] = Counter()
    true_pred: Counter[str] = Counter()
    misses: list[str] = []
    asr_seconds = audio_seconds = 0.0
    with tempfile.TemporaryDirectory(prefix="callqa-redaction-asr-") as tmp:
        folder = Path(tmp)
        for example in examples:
            heard: list[Utterance] = []
            asr_text: dict[int, str] = {}
            for index, (role, text) in enumerate(example.utterances):
                start = 3.0 * index
                if role == "agent":
                    heard.append(utterance(Role.AGENT, start, start + 2.5, text))
                    continue
                samples = synthesise(text, folder, f"{example.id}-{index}")
                audio_seconds += len(samples) / 16000
                began = time.perf_counter()
                result = transcriber.transcribe(samples, "en")
                asr_seconds += time.perf_counter() - began
                said = " ".join(seg.text for seg in result.segments).strip()
                asr_text[index] = said
                heard.append(utterance(Role.CUSTOMER, start, start + 2.5, said or "..."))
            transcript: Transcript = build_transcript(heard, language="en")
            spans = find_spans(transcript)
            redacted_texts = []
            for index, u in enumerate(transcript.utterances):
                text = u.text
                for found in sorted(spans.get(index, []), key=lambda f: -f.start):
                    text = text[:found.start] + found.kind.tag + text[found.end:]
                if index in asr_text:
                    redacted_texts.append(text)
            raw_texts = list(asr_text.values())
            kinds_here = {lab.kind for lab in example.labels}
            for found_list in spans.values():
                for found in found_list:
                    predicted[found.kind.value] += 1
                    true_pred[found.kind.value] += found.kind.value in kinds_here
            for label in example.labels:
                if label.utterance not in asr_text:
                    continue
                text = example.utterances[label.utterance][1]
                secret = "".join(digit_strings(text[label.start:label.end]))
                if len(secret) < 2:
                    continue
                if label.kind == KEEP:
                    if exposed(secret, raw_texts, label.kind):
                        keep_total += 1
                        keep_kept += exposed(secret, redacted_texts, label.kind)
                    continue
                was_exposed = exposed(secret, raw_texts, label.kind)
                safe = not exposed(secret, redacted_texts, label.kind)
                outcomes.append((label.kind, example.split, safe, was_exposed))
                if not safe:
                    misses.append(f"{example.id} {label.kind} {secret}: heard "
                                  f"{' | '.join(raw_texts)!r} -> {' | '.join(redacted_texts)!r}")
    lines.append(f"\n== en through espeak-ng + Whisper tiny.en (CPU, 1 thread): "
                 f"{len(examples)} records, {audio_seconds:.0f} s of speech, ASR "
                 f"{audio_seconds / max(asr_seconds, 1e-9):.1f}x real time ==")
    lines.append("  caught: no digit run of the secret left in the redacted ASR text; "
                 "exposed: the raw ASR text held it (the rest ASR lost by itself)")
    for title, splits in (("all", ("dev", "heldout")), ("held out only", ("heldout",))):
        lines.append(f"  {title}:")
        for kind in sorted({o[0] for o in outcomes}):
            mine = [o for o in outcomes if o[0] == kind and o[1] in splits]
            if not mine:
                continue
            n, picked_up = len(mine), [o for o in mine if o[3]]
            lines.append(
                f"    {kind:16s} n={n:4d}  caught {sum(o[2] for o in mine) / n:.3f}  exposed "
                f"by ASR {len(picked_up):3d}, of them caught "
                f"{sum(o[2] for o in picked_up) / max(len(picked_up), 1):.3f}  precision "
                f"{true_pred[kind] / max(predicted[kind], 1):.3f}")
    all_pred = sum(predicted.values())
    lines.append(f"  precision (redacted spans in a record holding that kind): "
                 f"{sum(true_pred.values()) / max(all_pred, 1):.3f} of {all_pred}; look-alikes "
                 f"heard and kept {keep_kept}/{keep_total}")
    for kind, (_, goal) in GOALS.items():
        mine = [o for o in outcomes if o[0] == kind]
        if mine:
            rate = sum(o[2] for o in mine) / len(mine)
            lines.append(f"  goal {kind} through ASR >= {goal:.0%}: {rate:.1%} "
                         f"{'met' if rate >= goal else 'NOT met'}")
    lines.extend(f"  miss: {m}" for m in misses[:30])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--asr-limit", type=int, default=150)
    parser.add_argument("--no-asr", action="store_true")
    args = parser.parse_args()
    lines = [f"bench_redaction {dt.date.today().isoformat()}"]
    text_benchmark(lines)
    for language in LANGUAGES:
        tally = score(load_corpus(language, "heldout"), callqa_redactor())
        for kind, (goal, _) in GOALS.items():
            lines.append(f"goal {language} {kind} text recall (held out) >= {goal:.0%}: "
                         f"{tally.recall(kind):.1%}; precision {tally.precision():.1%} "
                         f"(goal >= 90%)")
    print("\n".join(lines), flush=True)
    if not args.no_asr:
        asr_lines: list[str] = []
        asr_benchmark(args.asr_limit, asr_lines)
        print("\n".join(asr_lines))
        lines += asr_lines
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"bench_redaction-{dt.date.today().isoformat()}.txt"
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {out}")


if __name__ == "__main__":
    main()

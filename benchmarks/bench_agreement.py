"""Agreement of callqa's verdicts with a QA analyst's labels, per criterion and language.

Usage: .venv/bin/python -m benchmarks.bench_agreement [--split tuning|heldout]
       [--show-disagreements] [--json FILE] [--baseline FILE]

Data: tests/data/labelled (its README): 135 written calls in English, Persian and Mandarin
(30 tuning + 15 held-out each), each labelled pass/fail/na on the nine judged criteria of
`default.yaml`. Every call is scored with the bundled scorecard for its call type.

Printed side by side, per split: the agreement of callqa now; of callqa as it was before the
phrase and criteria review of issue 12 (commit 1b89b95, recorded in
benchmarks/results/agreement-baseline.json by running this file with `--json` against that
commit's package); and, for resolution, a naive keyword scorer (resolved when any of "done",
"fixed", "resolved", "working"... occurs anywhere in the call). Objective = the seven phrase
criteria (greeting, greeting_by_name, agent_introduction, recording_disclosure, anything_else,
closing, prohibited_language), pooled. Also the scoring rate on these (short) calls.

Bars (tests/scoring/test_agreement.py, on the held-out split): objective >= 95 % pooled and
>= 90 % per language, empathy and resolution >= 85 %.

To record the figures of another callqa (e.g. HEAD before a change):
    mkdir /tmp/callqa-old && git archive <commit> callqa | tar -x -C /tmp/callqa-old
    .venv/bin/python -m benchmarks.bench_agreement --callqa /tmp/callqa-old --json out.json
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tests.scoring.labelled import LabelledCall, Tally

BASELINE = Path(__file__).resolve().parent / "results" / "agreement-baseline.json"
LANGUAGES = ("en", "fa", "zh")
COLUMNS = (*LANGUAGES, "all")
ROWS = (
    "greeting", "greeting_by_name", "agent_introduction", "recording_disclosure",
    "anything_else", "closing", "prohibited_language", "objective", "empathy",
    "resolution_confirmed",
)

Figures = dict[str, list[int]]
"""'language|criterion' -> [agree, total]."""


def figures(tallies: dict[tuple[str, str], Tally]) -> Figures:
    return {f"{lang}|{crit}": [t.agree, t.total] for (lang, crit), t in sorted(tallies.items())}


def _cell(found: Figures | None, key: str) -> str:
    if found is None or key not in found:
        return "    -"
    agree, total = found[key]
    return f"{100 * agree / total:4.0f}%" if total else "    -"


def table(title: str, calls: Sequence[LabelledCall], now: Figures, head: Figures | None,
          naive: Figures) -> None:
    counts = ", ".join(f"{lang} {sum(c.language == lang for c in calls)}" for lang in LANGUAGES)
    print(f"\n{title}: {len(calls)} calls ({counts}); each cell: before (HEAD 1b89b95) -> now")
    print(f"  {'criterion':<24}" + "".join(f"{col:>15}" for col in COLUMNS))
    for row in ROWS:
        cells = "".join(
            f"{_cell(head, f'{col}|{row}'):>7} ->{_cell(now, f'{col}|{row}'):>5}"
            for col in COLUMNS
        )
        print(f"  {row:<24}{cells}")
    cells = "".join(f"{'':>7}   {_cell(naive, f'{col}|resolution_confirmed'):>5}"
                    for col in COLUMNS)
    print(f"  {'  naive keyword scorer':<24}{cells}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--split", choices=("tuning", "heldout"),
                        help="one split only (default: both)")
    parser.add_argument("--show-disagreements", action="store_true",
                        help="list each disagreement (tune on the tuning split only)")
    parser.add_argument("--json", type=Path, help="write this callqa's figures to FILE")
    parser.add_argument("--baseline", type=Path, default=BASELINE,
                        help="figures to show as 'before' (default: %(default)s)")
    parser.add_argument("--callqa", type=Path,
                        help="score with the callqa package in this folder (an older version)")
    args = parser.parse_args()
    if args.callqa:
        _use_callqa_from(args.callqa)
    import callqa
    from tests.scoring.labelled import (
        SPLITS,
        agreement,
        callqa_outcomes,
        calls_of,
        naive_resolution,
    )

    head = json.loads(args.baseline.read_text()) if args.baseline.exists() else {}
    print(f"callqa from {Path(callqa.__file__).parent}")
    recorded: dict[str, Figures] = {}
    for split in (args.split,) if args.split else SPLITS:
        calls = calls_of(split)
        tallies, disagreements = agreement(calls)  # compiles each scorecard once, too
        started = time.perf_counter()
        for call in calls:
            callqa_outcomes(call)
        elapsed = time.perf_counter() - started
        naive, _ = agreement(calls, naive_resolution, ("resolution_confirmed",))
        recorded[split] = figures(tallies)
        table(f"{split} split", calls, recorded[split], head.get(split), figures(naive))
        print(f"  scoring alone: {1000 * elapsed / len(calls):.2f} ms per call (short written"
              " calls; benchmarks/bench_scoring measures 5-minute ones)")
        if args.show_disagreements:
            for found in disagreements:
                print(f"    {found.call.id:<8} {found.criterion:<22} label {found.label:<4}"
                      f" callqa {found.outcome:<4} ({found.call.note})")
    if args.json:
        args.json.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
        print(f"\nwrote {args.json}")


def _use_callqa_from(folder: Path) -> None:
    """Import `callqa` from `folder` rather than the editable install (whose import hook
    comes before sys.path)."""
    if not (folder / "callqa" / "__init__.py").exists():
        sys.exit(f"{folder} holds no callqa package (expected {folder}/callqa/__init__.py)")
    sys.meta_path[:] = [f for f in sys.meta_path if "__editable__" not in str(f)]
    sys.path.insert(0, str(folder.resolve()))


if __name__ == "__main__":
    main()

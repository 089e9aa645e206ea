"""Small scorecards for the scoring tests (real components, no mocks); their transcripts come
from tests/factories.py."""

from __future__ import annotations

import re
from textwrap import dedent, indent

from callqa.domain.records import Transcript
from callqa.scoring import Scorecard, parse_scorecard, score_call


def scorecard_yaml(criteria: str, *, languages: str = "[en]", sections: str | None = None) -> str:
    """A complete scorecard around `criteria` (YAML list items, unindented)."""
    sections = sections or dedent("""\
        - {id: greeting, weight: 10}
        - {id: resolution, weight: 25}
        - {id: empathy, weight: 20}
        - {id: compliance, weight: 15}
        - {id: closing, weight: 10}
        - {id: active_listening, weight: 20}
        """)
    return (
        "id: test\nversion: '1'\ncall_types: [test]\n"
        f"languages: {languages}\nsections:\n{indent(dedent(sections), '  ')}"
        f"criteria:\n{indent(dedent(criteria), '  ')}"
    )


def one_criterion(criteria: str, *, languages: str = "[en]") -> Scorecard:
    """A scorecard with only the sections its criteria use."""
    used = set(re.findall(r"\bsection: *([a-z_]+)", criteria))
    sections = "".join(f"- {{id: {section}, weight: 10}}\n" for section in sorted(used))
    return parse_scorecard(scorecard_yaml(criteria, languages=languages, sections=sections))


def outcome(scorecard: Scorecard, transcript: Transcript, criterion_id: str) -> str:
    return score_call(transcript, scorecard).criterion(criterion_id).outcome



"""callqa's verdicts agree with a QA analyst's labels (tests/data/labelled, its README).

Bars on the held-out split (benchmarks/bench_agreement.py prints the figures): objective
criteria >= 95 % pooled and >= 90 % per language; empathy and resolution >= 85 %; and
resolution beats the naive keyword scorer."""

from __future__ import annotations

import pytest

from tests.scoring.labelled import (
    LABELLED,
    LANGUAGES,
    agreement,
    calls_of,
    load_corpus,
    naive_resolution,
)


@pytest.fixture(scope="module")
def heldout() -> dict[tuple[str, str], float]:
    tallies, _ = agreement(calls_of("heldout"))
    rates = {key: tally.rate for key, tally in tallies.items()}
    return {key: rate for key, rate in rates.items() if rate is not None}


def test_the_corpus_is_whole() -> None:
    calls = load_corpus()
    for split, size in (("tuning", 30), ("heldout", 15)):
        for language in LANGUAGES:
            found = [c for c in calls if c.split == split and c.language == language]
            assert len(found) == size, (split, language)
    assert all(set(c.labels) == set(LABELLED) for c in calls)


def test_objective_criteria_agree(heldout: dict[tuple[str, str], float]) -> None:
    assert heldout[("all", "objective")] >= 0.95
    for language in LANGUAGES:
        assert heldout[(language, "objective")] >= 0.90, language


@pytest.mark.parametrize("criterion", ["empathy", "resolution_confirmed"])
def test_subjective_criteria_agree(heldout: dict[tuple[str, str], float],
                                   criterion: str) -> None:
    assert heldout[("all", criterion)] >= 0.85


def test_resolution_beats_the_naive_keyword_scorer(heldout: dict[tuple[str, str], float]
                                                   ) -> None:
    naive, _ = agreement(calls_of("heldout"), naive_resolution, ("resolution_confirmed",))
    rate = naive[("all", "resolution_confirmed")].rate
    assert rate is not None and heldout[("all", "resolution_confirmed")] > rate

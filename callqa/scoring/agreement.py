"""Agreement between people, and between people and the automatic scorer (pure functions).

- `calibration_agreement`: a calibration session's verdicts, per criterion: percent
  agreement over pairs, Cohen's kappa (two participants) or Fleiss' kappa (more), each
  reviewer's deviation from the lead, and the automatic scorer's agreement on the same calls.
- `criterion_trust`: per criterion, how often the automatic verdict equals the human one
  over a period, with a Wilson interval; below the threshold once enough reviews exist, the
  criterion is not trusted (its automatic failures stop driving flags).
- `self_agreement`: how often agents' self-assessments match their reviewers.

Kappas and intervals come from statsmodels (imported on first use: it takes seconds)."""

from __future__ import annotations

import warnings
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from itertools import combinations
from typing import Literal

from callqa.domain.reviews import CriterionAgreement, CriterionTrust, SelfAgreement

CATEGORIES = ("pass", "fail", "na")

Rating = tuple[str, str, str, str]
"""(call_id, criterion_id, rater, outcome)."""


def percent_agreement(items: Sequence[Sequence[str]]) -> float | None:
    """Agreeing pairs over all pairs of verdicts given on the same item (None: no pair)."""
    agreeing = pairs = 0
    for verdicts in items:
        for a, b in combinations(verdicts, 2):
            pairs += 1
            agreeing += a == b
    return agreeing / pairs if pairs else None


def cohen_kappa(first: Sequence[str], second: Sequence[str]) -> float | None:
    """Cohen's kappa of two raters' verdicts on the same items (None: undefined, when the
    expected agreement is 1, e.g. every verdict is the same)."""
    import numpy as np
    from statsmodels.stats.inter_rater import cohens_kappa

    if not first:
        return None
    index = {c: i for i, c in enumerate(CATEGORIES)}
    table = np.zeros((len(CATEGORIES), len(CATEGORIES)))
    for a, b in zip(first, second, strict=True):
        table[index[a], index[b]] += 1
    expected = float((table.sum(axis=1) @ table.sum(axis=0)) / table.sum() ** 2)
    if expected >= 1.0:
        return None
    with warnings.catch_warnings():  # its z statistic divides by zero on a tiny table
        warnings.simplefilter("ignore", RuntimeWarning)
        return float(cohens_kappa(table).kappa)


def fleiss_kappa(items: Sequence[Sequence[str]]) -> float | None:
    """Fleiss' kappa of items each rated by the same number of raters (None: undefined)."""
    import numpy as np
    from statsmodels.stats.inter_rater import fleiss_kappa as fleiss

    if not items:
        return None
    index = {c: i for i, c in enumerate(CATEGORIES)}
    counts = np.zeros((len(items), len(CATEGORIES)))
    for row, verdicts in enumerate(items):
        for verdict in verdicts:
            counts[row, index[verdict]] += 1
    shares = counts.sum(axis=0) / counts.sum()
    if float((shares ** 2).sum()) >= 1.0:
        return None
    return float(fleiss(counts, method="fleiss"))


def calibration_agreement(ratings: Iterable[Rating], lead: str,
                          automatic: Mapping[tuple[str, str], str]
                          ) -> list[CriterionAgreement]:
    """Per criterion, how a session's participants agreed (see the module's docstring).
    `automatic`: (call_id, criterion_id) -> the automatic verdict."""
    by_criterion: dict[str, dict[str, dict[str, str]]] = defaultdict(lambda: defaultdict(dict))
    for call_id, criterion_id, rater, outcome in ratings:
        by_criterion[criterion_id][call_id][rater] = outcome
    return [_criterion_agreement(criterion_id, calls, lead, automatic)
            for criterion_id, calls in sorted(by_criterion.items())]


def _criterion_agreement(criterion_id: str, calls: Mapping[str, Mapping[str, str]],
                         lead: str, automatic: Mapping[tuple[str, str], str]
                         ) -> CriterionAgreement:
    raters = sorted({r for verdicts in calls.values() for r in verdicts})
    shared = {c: v for c, v in calls.items() if len(v) >= 2}
    complete = [c for c, v in sorted(calls.items()) if len(v) == len(raters)]
    kappa: float | None = None
    method: Literal["cohen", "fleiss"] | None = None
    note = None
    if len(raters) == 2 and complete:
        method = "cohen"
        kappa = cohen_kappa([calls[c][raters[0]] for c in complete],
                            [calls[c][raters[1]] for c in complete])
    elif len(raters) > 2 and complete:
        method = "fleiss"
        kappa = fleiss_kappa([[calls[c][r] for r in raters] for c in complete])
    if method is not None and kappa is None:
        note = "kappa undefined: every participant gave the same verdict on every call"
    elif method is None:
        note = "kappa needs at least one call scored by every participant"
    deviation: dict[str, float | None] = {}
    for rater in raters:
        if rater == lead:
            continue
        both = [c for c, v in calls.items() if rater in v and lead in v]
        deviation[rater] = (sum(calls[c][rater] != calls[c][lead] for c in both) / len(both)
                            if both else None)
    human = [(c, v) for c, verdicts in calls.items() for v in verdicts.values()
             if (c, criterion_id) in automatic]
    auto_agree = (sum(v == automatic[(c, criterion_id)] for c, v in human) / len(human)
                  if human else None)
    lead_rated = [c for c, v in calls.items() if lead in v and (c, criterion_id) in automatic]
    vs_lead = (sum(calls[c][lead] == automatic[(c, criterion_id)] for c in lead_rated)
               / len(lead_rated) if lead_rated else None)
    return CriterionAgreement(
        criterion_id=criterion_id, calls=len(shared),
        ratings=sum(len(v) for v in calls.values()),
        percent_agreement=_rounded(percent_agreement([list(v.values())
                                                      for v in shared.values()])),
        kappa=_rounded(kappa), kappa_method=method,
        reviewer_deviation={k: _rounded(v) for k, v in deviation.items()},
        automatic_agreement=_rounded(auto_agree), automatic_vs_lead=_rounded(vs_lead),
        note=note)


def wilson_interval(agreed: int, n: int, confidence: float = 0.95
                    ) -> tuple[float | None, float | None]:
    """The Wilson score interval of agreed / n (None, None for n = 0)."""
    if n == 0:
        return None, None
    from statsmodels.stats.proportion import proportion_confint

    low, high = proportion_confint(agreed, n, alpha=1 - confidence, method="wilson")
    return float(low), float(high)


def criterion_trust(counts: Mapping[str, tuple[int, int]],
                    scorecards: Mapping[str, Sequence[str]], threshold: float,
                    min_reviews: int, confidence: float = 0.95) -> list[CriterionTrust]:
    """`counts`: criterion_id -> (human verdicts compared, of which equal to the automatic
    one). A criterion with at least `min_reviews` verdicts and an agreement below
    `threshold` is `not_trusted`."""
    rows = []
    status: Literal["trusted", "not_trusted", "too_few_reviews"]
    for criterion_id, (n, agreed) in sorted(counts.items()):
        share = agreed / n if n else None
        low, high = wilson_interval(agreed, n, confidence)
        shown = (f"the automatic verdict matched reviewers on {agreed} of {n} reviewed calls"
                 + (f" ({share:.0%}, {confidence:.0%} CI {low:.0%}-{high:.0%})"
                    if share is not None and low is not None and high is not None else ""))
        if n < min_reviews:
            status = "too_few_reviews"
            reason = f"{shown}; at least {min_reviews} are needed to judge it"
        elif share is not None and share < threshold:
            status = "not_trusted"
            reason = (f"{shown}, below the {threshold:.0%} threshold: its automatic failures "
                      "no longer drive flags until the criterion is fixed and agreement "
                      "recovers")
        else:
            status = "trusted"
            reason = f"{shown}, at or above the {threshold:.0%} threshold"
        rows.append(CriterionTrust(
            criterion_id=criterion_id, scorecards=tuple(sorted(scorecards.get(criterion_id, ()))),
            n=n, agreed=agreed, agreement=_rounded(share), ci_low=_rounded(low),
            ci_high=_rounded(high), status=status, reason=reason))
    return rows


def self_agreement(pairs: Iterable[tuple[str, str, str, str]]) -> list[SelfAgreement]:
    """`pairs`: (agent_id, criterion_id, self-assessed outcome, reviewer's outcome), one per
    call and criterion. Per agent and criterion: calls, agreed, share."""
    counts: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for agent_id, criterion_id, own, reviewer in pairs:
        slot = counts[(agent_id, criterion_id)]
        slot[0] += 1
        slot[1] += own == reviewer
    return [SelfAgreement(agent_id=agent, criterion_id=criterion, calls=n, agreed=agreed,
                          agreement=_rounded(agreed / n if n else None))
            for (agent, criterion), (n, agreed) in sorted(counts.items())]


def _rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)

"""How far people trust the automatic scorer (per criterion, for qa and admin), and how
agents' self-assessments agree with their reviewers (in scope)."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from callqa.api.deps import AnyUser, QaOrAdmin, SessionsDep, SettingsDep
from callqa.domain.reviews import AgreementReport, SelfAgreement
from callqa.services import agreement
from callqa.services.calls import Page

router = APIRouter(tags=["agreement"])


@router.get("/agreement", response_model=AgreementReport)
def agreement_report(person: QaOrAdmin, sessions: SessionsDep, settings: SettingsDep,
                     start: Annotated[date | None, Query(alias="from")] = None,
                     end: Annotated[date | None, Query(alias="to")] = None
                     ) -> AgreementReport:
    """Per criterion: automatic vs human verdicts over the period, n, a Wilson interval, and
    whether it is trusted (`review_loop.agreement_threshold`)."""
    return agreement.agreement_report(sessions, settings, start, end)


@router.get("/self-assessments/agreement", response_model=Page[SelfAgreement])
def self_agreement(person: AnyUser, sessions: SessionsDep) -> Page[SelfAgreement]:
    """Per agent in scope and criterion: how often the self-assessment matched the
    reviewer (one page: agents times criteria)."""
    return Page[SelfAgreement](items=agreement.self_agreement_in_scope(sessions, person.scope))

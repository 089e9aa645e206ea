"""The SQL of calibration sessions and the exemplary-call library."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from callqa.domain.reviews import LibraryEntry
from callqa.domain.scores import Evidence
from callqa.models.people import User
from callqa.models.result_tables import CriterionRow, ScoreRow
from callqa.models.reviews import (
    CalibrationCall,
    CalibrationReviewer,
    CalibrationRow,
    LibraryEntryRow,
    ReviewRow,
)
from callqa.models.store_reviews import usernames
from callqa.models.tables import Agent, Call


def add_calibration(session: Session, lead_pk: int, calls: Sequence[Call],
                    reviewer_pks: Sequence[int], note: str | None, now: datetime
                    ) -> CalibrationRow:
    row = CalibrationRow(lead_pk=lead_pk, status="open", note=note, created_at=now)
    session.add(row)
    session.flush()
    session.add_all(CalibrationCall(calibration_pk=row.id, call_pk=c.id) for c in calls)
    session.add_all(CalibrationReviewer(calibration_pk=row.id, user_pk=pk)
                    for pk in dict.fromkeys([lead_pk, *reviewer_pks]))
    session.flush()
    return row


def get_calibration(session: Session, calibration_id: int) -> CalibrationRow | None:
    return session.get(CalibrationRow, calibration_id)


def calibration_rows(session: Session, participant_pk: int | None, status: str | None,
                     limit: int, offset: int = 0) -> list[CalibrationRow]:
    """Calibration sessions, newest first; with `participant_pk`, only those that user
    leads or reviews (the lead is a participant too)."""
    stmt = select(CalibrationRow)
    if participant_pk is not None:
        stmt = stmt.where(CalibrationRow.id.in_(
            select(CalibrationReviewer.calibration_pk)
            .where(CalibrationReviewer.user_pk == participant_pk)))
    if status is not None:
        stmt = stmt.where(CalibrationRow.status == status)
    return list(session.scalars(stmt.order_by(CalibrationRow.id.desc()).limit(limit)
                                .offset(offset)))


def calibration_calls(session: Session, calibration: CalibrationRow) -> list[Call]:
    return list(session.scalars(
        select(Call).join(CalibrationCall, CalibrationCall.call_pk == Call.id)
        .where(CalibrationCall.calibration_pk == calibration.id).order_by(CalibrationCall.id)))


def participants(session: Session, calibration: CalibrationRow) -> list[tuple[int, str]]:
    """(user pk, username) of the lead and the reviewers, the lead first."""
    pks = list(session.scalars(select(CalibrationReviewer.user_pk)
                               .where(CalibrationReviewer.calibration_pk == calibration.id)
                               .order_by(CalibrationReviewer.id)))
    names = usernames(session, pks)
    return [(pk, names[pk]) for pk in pks]


def calibration_reviews(session: Session, calibration: CalibrationRow,
                        reviewer_pk: int | None = None) -> list[ReviewRow]:
    stmt = select(ReviewRow).where(ReviewRow.calibration_pk == calibration.id)
    if reviewer_pk is not None:
        stmt = stmt.where(ReviewRow.reviewer_pk == reviewer_pk)
    return list(session.scalars(stmt.order_by(ReviewRow.id)))


def open_sessions_with(session: Session, call: Call, user_pk: int) -> list[int]:
    """Open calibration sessions on `call` in which `user_pk` takes part."""
    return list(session.scalars(
        select(CalibrationRow.id)
        .join(CalibrationCall, CalibrationCall.calibration_pk == CalibrationRow.id)
        .join(CalibrationReviewer, CalibrationReviewer.calibration_pk == CalibrationRow.id)
        .where(CalibrationRow.status == "open", CalibrationCall.call_pk == call.id,
               CalibrationReviewer.user_pk == user_pk)))


def blind_call_pks(session: Session, call_pks: Sequence[int], username: str) -> set[int]:
    """Which of these calls `username` is calibrating blind (an open session they are in)."""
    if not call_pks:
        return set()
    return set(session.scalars(
        select(CalibrationCall.call_pk)
        .join(CalibrationRow, CalibrationRow.id == CalibrationCall.calibration_pk)
        .join(CalibrationReviewer, CalibrationReviewer.calibration_pk == CalibrationRow.id)
        .join(User, User.id == CalibrationReviewer.user_pk)
        .where(CalibrationRow.status == "open", CalibrationCall.call_pk.in_(list(call_pks)),
               User.username == username)))


def close_calibration(session: Session, calibration: CalibrationRow, now: datetime) -> None:
    calibration.status, calibration.closed_at = "closed", now
    session.flush()


# --- the library ---------------------------------------------------------------------------------

def add_library_entry(session: Session, call: Call, criterion_id: str | None,
                      call_type: str | None, note: str, marked_by_pk: int, now: datetime
                      ) -> LibraryEntryRow:
    row = LibraryEntryRow(call_pk=call.id, criterion_id=criterion_id, call_type=call_type,
                          note=note, marked_by_pk=marked_by_pk, created_at=now)
    session.add(row)
    session.flush()
    return row


def library(session: Session, criterion_ids: Sequence[str] | None = None,
            call_type: str | None = None, limit: int = 200, offset: int = 0
            ) -> list[LibraryEntry]:
    """Library entries, newest first, with each call's agent, score and the automatic
    evidence for the entry's criterion."""
    stmt = (select(LibraryEntryRow, Call, Agent.agent_id, Agent.name, ScoreRow.score,
                   ScoreRow.id)
            .join(Call, Call.id == LibraryEntryRow.call_pk)
            .outerjoin(Agent, Agent.id == Call.agent_pk)
            .outerjoin(ScoreRow, (ScoreRow.call_pk == Call.id) & ScoreRow.is_current))
    if criterion_ids is not None:
        stmt = stmt.where(LibraryEntryRow.criterion_id.in_(list(criterion_ids)))
    if call_type is not None:
        stmt = stmt.where((LibraryEntryRow.call_type == call_type)
                          | (Call.call_type == call_type))
    rows = session.execute(stmt.order_by(LibraryEntryRow.id.desc()).limit(limit)
                           .offset(offset)).all()
    names = usernames(session, (e.marked_by_pk for e, *_ in rows))
    entries = []
    for entry, call, agent_id, agent_name, score, score_pk in rows:
        evidence: tuple[Evidence, ...] = ()
        if entry.criterion_id is not None and score_pk is not None:
            found = session.scalar(select(CriterionRow.evidence).where(
                CriterionRow.score_pk == score_pk,
                CriterionRow.criterion_id == entry.criterion_id))
            evidence = tuple(Evidence.model_validate(e) for e in found or ())
        entries.append(LibraryEntry(
            id=entry.id, call_id=call.call_id, agent_id=agent_id, agent_name=agent_name,
            call_type=call.call_type, criterion_id=entry.criterion_id,
            for_call_type=entry.call_type, note=entry.note,
            marked_by=names[entry.marked_by_pk], created_at=entry.created_at, score=score,
            evidence=evidence))
    return entries

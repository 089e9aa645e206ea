"""The SQL of the human review loop: reviews (and the per-day agreement counts they keep),
the audit trail, acknowledgements and disputes (calibration and the library:
`store_calibration`).

Rows become `callqa.domain.reviews` records here; the caller owns the transaction. The audit
trail has `append_event` and readers, nothing else: no function here (or anywhere) updates
or deletes an event, and the database refuses it too (migration 0005's triggers)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, Date, and_, case, cast, delete, func, insert, select
from sqlalchemy.orm import Session, aliased

from callqa.domain.queries import Scope
from callqa.domain.reviews import (
    Acknowledgement,
    AuditEvent,
    Dispute,
    Review,
    ReviewedCriterion,
    ReviewInput,
)
from callqa.models._sql import dialect_of, insert_for
from callqa.models.base import table_of
from callqa.models.people import User
from callqa.models.result_tables import ScoreRow
from callqa.models.reviews import (
    AcknowledgementRow,
    AgreementCountRow,
    AuditEventRow,
    DisputeRow,
    ReviewCriterionRow,
    ReviewRow,
)
from callqa.models.scope import call_in_scope
from callqa.models.tables import Agent, Call


def user_pk(session: Session, username: str) -> int | None:
    return session.scalar(select(User.id).where(User.username == username))


def usernames(session: Session, pks: Iterable[int | None]) -> dict[int, str]:
    wanted = sorted({pk for pk in pks if pk is not None})
    if not wanted:
        return {}
    return dict(session.execute(select(User.id, User.username).where(User.id.in_(wanted)))
                .all())


def call_agent_id(session: Session, call: Call) -> str | None:
    if call.agent_pk is None:
        return None
    return session.scalar(select(Agent.agent_id).where(Agent.id == call.agent_pk))


# --- reviews ---------------------------------------------------------------------------------

def find_review(session: Session, call: Call, reviewer_pk: int, kind: str,
                calibration_pk: int | None = None) -> ReviewRow | None:
    stmt = select(ReviewRow).where(ReviewRow.call_pk == call.id,
                                   ReviewRow.reviewer_pk == reviewer_pk, ReviewRow.kind == kind)
    stmt = stmt.where(ReviewRow.calibration_pk == calibration_pk if calibration_pk is not None
                      else ReviewRow.calibration_pk.is_(None))
    return session.scalars(stmt).one_or_none()


def save_review(session: Session, call: Call, reviewer_pk: int, kind: str,
                calibration_pk: int | None, given: ReviewInput,
                automatic: Mapping[str, str], scorecard: tuple[str, str], now: datetime
                ) -> ReviewRow:
    """A new review, or the reviewer's existing one (same call, kind and session) with its
    criteria replaced by `given`'s. `automatic`: the verdicts the reviewer saw, of
    `scorecard` (id, version). A review of kind `review` moves the agreement counts."""
    row = find_review(session, call, reviewer_pk, kind, calibration_pk)
    deltas: dict[tuple[date, str, str, str], list[int]] = defaultdict(lambda: [0, 0])
    if row is None:
        row = ReviewRow(call_pk=call.id, reviewer_pk=reviewer_pk, kind=kind,
                        calibration_pk=calibration_pk, created_at=now)
        session.add(row)
    else:
        for old in session.scalars(select(ReviewCriterionRow)
                                   .where(ReviewCriterionRow.review_pk == row.id)):
            if old.automatic_outcome is not None:
                slot = deltas[(row.updated_at.date(), row.scorecard_id, row.scorecard_version,
                               old.criterion_id)]
                slot[0] -= 1
                slot[1] -= old.outcome == old.automatic_outcome
            session.delete(old)
    row.scorecard_id, row.scorecard_version = scorecard
    row.comment, row.time_spent_seconds, row.updated_at = (given.comment,
                                                           given.time_spent_seconds, now)
    session.flush()
    session.add_all(ReviewCriterionRow(
        review_pk=row.id, criterion_id=c.id, outcome=c.outcome,
        automatic_outcome=automatic.get(c.id), comment=c.comment, reason=c.reason)
        for c in given.criteria)
    for c in given.criteria:
        if c.id in automatic:
            slot = deltas[(now.date(), scorecard[0], scorecard[1], c.id)]
            slot[0] += 1
            slot[1] += c.outcome == automatic[c.id]
    if kind == "review":
        _count(session, {k: (n, agreed) for k, (n, agreed) in deltas.items()
                         if n or agreed}, now)
    session.flush()
    return row


def _count(session: Session, deltas: dict[tuple[date, str, str, str], tuple[int, int]],
           now: datetime) -> None:
    """Add `deltas` ((day, scorecard, version, criterion) -> (reviewed, agreed)) to the
    agreement counts, atomically (an upsert that adds, so concurrent reviews both count)."""
    if not deltas:
        return
    table = table_of(AgreementCountRow)
    stmt = insert_for(session, table)
    later = func.max if dialect_of(session).name == "sqlite" else func.greatest
    stmt = stmt.on_conflict_do_update(
        index_elements=["day", "scorecard_id", "scorecard_version", "criterion_id"],
        set_={"reviewed": table.c.reviewed + stmt.excluded.reviewed,
              "agreed": table.c.agreed + stmt.excluded.agreed,
              "last_at": later(func.coalesce(table.c.last_at, stmt.excluded.last_at),
                               func.coalesce(stmt.excluded.last_at, table.c.last_at))})
    session.execute(stmt, [
        {"day": day, "scorecard_id": scorecard_id, "scorecard_version": version,
         "criterion_id": criterion_id, "reviewed": n, "agreed": agreed,
         "last_at": now if n > 0 else None}
        for (day, scorecard_id, version, criterion_id), (n, agreed) in sorted(deltas.items())])


def reviews_of(session: Session, rows: Sequence[ReviewRow], call_ids: dict[int, str]
               ) -> list[Review]:
    """`rows` as records (`call_ids`: call pk -> call_id)."""
    if not rows:
        return []
    criteria: dict[int, list[ReviewCriterionRow]] = {}
    for c in session.scalars(select(ReviewCriterionRow)
                             .where(ReviewCriterionRow.review_pk.in_([r.id for r in rows]))
                             .order_by(ReviewCriterionRow.id)):
        criteria.setdefault(c.review_pk, []).append(c)
    names = usernames(session, (r.reviewer_pk for r in rows))
    return [Review(
        id=r.id, call_id=call_ids[r.call_pk], reviewer=names[r.reviewer_pk],
        kind=r.kind,
        calibration_id=r.calibration_pk, comment=r.comment,
        time_spent_seconds=r.time_spent_seconds, created_at=r.created_at,
        updated_at=r.updated_at,
        criteria=tuple(ReviewedCriterion.model_validate({
            "id": c.criterion_id, "outcome": c.outcome, "comment": c.comment,
            "reason": c.reason, "automatic": c.automatic_outcome,
            "overrides": c.automatic_outcome is not None and c.outcome != c.automatic_outcome})
            for c in criteria.get(r.id, []))) for r in rows]


def call_reviews(session: Session, call: Call, kinds: Sequence[str],
                 calibration_pk: int | None = None) -> list[Review]:
    """The call's reviews of `kinds`, oldest change first."""
    stmt = select(ReviewRow).where(ReviewRow.call_pk == call.id, ReviewRow.kind.in_(kinds))
    if calibration_pk is not None:
        stmt = stmt.where(ReviewRow.calibration_pk == calibration_pk)
    rows = list(session.scalars(stmt.order_by(ReviewRow.updated_at, ReviewRow.id)))
    return reviews_of(session, rows, {call.id: call.call_id})


def first_review_at(session: Session, call: Call) -> datetime | None:
    return session.scalar(select(func.min(ReviewRow.created_at))
                          .where(ReviewRow.call_pk == call.id, ReviewRow.kind == "review"))


def reviewed_call_pks(session: Session, scope: Scope, limit: int, offset: int) -> list[int]:
    """Calls in scope with a review, most recently reviewed first."""
    latest = func.max(ReviewRow.updated_at)
    stmt = (select(ReviewRow.call_pk, latest)
            .join(Call, Call.id == ReviewRow.call_pk)
            .where(ReviewRow.kind == "review", call_in_scope(scope))
            .group_by(ReviewRow.call_pk)
            .order_by(latest.desc(), ReviewRow.call_pk.desc())
            .limit(limit).offset(offset))
    return [pk for pk, _ in session.execute(stmt)]


# --- the audit trail ---------------------------------------------------------------------------

def append_event(session: Session, actor: str, action: str, entity: str, entity_id: str,
                 call_id: str | None = None, before: dict[str, Any] | None = None,
                 after: dict[str, Any] | None = None, at: datetime | None = None) -> None:
    """Append one event in the caller's transaction (the change and its record commit
    together, or neither does)."""
    row = AuditEventRow(actor=actor, action=action, entity=entity, entity_id=entity_id,
                        call_id=call_id, before=before, after=after)
    if at is not None:
        row.at = at
    session.add(row)
    session.flush()


def events(session: Session, call_id: str | None = None, entity: str | None = None,
           entity_id: str | None = None, limit: int = 1000) -> list[AuditEvent]:
    """Events, oldest first: of a call, of an entity, or all (the newest `limit`)."""
    stmt = select(AuditEventRow)
    if call_id is not None:
        stmt = stmt.where(AuditEventRow.call_id == call_id)
    if entity is not None:
        stmt = stmt.where(AuditEventRow.entity == entity)
    if entity_id is not None:
        stmt = stmt.where(AuditEventRow.entity_id == entity_id)
    rows = list(session.scalars(stmt.order_by(AuditEventRow.id.desc()).limit(limit)))
    return [AuditEvent(id=r.id, at=r.at, actor=r.actor, action=r.action, entity=r.entity,
                       entity_id=r.entity_id, call_id=r.call_id, before=r.before,
                       after=r.after) for r in reversed(rows)]


def latest_event(session: Session, entity: str, entity_id: str) -> AuditEvent | None:
    found = events(session, entity=entity, entity_id=entity_id, limit=1)
    return found[0] if found else None


# --- acknowledgements and disputes -------------------------------------------------------------

def acknowledgement(session: Session, call: Call, user_pk: int) -> AcknowledgementRow | None:
    return session.scalars(select(AcknowledgementRow).where(
        AcknowledgementRow.call_pk == call.id, AcknowledgementRow.user_pk == user_pk)
    ).one_or_none()


def acknowledgement_of(session: Session, call: Call) -> Acknowledgement | None:
    """The latest acknowledgement of the call (by its agent)."""
    row = session.scalars(select(AcknowledgementRow).where(AcknowledgementRow.call_pk == call.id)
                          .order_by(AcknowledgementRow.updated_at.desc()).limit(1)).first()
    if row is None:
        return None
    return Acknowledgement(call_id=call.call_id, by=usernames(session, [row.user_pk])[row.user_pk],
                           comment=row.comment, at=row.updated_at)


def save_acknowledgement(session: Session, call: Call, user_pk: int, comment: str | None,
                         now: datetime) -> AcknowledgementRow:
    row = acknowledgement(session, call, user_pk)
    if row is None:
        row = AcknowledgementRow(call_pk=call.id, user_pk=user_pk, created_at=now)
        session.add(row)
    row.comment, row.updated_at = comment, now
    session.flush()
    return row


def add_dispute(session: Session, call: Call, criterion_id: str, agent_pk: int, reason: str,
                disputed_outcome: str | None, now: datetime) -> DisputeRow:
    row = DisputeRow(call_pk=call.id, criterion_id=criterion_id, agent_pk=agent_pk,
                     reason=reason, status="open", disputed_outcome=disputed_outcome,
                     created_at=now)
    session.add(row)
    session.flush()
    return row


def get_dispute(session: Session, dispute_id: int, scope: Scope | None = None
                ) -> tuple[DisputeRow, Call] | None:
    """The dispute and its call (None: no such dispute, or its call is out of `scope`)."""
    stmt = (select(DisputeRow, Call).join(Call, Call.id == DisputeRow.call_pk)
            .where(DisputeRow.id == dispute_id))
    if scope is not None:
        stmt = stmt.where(call_in_scope(scope))
    found = session.execute(stmt).one_or_none()
    return None if found is None else (found[0], found[1])


def open_dispute(session: Session, call: Call, criterion_id: str) -> DisputeRow | None:
    return session.scalars(select(DisputeRow).where(
        DisputeRow.call_pk == call.id, DisputeRow.criterion_id == criterion_id,
        DisputeRow.status == "open")).first()


def disputes_since(session: Session, agent_pk: int, since: datetime) -> int:
    return session.scalar(select(func.count(DisputeRow.id)).where(
        DisputeRow.agent_pk == agent_pk, DisputeRow.created_at >= since)) or 0


def call_dispute_rows(session: Session, call: Call) -> list[DisputeRow]:
    return list(session.scalars(select(DisputeRow).where(DisputeRow.call_pk == call.id)
                                .order_by(DisputeRow.id)))


def dispute_rows(session: Session, scope: Scope, status: str | None, limit: int,
                 offset: int = 0) -> list[tuple[DisputeRow, Call]]:
    """Disputes on calls in scope, newest first."""
    stmt = (select(DisputeRow, Call).join(Call, Call.id == DisputeRow.call_pk)
            .where(call_in_scope(scope)))
    if status is not None:
        stmt = stmt.where(DisputeRow.status == status)
    return [(d, c) for d, c in session.execute(stmt.order_by(DisputeRow.id.desc())
                                               .limit(limit).offset(offset))]


def disputes_of(session: Session, rows: Sequence[tuple[DisputeRow, str]]) -> list[Dispute]:
    """(row, call_id) pairs as records."""
    names = usernames(session, [pk for r, _ in rows for pk in (r.agent_pk, r.resolved_by_pk)])
    return [Dispute.model_validate({
        "id": r.id, "call_id": call_id, "criterion_id": r.criterion_id,
        "agent": names[r.agent_pk], "reason": r.reason, "status": r.status,
        "disputed_outcome": r.disputed_outcome, "outcome": r.outcome,
        "comment": r.resolution_comment,
        "resolved_by": names.get(r.resolved_by_pk) if r.resolved_by_pk else None,
        "created_at": r.created_at, "resolved_at": r.resolved_at}) for r, call_id in rows]


# --- agreement ---------------------------------------------------------------------------------

def agreement_counts(session: Session, start: date, end: date
                     ) -> list[tuple[str, str, str, int, int]]:
    """(scorecard_id, version, criterion_id, reviewed, agreed) over reviews last changed on
    days [start, end] (UTC), from the kept counts."""
    a = table_of(AgreementCountRow)
    stmt = (select(a.c.scorecard_id, a.c.scorecard_version, a.c.criterion_id,
                   func.sum(a.c.reviewed), func.sum(a.c.agreed))
            .where(a.c.day >= start, a.c.day <= end)
            .group_by(a.c.scorecard_id, a.c.scorecard_version, a.c.criterion_id))
    return [(str(sc), str(version), str(criterion), int(n or 0), int(agreed or 0))
            for sc, version, criterion, n, agreed in session.execute(stmt)
            if n]


def latest_versions(session: Session) -> dict[str, str]:
    """scorecard_id -> the version reviewed last (for scorecards no longer, or never, in
    use: imported scores)."""
    a = AgreementCountRow
    latest: dict[str, tuple[datetime, str]] = {}
    stmt = (select(a.scorecard_id, a.scorecard_version, func.max(a.last_at))
            .where(a.reviewed > 0, a.last_at.is_not(None))
            .group_by(a.scorecard_id, a.scorecard_version))
    for scorecard_id, version, at in session.execute(stmt):
        if at is None:
            continue
        if scorecard_id not in latest or at > latest[scorecard_id][0]:
            latest[scorecard_id] = (at, version)
    return {k: v for k, (_, v) in latest.items()}


def rebuild_agreement_counts(session: Session) -> int:
    """Recompute the agreement counts from the reviews (after a bulk load, or to repair);
    returns the rows written."""
    r, rc = table_of(ReviewRow), table_of(ReviewCriterionRow)
    a = table_of(AgreementCountRow)
    day = func.date(r.c.updated_at) if dialect_of(session).name == "sqlite" else (
        cast(func.timezone("UTC", r.c.updated_at), Date))
    agreed = func.sum(case((rc.c.outcome == rc.c.automatic_outcome, 1), else_=0))
    source = (select(day, r.c.scorecard_id, r.c.scorecard_version, rc.c.criterion_id,
                     func.count(), agreed, func.max(r.c.updated_at))
              .select_from(r.join(rc, rc.c.review_pk == r.c.id))
              .where(r.c.kind == "review", rc.c.automatic_outcome.is_not(None))
              .group_by(day, r.c.scorecard_id, r.c.scorecard_version, rc.c.criterion_id))
    session.execute(delete(a))
    session.execute(insert(a).from_select(
        ["day", "scorecard_id", "scorecard_version", "criterion_id", "reviewed", "agreed",
         "last_at"],
        source))
    return session.scalar(select(func.count()).select_from(a)) or 0


def self_review_pairs(session: Session, scope: Scope) -> list[tuple[str, str, str, str, int]]:
    """(agent_id, criterion_id, self-assessed outcome, reviewer's outcome, call pk) for
    every call in scope with both a self-assessment and a review: one row per review of
    it, the latest last."""
    own, other = aliased(ReviewRow), aliased(ReviewRow)
    own_c, other_c = aliased(ReviewCriterionRow), aliased(ReviewCriterionRow)
    conditions: list[ColumnElement[bool]] = [own.kind == "self", other.kind == "review",
                                             call_in_scope(scope)]
    stmt = (select(Agent.agent_id, own_c.criterion_id, own_c.outcome, other_c.outcome,
                   own.call_pk)
            .select_from(own)
            .join(Call, Call.id == own.call_pk)
            .join(Agent, Agent.id == Call.agent_pk)
            .join(other, other.call_pk == own.call_pk)
            .join(own_c, own_c.review_pk == own.id)
            .join(other_c, and_(other_c.review_pk == other.id,
                                other_c.criterion_id == own_c.criterion_id))
            .where(*conditions)
            .order_by(Agent.agent_id, own_c.criterion_id, other.updated_at))
    return [(a, c, o, r, pk) for a, c, o, r, pk in session.execute(stmt)]


def scored_at(session: Session, call: Call) -> datetime | None:
    """When the call's current automatic score was made."""
    return session.scalar(select(ScoreRow.scored_at).where(ScoreRow.call_pk == call.id,
                                                           ScoreRow.is_current))


def resolve_dispute(session: Session, row: DisputeRow, status: str, outcome: str | None,
                    comment: str | None, resolved_by_pk: int, now: datetime) -> None:
    row.status, row.outcome, row.resolution_comment = status, outcome, comment
    row.resolved_by_pk, row.resolved_at = resolved_by_pk, now
    session.flush()

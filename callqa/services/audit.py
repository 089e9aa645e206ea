"""The audit trail, read: a call's events (qa and admin), or the newest events of the whole
store (`callqa audit`); and scorecard changes, recorded when they are first seen.

Events are written only by the services that make the changes, in the same transaction
(`callqa.models.store_reviews.append_event`); nothing here or anywhere changes one."""

from __future__ import annotations

import getpass

from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.domain.reviews import AuditEvent
from callqa.models import store, store_calibration, store_reviews
from callqa.services.loop import NO_SUCH_CALL, ReviewLoopError
from callqa.services.users import Person


def cli_actor() -> str:
    """Who made a change from the command line: `cli:<login>`."""
    try:
        login = getpass.getuser()
    except (OSError, KeyError):  # no login name in a bare container
        login = "unknown"
    return f"cli:{login}"


def call_audit(sessions: sessionmaker[Session], person: Person, call_id: str
               ) -> list[AuditEvent]:
    """Every event about the call, oldest first. A participant of an open calibration
    session on the call must wait for it to close (the trail shows verdicts)."""
    with sessions() as session:
        call = store.get_call(session, call_id)
        if call is None:
            raise ReviewLoopError(404, NO_SUCH_CALL)
        pk = store_reviews.user_pk(session, person.username)
        if pk is not None and store_calibration.open_sessions_with(session, call, pk):
            raise ReviewLoopError(409, "you score this call in an open calibration session: "
                                  "its audit trail opens when the session closes")
        return store_reviews.events(session, call_id=call_id)


def audit_events(sessions: sessionmaker[Session], call_id: str | None = None,
                 entity: str | None = None, entity_id: str | None = None,
                 limit: int = 200) -> list[AuditEvent]:
    """The events of a call or an entity, or the newest `limit` of all, oldest first."""
    with sessions() as session:
        return store_reviews.events(session, call_id=call_id, entity=entity,
                                    entity_id=entity_id, limit=limit)


def record_scorecards(sessions: sessionmaker[Session], settings: Settings,
                      actor: str = "system") -> list[AuditEvent]:
    """Append `scorecard.added` / `scorecard.changed` for each scorecard in use whose
    content (digest) differs from the last one recorded. Scorecards are files, so a change
    is seen when the web service next starts (or a caller runs this)."""
    from callqa.services.stages import scorecards_for

    recorded = []
    with sessions.begin() as session:
        for scorecard in scorecards_for(settings):
            last = store_reviews.latest_event(session, "scorecard", scorecard.id)
            if last is not None and last.after is not None and (
                    last.after.get("digest") == scorecard.digest):
                continue
            state = {"id": scorecard.id, "version": scorecard.version,
                     "digest": scorecard.digest, "call_types": list(scorecard.call_types),
                     "criteria": [c.id for c in scorecard.criteria]}
            store_reviews.append_event(
                session, actor, "scorecard.changed" if last else "scorecard.added",
                "scorecard", scorecard.id, None, last.after if last else None, state)
            recorded.append(scorecard.id)
        if not recorded:
            return []
        found = store_reviews.events(session, entity="scorecard", limit=len(recorded))
    return found

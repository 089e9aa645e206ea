"""The exemplary-call library: qa and team leaders (on their teams' calls) mark a call as
exemplary for a criterion or a call type with a note; everyone, agents included, browses
it; team leaders' coaching suggestions carry examples from it for the criteria they show."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session, sessionmaker

from callqa.configs.settings import Settings
from callqa.domain.queries import Scope
from callqa.domain.review import Suggestion
from callqa.domain.reviews import LibraryEntry, LibraryInput
from callqa.models import store_calibration, store_reviews
from callqa.services.analysis import suggestions_in_scope
from callqa.services.calls import Page
from callqa.services.loop import (
    ReviewLoopError,
    call_in_scope,
    now,
    page_cursor,
    page_offset,
    person_pk,
    verdict_table,
)
from callqa.services.users import Person

EXAMPLES_PER_SUGGESTION = 3


class ExampledSuggestion(Suggestion):
    examples: tuple[LibraryEntry, ...] = ()
    """Exemplary calls from the library for the criteria this call shows missed."""


def mark_exemplary(sessions: sessionmaker[Session], person: Person, given: LibraryInput
                   ) -> LibraryEntry:
    with sessions.begin() as session:
        call = call_in_scope(session, person, given.call_id)
        if given.criterion_id is not None:
            known = {v.criterion_id for v in verdict_table(session, call)}
            if given.criterion_id not in known:
                raise ReviewLoopError(422, f"{given.criterion_id!r} is not a criterion of "
                                      f"call {call.call_id} (it has "
                                      f"{', '.join(sorted(known)) or 'none: not scored'})")
        row = store_calibration.add_library_entry(
            session, call, given.criterion_id, given.call_type, given.note,
            person_pk(session, person), now())
        entry = next(e for e in store_calibration.library(session, limit=50)
                     if e.id == row.id)
        store_reviews.append_event(session, person.username, "library.marked", "library",
                                   str(row.id), call.call_id, None,
                                   entry.model_dump(mode="json", exclude={"evidence"}))
        return entry


def browse(sessions: sessionmaker[Session], criterion_id: str | None = None,
           call_type: str | None = None, limit: int = 50, cursor: str | None = None
           ) -> Page[LibraryEntry]:
    """Entries, newest first (`call_type`: marked for it, or calls of it)."""
    if "\x00" in (criterion_id or "") + (call_type or ""):
        raise ReviewLoopError(422, "a filter may not contain NUL characters")
    offset = page_offset(cursor)
    with sessions() as session:
        found = store_calibration.library(
            session, [criterion_id] if criterion_id is not None else None, call_type,
            limit + 1, offset)
    return Page[LibraryEntry](items=found[:limit], next_cursor=page_cursor(offset + limit)
                              if len(found) > limit else None)


def suggestions_with_examples(sessions: sessionmaker[Session], settings: Settings,
                              scope: Scope, start: date | None = None,
                              end: date | None = None) -> list[ExampledSuggestion]:
    """The suggestions in scope (`services.analysis.suggestions_in_scope`), each coaching
    one with up to three library calls exemplary for the criteria it shows missed."""
    picks = suggestions_in_scope(sessions, settings, scope, start, end)
    wanted = sorted({c for s in picks for c in s.criteria})
    entries = browse(sessions, limit=1000).items if wanted else []
    by_criterion: dict[str, list[LibraryEntry]] = {}
    for entry in entries:
        if entry.criterion_id is not None:
            by_criterion.setdefault(entry.criterion_id, []).append(entry)
    result = []
    for pick in picks:
        examples: dict[int, LibraryEntry] = {}
        for criterion in pick.criteria:
            for entry in by_criterion.get(criterion, []):
                if entry.call_id != pick.call_id:
                    examples.setdefault(entry.id, entry)
        result.append(ExampledSuggestion.model_validate({
            **pick.model_dump(), "examples": tuple(examples.values())[:EXAMPLES_PER_SUGGESTION]}))
    return result

"""People: adding and disabling users, checking passwords (argon2, through pwdlib), and the
scope each user's role gives (`scope_of`: the one place a user becomes a call filter)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pwdlib import PasswordHash
from sqlalchemy.orm import Session, sessionmaker

from callqa.domain.errors import CallqaError
from callqa.domain.queries import Scope
from callqa.models import store_people, store_reviews
from callqa.models.people import ROLES, User

_HASHER = PasswordHash.recommended()  # argon2id with pwdlib's current parameters
MIN_PASSWORD_LENGTH = 8
# A hash to verify against when the user does not exist, so that a wrong username takes as
# long as a wrong password (no user enumeration by timing).
_DUMMY_HASH = _HASHER.hash("callqa-no-such-user")


class UserError(CallqaError):
    """A user cannot be added or changed as asked; the message says why and the fix."""


@dataclass(frozen=True)
class Person:
    """A user as the rest of callqa sees them: never the password hash."""

    username: str
    role: str
    agent_id: str | None
    teams: tuple[str, ...]
    disabled: bool

    @property
    def scope(self) -> Scope:
        return scope_of(self)


def scope_of(person: Person) -> Scope:
    """Which calls `person` may see: qa and admin all; a team leader their teams' agents';
    an agent their own (by the agent id in the calls' metadata)."""
    if person.role in ("admin", "qa"):
        return Scope(everything=True)
    if person.role == "team_leader":
        return Scope(team_ids=frozenset(person.teams))
    return Scope(agent_id=person.agent_id)


def add_user(sessions: sessionmaker[Session], username: str, password: str, role: str,
             teams: Sequence[str] = (), agent_id: str | None = None,
             actor: str = "system") -> Person:
    """Store a new user with an argon2 hash of `password` (and an audit event by `actor`:
    a username, or `cli:<login>`)."""
    username = username.strip()
    if not username:
        raise UserError("a username cannot be empty. Fix: give one, e.g. `callqa users add "
                        "jsmith --role qa --password-stdin`")
    if role not in ROLES:
        raise UserError(f"role {role!r} is not one of {', '.join(ROLES)}. Fix: pick one")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(f"the password is shorter than {MIN_PASSWORD_LENGTH} characters. "
                        "Fix: choose a longer one")
    if role == "agent" and not agent_id:
        raise UserError("an agent user needs --agent-id (the agent id in the calls' "
                        "metadata). Fix: add --agent-id ID")
    if role == "team_leader" and not teams:
        raise UserError("a team leader needs at least one --team. Fix: add --team TEAM")
    with sessions.begin() as session:
        user = store_people.add_user(session, username, _HASHER.hash(password), role,
                                     agent_id if role == "agent" else None, list(teams))
        person = _person(session, user)
        store_reviews.append_event(session, actor, "user.added", "user", username,
                                   after=_audited(person))
        return person


def list_users(sessions: sessionmaker[Session]) -> list[Person]:
    with sessions() as session:
        return [_person(session, user) for user in store_people.list_users(session)]


def disable_user(sessions: sessionmaker[Session], username: str, actor: str = "system"
                 ) -> Person:
    """A disabled user can no longer sign in; their tokens stop working at once."""
    with sessions.begin() as session:
        user = store_people.get_user(session, username)
        if user is None:
            raise UserError(f"no user {username!r}. Fix: check `callqa users list`")
        before = _person(session, user)
        user.disabled = True
        person = _person(session, user)
        store_reviews.append_event(session, actor, "user.disabled", "user", username,
                                   before=_audited(before), after=_audited(person))
        return person


def find_user(sessions: sessionmaker[Session], username: str) -> Person | None:
    """An enabled user, or None."""
    with sessions() as session:
        user = store_people.get_user(session, username)
        return None if user is None or user.disabled else _person(session, user)


def authenticate(sessions: sessionmaker[Session], username: str, password: str
                 ) -> Person | None:
    """The user when the password is theirs and they are enabled, else None."""
    with sessions.begin() as session:
        user = store_people.get_user(session, username)
        if user is None:
            _HASHER.verify(password, _DUMMY_HASH)
            return None
        valid, new_hash = _HASHER.verify_and_update(password, user.password_hash)
        if not valid or user.disabled:
            return None
        if new_hash is not None:  # pwdlib's parameters moved on: keep the hash current
            store_people.set_password_hash(session, user, new_hash)
        return _person(session, user)


def _audited(person: Person) -> dict[str, Any]:
    """A user as the audit trail keeps it (never the password or its hash)."""
    return {"username": person.username, "role": person.role, "agent_id": person.agent_id,
            "teams": list(person.teams), "disabled": person.disabled}


def _person(session: Session, user: User) -> Person:
    return Person(user.username, user.role, user.agent_id,
                  tuple(store_people.user_teams(session, user)), user.disabled)

"""Retention and erasure (issue 16): a legal hold on calls (since when, by whom, why), the
record of erased calls (who, when, which call id: nothing else), and audit triggers that
let an erasure take a call's events with it.

`audit_events` stays append-only: UPDATE and TRUNCATE are still refused, and so is DELETE,
except of an event written before an erasure record of a call the event names (its
`call_id`, or the call id as a JSON string in `before`/`after`). The erasure service writes
that record first, in the transaction that deletes the call, so only the erasure path can
meet the condition; the record's own audit event (written at the record's time) cannot.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from callqa.models.base import UtcDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MESSAGE = "audit_events is append-only: events are never changed or deleted"
HOLD_COLUMNS = ("legal_hold_at", "legal_hold_by", "legal_hold_reason")


def _names_an_erased_call(as_text: str, find: str) -> str:
    """SQL: an erasure record made after the event `OLD` exists for a call the event names.
    `as_text` renders a JSON column as text (`{}` is the column), `find` is the dialect's
    substring position function."""
    mentions = " OR ".join(
        f"{find}({as_text.format(f'OLD.{column}')}, '\"' || e.call_id || '\"') > 0"
        for column in ('"before"', '"after"'))
    return (f"EXISTS (SELECT 1 FROM call_erasures e WHERE e.erased_at > OLD.at AND "
            f"(e.call_id = OLD.call_id OR {mentions}))")


def upgrade() -> None:
    op.add_column("calls", sa.Column("legal_hold_at", UtcDateTime(), nullable=True))
    op.add_column("calls", sa.Column("legal_hold_by", sa.String(length=200), nullable=True))
    op.add_column("calls", sa.Column("legal_hold_reason", sa.Text(), nullable=True))
    op.create_table(
        "call_erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("call_id", sa.String(length=200), nullable=False),
        sa.Column("erased_by", sa.String(length=200), nullable=False),
        sa.Column("erased_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_erasures")),
    )
    op.create_index("ix_call_erasures_call", "call_erasures", ["call_id", "erased_at"])
    if op.get_context().dialect.name == "postgresql":
        erased = _names_an_erased_call("COALESCE({}::text, '')", "strpos")
        op.execute(f"""CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                IF TG_OP = 'DELETE' THEN
                    IF {erased} THEN
                        RETURN OLD;
                    END IF;
                END IF;
                RAISE EXCEPTION '{MESSAGE}';
            END $$""")
        return
    erased = _names_an_erased_call("COALESCE({}, '')", "instr")
    op.execute("DROP TRIGGER audit_events_no_delete")
    op.execute(f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
               f"WHEN NOT {erased} BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute(f"CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger "
                   f"LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION '{MESSAGE}'; END $$")
    else:
        op.execute("DROP TRIGGER audit_events_no_delete")
        op.execute(f"CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events "
                   f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END")
    op.drop_index("ix_call_erasures_call", table_name="call_erasures")
    op.drop_table("call_erasures")
    for column in reversed(HOLD_COLUMNS):
        # SQLite 3.35+ drops a column in place (a batch copy of `calls` would fire the
        # ON DELETE CASCADE of every table that references it).
        op.execute(f"ALTER TABLE calls DROP COLUMN {column}")

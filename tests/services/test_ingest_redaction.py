"""Card numbers, security codes and phone numbers in an imported transcript are stored as
tags, never as digits; order numbers and prices survive (issue 16's bar, through ingest)."""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from callqa.domain.records import Role
from callqa.models import store
from callqa.services.ingest import ingest
from tests.factories import make_transcript

A, C = Role.AGENT, Role.CUSTOMER
CARD = "4539 1488 0343 6467"  # Luhn-valid


def test_an_imported_transcript_is_stored_redacted(tmp_path: Path) -> None:
    from callqa.services.store import close_stores, sessions_for

    transcript = make_transcript([
        (A, 0, 3, "Thanks for calling, how can I help?"),
        (C, 3, 9, f"I want to pay order 778812 of 49.99 dollars with my card {CARD}."),
        (A, 9, 11, "Could you read the long number again in words please?"),
        (C, 11, 19, "four five three nine one four eight eight zero three four three "
                    "six four six seven"),
        (A, 19, 21, "And the security code on the back?"),
        (C, 21, 23, "It's 123."),
        (C, 23, 27, "You can call me back on 07700 900461."),
    ], call_id="pay-1")
    path = tmp_path / "pay-1.transcript.json"
    path.write_text(transcript.to_json())
    manifest = tmp_path / "calls.jsonl"
    manifest.write_text(json.dumps({"call_id": "pay-1", "agent_id": "a01",
                                    "transcript": path.name}) + "\n")
    database = tmp_path / "callqa.db"
    sessions: sessionmaker[Session] = sessions_for(f"sqlite:///{database}")
    report = ingest(sessions, manifest)
    assert report.added == 1 and not report.failures
    with sessions() as session:
        call = store.get_call(session, "pay-1")
        assert call is not None
        stored = store.load_transcript(session, call)
    text = " ".join(u.text for u in stored.utterances)
    words = " ".join(w.text for u in stored.utterances for w in u.words)
    for kept in (text, words):
        assert "[PCI:CARD]" in kept and "[PCI:CVV]" in kept and "[PII:PHONE]" in kept
        assert "778812" in kept and "49.99" in kept  # an order number and a price survive
        assert "123" not in kept.replace("778812", "")
    close_stores()
    # Nowhere in the store: no run of four of the card's digits, in any table.
    digits = CARD.replace(" ", "")
    with sqlite3.connect(database) as connection:
        dump = "\n".join(connection.iterdump())
    pieces = {digits[i:i + 4] for i in range(len(digits) - 3)}
    found = {piece for piece in pieces if re.search(piece, dump)}
    assert found == set()

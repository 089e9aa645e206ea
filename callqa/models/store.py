"""The store API used by the process loop, flows, CLI and API: one import for all of it.

    from callqa.models.engine import make_engine, session_factory
    from callqa.models import store

    with session_factory(engine).begin() as session:   # the caller owns the transaction
        for call in store.pending_calls(session, limit=10):
            ...

Calls and their results: `store_calls`. DataFrames for analytics: `store_frames`. FCR,
flags and the review queue: `store_review`. Tables and keys: docs/store.md.
"""

from callqa.models.store_calls import (
    file_uri,
    get_call,
    load_score,
    load_transcript,
    local_path,
    mark_failed,
    mark_pending,
    mark_processed,
    mark_processing,
    parse_transcript,
    pending_calls,
    recording_path,
    save_metrics,
    save_outside_cause,
    save_score,
    save_scores,
    save_transcript,
    scored_with,
    transcript_texts,
    upsert_call,
)
from callqa.models.store_claims import stage_candidates
from callqa.models.store_frames import (
    CALLS_COLUMNS,
    CRITERION_COLUMNS,
    FCR_COLUMNS,
    calls_frame,
    criterion_frame,
    fcr_frame,
)
from callqa.models.store_review import (
    agent_names,
    latest_review_plan,
    load_flags,
    review_queue,
    save_fcr,
    save_fcr_frame,
    save_flags,
    save_review_items,
    save_review_plan,
)
from callqa.models.store_stages import (
    done_contents,
    done_keys,
    record_stage,
    record_stages,
    stage_done,
)
from callqa.models.tables import Call

__all__ = [
    "CALLS_COLUMNS",
    "CRITERION_COLUMNS",
    "FCR_COLUMNS",
    "Call",
    "agent_names",
    "calls_frame",
    "criterion_frame",
    "done_contents",
    "done_keys",
    "fcr_frame",
    "file_uri",
    "get_call",
    "latest_review_plan",
    "load_flags",
    "load_score",
    "load_transcript",
    "local_path",
    "mark_failed",
    "mark_pending",
    "mark_processed",
    "mark_processing",
    "parse_transcript",
    "pending_calls",
    "record_stage",
    "record_stages",
    "recording_path",
    "review_queue",
    "save_fcr",
    "save_fcr_frame",
    "save_flags",
    "save_metrics",
    "save_outside_cause",
    "save_review_items",
    "save_review_plan",
    "save_score",
    "save_scores",
    "save_transcript",
    "scored_with",
    "stage_candidates",
    "stage_done",
    "transcript_texts",
    "upsert_call",
]

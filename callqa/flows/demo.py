"""The demo job: the whole pipeline on the sample calls, on embedded defaults (SQLite file,
bundled model, CPU, Prefect's temporary local server), through the same flows operations
run. The seven sample recordings are ingested and processed for real; a month of synthetic
history for the same centre (callqa.scoring.simulate, labelled as such) is loaded beside them,
because FCR flags need volume: no agent is ever flagged on three calls."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from callqa.configs.settings import Settings
from callqa.domain.records import Transcript
from callqa.domain.review import ReviewItem
from callqa.models import store
from callqa.scoring.simulate import generate_archive
from callqa.services.analysis import Analysis
from callqa.services.ingest import IngestReport
from callqa.services.processing import ProcessReport
from callqa.services.store import engine_for, sessions_for
from callqa.support.files import write_atomically

SAMPLE_AGENTS = {"a01": "t1", "a02": "t1", "a03": "t2"}


@dataclass(frozen=True)
class DemoCall:
    """A processed sample call: its transcript and score (also written to the output)."""

    call_id: str
    transcript: Transcript
    score: float | None


@dataclass
class DemoResult:
    ingest: IngestReport
    processed: ProcessReport
    history_calls: int
    analysis: Analysis
    database: Path
    calls: list[DemoCall] = field(default_factory=list)
    """The processed sample calls, by call id."""
    queue: list[ReviewItem] = field(default_factory=list)
    agent_names: dict[str, str] = field(default_factory=dict)


def synthetic_history(seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """October's calls for a 12-agent centre; the sample agents take three of the seats and
    a02 (James Carter, whose sample calls are poor) is the planted weak agent."""
    archive = generate_archive(days=28, n_agents=12, seed=seed,
                               planted={"weak": 1, "hard_mix": 2, "part_timer": 1},
                               start=datetime(2026, 10, 1, tzinfo=UTC))
    agents = archive.agents
    weak = agents.loc[agents["kind"] == "weak", "agent_id"].iloc[0]
    typical = agents.loc[(agents["kind"] == "typical") & (agents["team_id"] != "t-process"),
                         "agent_id"].iloc[:2].tolist()
    rename = {weak: "a02", typical[0]: "a01", typical[1]: "a03"}
    calls = archive.calls.assign(
        call_id="hist-" + archive.calls["call_id"],
        customer_id="hist-" + archive.calls["customer_id"],
        agent_id=archive.calls["agent_id"].replace(rename))
    calls["team_id"] = calls["agent_id"].map(SAMPLE_AGENTS).fillna(calls["team_id"])
    criteria = archive.criteria.assign(call_id="hist-" + archive.criteria["call_id"])
    return calls, criteria


def run_demo(samples: Path, output: Path, settings: Settings) -> DemoResult:
    """Ingest, process and analyse through the flows (callqa.flows), into output/callqa.db.
    The settings come from the environment (CALLQA_*), as in any flow run."""
    from callqa.flows.analysis import compute_fcr_and_flags
    from callqa.flows.ingest import ingest_archive
    from callqa.flows.process import process_calls
    from callqa.models.bulk import load_scored_calls

    output.mkdir(parents=True, exist_ok=True)
    database = output / "callqa.db"
    for stale in output.glob("callqa.db*"):
        stale.unlink()
    url = f"sqlite:///{database.resolve()}"
    ingested = ingest_archive(source=str(samples), database_url=url)
    processed = process_calls(database_url=url)
    calls, criteria = synthetic_history()
    engine = engine_for(url)
    history = load_scored_calls(engine, calls, criteria, scorecard_id="synthetic-history",
                                source_uri="synthetic:")
    analysis = compute_fcr_and_flags(database_url=url)
    calls = export_transcripts(url, sorted(processed.processed), output)
    with sessions_for(url)() as session:
        queue = store.review_queue(session, limit=8)
        names = store.agent_names(session)
    return DemoResult(ingested, processed, history, analysis, database, calls, queue, names)


def export_transcripts(url: str, call_ids: list[str], output: Path) -> list[DemoCall]:
    """Write each call's transcript (`<call>.transcript.json`, `<call>.txt`) to `output`."""
    from callqa.pipeline.exports import to_json, to_text

    exported: list[DemoCall] = []
    with sessions_for(url)() as session:
        for call_id in call_ids:
            call = store.get_call(session, call_id)
            assert call is not None
            transcript = store.load_transcript(session, call)
            write_atomically(output / f"{call_id}.transcript.json", to_json(transcript))
            write_atomically(output / f"{call_id}.txt", to_text(transcript))
            score = store.load_score(session, call)
            exported.append(DemoCall(call_id, transcript, score.score if score else None))
    return exported

"""The demo job: the whole pipeline on the sample calls, on embedded defaults (SQLite file,
bundled model, CPU, Prefect's temporary local server), through the same flows operations
run. The seven sample recordings are ingested and processed for real; a month of synthetic
history for the same centre (callqa.simulate, labelled as such) is loaded beside them,
because FCR flags need volume: no agent is ever flagged on three calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from callqa.configs.settings import Settings
from callqa.jobs import Analysis, ProcessReport
from callqa.models.ingest import IngestReport
from callqa.simulate import generate_archive

SAMPLE_AGENTS = {"a01": "t1", "a02": "t1", "a03": "t2"}


@dataclass
class DemoResult:
    ingest: IngestReport
    processed: ProcessReport
    history_calls: int
    analysis: Analysis
    database: Path


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
    from callqa.flows.runtime import sessions_for
    from callqa.models.bulk import load_scored_calls

    output.mkdir(parents=True, exist_ok=True)
    database = output / "callqa.db"
    for stale in output.glob("callqa.db*"):
        stale.unlink()
    url = f"sqlite:///{database.resolve()}"
    ingested = ingest_archive(source=str(samples), database_url=url)
    processed = process_calls(database_url=url)
    calls, criteria = synthetic_history()
    engine = sessions_for(url).kw["bind"]
    history = load_scored_calls(engine, calls, criteria, scorecard_id="synthetic-history",
                                source_uri="synthetic:")
    analysis = compute_fcr_and_flags(database_url=url)
    return DemoResult(ingested, processed, history, analysis, database)

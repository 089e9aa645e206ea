"""The demo job: the whole pipeline on the sample calls, on embedded defaults (SQLite file,
bundled model, CPU). The seven sample recordings are ingested and processed for real; a
month of synthetic history for the same centre (callqa.simulate, labelled as such) is loaded
beside them, because FCR flags need volume: no agent is ever flagged on three calls."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from callqa.configs.settings import Settings
from callqa.jobs import Analysis, ProcessReport, analyse_period, process_calls
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


def run_demo(samples: Path, output: Path, settings: Settings,
             progress: object = None) -> DemoResult:
    from callqa.cli_review import open_store
    from callqa.models.bulk import load_scored_calls
    from callqa.models.ingest import ingest

    output.mkdir(parents=True, exist_ok=True)
    database = output / "callqa.db"
    for stale in output.glob("callqa.db*"):
        stale.unlink()
    sessions = open_store(f"sqlite:///{database}")
    ingested = ingest(sessions, samples)
    processed = process_calls(sessions, settings, progress=progress)  # type: ignore[arg-type]
    calls, criteria = synthetic_history()
    engine = sessions.kw["bind"]
    history = load_scored_calls(engine, calls, criteria, scorecard_id="synthetic-history",
                                source_uri="synthetic:")
    analysis = analyse_period(sessions, settings)
    return DemoResult(ingested, processed, history, analysis, database)

"""The malformed-input corpus (tests/data/malformed/: README.md, cases.yaml) through the real
`callqa` command and the flows.

- Every `commands` entry of a case runs `callqa ...` in a subprocess (real exit codes, real
  stderr): the documented exit code, one `error:` line that names the file, the cause and the
  fix, no traceback. A command that hangs (a regex backtracking for ever) fails on a timeout.
- The ingest batches run into one store, then `callqa process` over it: each refused file or
  line is one `skipped` line, each failed call one `failed` line, the exit codes are the
  documented ones; afterwards every good call is processed, every bad recording is failed
  with its reason, nothing refused is stored, and nothing is half-stored.
- The same batches through the flows in this process (`ingest_archive`, `process_calls`):
  the same failures in the reports, the same store.

The commands share this test session's temporary Prefect server (each would otherwise start
its own, seconds each).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from callqa.models.result_tables import ScoreRow
from callqa.models.tables import Call, TranscriptRow
from callqa.services.store import sessions_for
from tests.helpers.cli import (
    Run,
    assert_no_traceback,
    assert_one_message,
    callqa,
    operator_env,
    shared_prefect_api,
)
from tests.helpers.paths import REPO, SAMPLES

CORPUS = REPO / "tests" / "data" / "malformed"
SPEC: dict[str, Any] = yaml.safe_load((CORPUS / "cases.yaml").read_text(encoding="utf-8"))
CASES: list[dict[str, Any]] = SPEC["cases"]
BATCHES: list[dict[str, Any]] = SPEC["batches"]
GOOD_CALL: str = SPEC["good_call"]
COMMANDS = [(case["id"], index, command) for case in CASES
            for index, command in enumerate(case.get("commands", []))]
MODEL_COMMANDS = {"transcribe"}
"""Commands that load the Whisper model (their tests carry the `model` mark)."""
INGESTED = [case for case in CASES if "ingest" in case]
PROCESSED = [case for case in CASES if "process" in case]


# --- the working copy and the Prefect server --------------------------------------------------


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the corpus (the commands' working directory), with the good sample call
    beside the bad recordings."""
    folder = tmp_path_factory.mktemp("malformed") / "corpus"
    shutil.copytree(CORPUS, folder)
    for suffix in (".wav", ".json"):
        shutil.copy(SAMPLES / f"{GOOD_CALL}{suffix}", folder / "audio" / f"{GOOD_CALL}{suffix}")
    return folder


@pytest.fixture(scope="module")
def prefect_api() -> str | None:
    return shared_prefect_api()


# --- one command per case ---------------------------------------------------------------------


@dataclass
class CommandRuns:
    """The cases' commands, run on first use (in parallel: each is a process of its own)."""

    cwd: Path
    prefect_api: str | None
    done: dict[tuple[str, int], Run] = field(default_factory=dict)

    def get(self, case_id: str, index: int) -> Run:
        if (case_id, index) not in self.done:
            model = _loads_model(_command(case_id, index))
            group = [(c, i, cmd) for c, i, cmd in COMMANDS if _loads_model(cmd) == model]
            with ThreadPoolExecutor(max_workers=3) as pool:
                runs = pool.map(lambda item: callqa(self._args(item[2]), self.cwd,
                                                    prefect_api=self.prefect_api), group)
                self.done.update({(c, i): run for (c, i, _), run in zip(group, runs,
                                                                         strict=True)})
        return self.done[(case_id, index)]

    def _args(self, command: dict[str, Any]) -> list[str]:
        return [str(arg).replace("{tmp}", str(self.cwd.parent)) for arg in command["run"]]


def _command(case_id: str, index: int) -> dict[str, Any]:
    return next(cmd for c, i, cmd in COMMANDS if (c, i) == (case_id, index))


def _loads_model(command: dict[str, Any]) -> bool:
    return str(command["run"][0]) in MODEL_COMMANDS


@pytest.fixture(scope="module")
def command_runs(workdir: Path, prefect_api: str | None) -> CommandRuns:
    return CommandRuns(workdir, prefect_api)


@pytest.mark.parametrize(
    ("case_id", "index"),
    [pytest.param(c, i, id=f"{c}-{i}-{cmd['run'][0]}",
                  marks=[pytest.mark.model] if _loads_model(cmd) else [])
     for c, i, cmd in COMMANDS])
def test_command(command_runs: CommandRuns, case_id: str, index: int) -> None:
    expected = _command(case_id, index)
    run = command_runs.get(case_id, index)
    assert run.code == expected["exit"], run.describe()
    assert_no_traceback(run)
    if expected["exit"] == 0:
        assert not run.errors, run.describe()
    else:
        assert_one_message(run, expected["message"])
    if "stdout" in expected:
        assert re.search(expected["stdout"], run.stdout, re.MULTILINE), run.describe()


# --- the batches: ingest into one store, then process -----------------------------------------


def _cases_of(batch: str, outcome: str | None = None) -> list[dict[str, Any]]:
    return [case for case in INGESTED if case["ingest"]["batch"] == batch
            and (outcome is None or case["ingest"]["outcome"] == outcome)]


def _matched(patterns: list[str], lines: list[str], what: str) -> None:
    """Each pattern matches exactly one line, and each line is matched."""
    for pattern in patterns:
        hits = [line for line in lines if re.search(pattern, line)]
        assert len(hits) == 1, f"{what}: {pattern!r} matches {len(hits)} of {lines}"
    unmatched = [line for line in lines if not any(re.search(p, line) for p in patterns)]
    assert not unmatched, f"{what} not in cases.yaml: {unmatched}"


def check_batch(batch: str, failures: list[str], warnings: list[str]) -> None:
    """The failures and warnings of one ingest batch (lines or report entries)."""
    _matched([case["ingest"]["message"] for case in _cases_of(batch, "refused")], failures,
             f"{batch} failures")
    _matched([case["ingest"]["warning"] for case in _cases_of(batch)
              if "warning" in case["ingest"]], warnings, f"{batch} warnings")


def check_store(sessions: sessionmaker[Session], failed: list[tuple[str, str]]) -> None:
    """Every case's outcome in the store after the batches and processing; `failed`: the
    (call_id, reason) the run reported."""
    with sessions() as session:
        calls = {call.call_id: call for call in session.scalars(select(Call))}
        transcripts = set(session.scalars(select(TranscriptRow.call_pk)))
        scored = set(session.scalars(select(ScoreRow.call_pk)))
    stored = {case["ingest"]["call_id"] for case in INGESTED
              if case["ingest"]["outcome"] == "stored"}
    assert set(calls) == stored | {GOOD_CALL}, "stored exactly the accepted calls"
    for case in INGESTED:
        expected = case["ingest"]
        call = calls.get(expected["call_id"])
        if expected["outcome"] == "refused":
            assert call is None, case["id"]
            continue
        assert call is not None, case["id"]
        for name, value in expected.get("metadata", {}).items():
            assert call.call_metadata.get(name) == value, (case["id"], call.call_metadata)
        if expected.get("transcript"):
            assert call.source == "transcript" and call.id in transcripts, case["id"]
    reasons = dict(failed)
    for case in PROCESSED:
        call = calls[case["ingest"]["call_id"]]
        wanted = case["process"]
        assert call.status == wanted["status"], (case["id"], call.status, call.failure_reason)
        if wanted["status"] == "failed":
            assert call.failure_reason is not None, case["id"]
            assert re.search(wanted["reason"], call.failure_reason), call.failure_reason
            assert "Fix: " in call.failure_reason, call.failure_reason
            assert reasons.get(call.call_id) == call.failure_reason, case["id"]
    assert calls[GOOD_CALL].status == "processed"
    # Nothing half-made: a processed call has its transcript and its score, a failed one its
    # reason, and no call is left pending or claimed.
    for call in calls.values():
        assert call.status in ("processed", "failed"), (call.call_id, call.status)
        if call.status == "processed":
            assert call.id in transcripts and call.id in scored, call.call_id
        else:
            assert call.failure_reason, call.call_id
    assert set(reasons) == {c.call_id for c in calls.values() if c.status == "failed"}


@dataclass
class Chain:
    """The batches ingested into one store, in order, then processed."""

    url: str
    ingests: dict[str, Any] = field(default_factory=dict)
    process: Any = None


@pytest.fixture(scope="module")
def cli_chain(workdir: Path, prefect_api: str | None) -> Chain:
    """`callqa ingest` of each batch, in order, into one store."""
    chain = Chain(f"sqlite:///{workdir.parent / 'cli.db'}")
    for batch in BATCHES:
        chain.ingests[batch["name"]] = callqa(["ingest", batch["source"], "--database",
                                               chain.url], workdir, prefect_api=prefect_api)
    return chain


@pytest.fixture(scope="module")
def cli_processed(cli_chain: Chain, workdir: Path, prefect_api: str | None) -> Chain:
    """Then `callqa process` over the lot; on threads, which start faster than the default
    process pool (tests/flows/test_flows.py runs that one)."""
    cli_chain.process = callqa(["process", "--database", cli_chain.url], workdir,
                               prefect_api=prefect_api,
                               env=operator_env(CALLQA_FLOWS__TASK_RUNNER="threads"))
    return cli_chain


@pytest.mark.parametrize("batch", BATCHES, ids=[b["name"] for b in BATCHES])
def test_cli_ingest_batch(cli_chain: Chain, batch: dict[str, Any]) -> None:
    run: Run = cli_chain.ingests[batch["name"]]
    assert run.code == batch["exit"], run.describe()
    assert_no_traceback(run)
    assert not run.errors, run.describe()  # a failed row is no command error: exit 1
    check_batch(batch["name"], run.lines("skipped "), run.lines("warning "))
    stray = [line for line in run.stderr.splitlines() if line.strip() and not
             line.startswith(("skipped ", "warning ", "nothing was added"))]
    assert not stray, run.describe()


@pytest.mark.model
def test_cli_process_and_the_store(cli_processed: Chain) -> None:
    run: Run = cli_processed.process
    assert run.code == SPEC["process_exit"], run.describe()
    assert_no_traceback(run)
    assert not run.errors, run.describe()
    failed = [line.partition(": ") for line in run.lines("failed ")]
    assert all(sep for _, sep, _ in failed), run.describe()
    check_store(sessions_for(cli_processed.url, "read"), [(c, r) for c, _, r in failed])


# --- the same through the flows, in this process ----------------------------------------------


@pytest.fixture(scope="module")
def flow_chain(workdir: Path, tmp_path_factory: pytest.TempPathFactory,
               prefect_api: str | None) -> Iterator[Chain]:
    from callqa.flows.ingest import ingest_archive

    chain = Chain(f"sqlite:///{tmp_path_factory.mktemp('flows') / 'flows.db'}")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(workdir)
        for batch in BATCHES:
            chain.ingests[batch["name"]] = ingest_archive(source=batch["source"],
                                                          database_url=chain.url)
    yield chain


@pytest.fixture(scope="module")
def flow_processed(flow_chain: Chain) -> Iterator[Chain]:
    from callqa.flows.process import process_calls

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CALLQA_FLOWS__TASK_RUNNER", "threads")  # as the command above
        flow_chain.process = process_calls(database_url=flow_chain.url)
    yield flow_chain


@pytest.mark.parametrize("batch", BATCHES, ids=[b["name"] for b in BATCHES])
def test_flow_ingest_batch(flow_chain: Chain, batch: dict[str, Any]) -> None:
    report = flow_chain.ingests[batch["name"]]
    assert bool(report.failures) == (batch["exit"] == 1)
    check_batch(batch["name"], [str(f) for f in report.failures],
                [str(w) for w in report.warnings])


@pytest.mark.model
def test_flow_process_and_the_store(flow_processed: Chain) -> None:
    report = flow_processed.process
    assert bool(report.failed) == (SPEC["process_exit"] == 1)
    assert GOOD_CALL in report.processed
    check_store(sessions_for(flow_processed.url, "read"), report.failed)


def test_every_corpus_file_has_a_case() -> None:
    """No input without an expected outcome (make_corpus.py and cases.yaml move together)."""
    named = {str(case["input"]).split(":")[0] for case in CASES}
    files = {str(path.relative_to(CORPUS)) for path in CORPUS.rglob("*")
             if path.is_file() and path.suffix in (".wav", ".json", ".jsonl", ".yaml")
             and path.name != "cases.yaml"}
    # A sidecar's recording and a manifest's referenced files are its case's inputs too.
    arguments = {str(arg) for _, _, command in COMMANDS for arg in command["run"]}
    covered = (named | arguments | {n for n in files if n.startswith("manifests/calls/")}
               | {str(Path(n).with_suffix(suffix)) for n in named for suffix in (".wav", ".json")})
    assert files <= covered, sorted(files - covered)

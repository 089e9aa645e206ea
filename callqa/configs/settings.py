"""callqa settings: defaults < `configs/settings.yaml` < `CALLQA_*` environment < arguments.

Built by `load_settings()`, never at import time. Nested fields use `__` in the environment,
e.g. `CALLQA_TRANSCRIPTION__DEVICE=cuda`.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, model_validator
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    YamlConfigSettingsSource,
)

from callqa.domain.errors import SettingsError
from callqa.domain.records import ChannelLayout

DEFAULT_SETTINGS_FILE = Path("configs/settings.yaml")
BUNDLED_MODEL = "bundled:tiny.en"


class VadSettings(BaseModel):
    """Silero VAD thresholds (faster-whisper's `VadOptions`)."""

    model_config = ConfigDict(extra="forbid")

    threshold: float = Field(0.5, gt=0, lt=1)
    min_speech_duration_ms: int = Field(0, ge=0)
    min_silence_duration_ms: int = Field(2000, ge=0)
    speech_pad_ms: int = Field(400, ge=0)


class TranscriptionSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    model: str = BUNDLED_MODEL
    """`bundled:tiny.en`, a faster-whisper model name (`large-v3`, `distil-large-v3`, a
    Hugging Face repo id) or a local CTranslate2 model directory."""
    model_sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")
    """Expected sha256 of `model.bin` for a local directory (the bundled model's is built in)."""
    download_root: Path | None = None
    device: Literal["auto", "cpu", "cuda"] = "auto"
    compute_type: str = "auto"
    """`auto`: float16 on CUDA, int8 on CPU; or any CTranslate2 compute type."""
    cpu_threads: int = Field(1, ge=0)
    """Threads per process on CPU. 1 measured fastest on a 2-core machine with one process
    per core (benchmarks/bench_transcribe.py --threads); 0 lets CTranslate2 decide."""
    batch_size: int = Field(1, ge=1)
    """Batch size of faster-whisper's BatchedInferencePipeline on CUDA; 1 decodes one window
    at a time. Measured on an H200 with tiny.en on the HVB calls
    (benchmarks/bench_gpu_batched.py): batching ran at 0.66-0.78x the sequential speed (short
    calls fill few windows), and it changes the text; for a large model try 8 or 16. To fill a
    GPU, run several workers on it instead (4 processes: 1.55x one)."""
    language: str | None = None
    """Fixed language code, or None to detect it (English-only models always give `en`)."""
    beam_size: int = Field(5, ge=1)
    vad: VadSettings = VadSettings()
    no_speech_threshold: float | None = 0.6
    log_prob_threshold: float | None = -1.0
    compression_ratio_threshold: float | None = 2.4
    hallucination_silence_threshold: float | None = None
    """faster-whisper's skip of low-confidence segments next to silence longer than this
    (seconds); None: off, as in faster-whisper. Whisper only hears the VAD's speech (silences
    over `vad.min_silence_duration_ms` are cut out) and words outside it are dropped, so the
    only "silence" this check still finds is a window's first and last 2 s: with 2.0 it threw
    away real but uncertain speech there, mostly a call's greeting on noisy 8 kHz channels
    (benchmarks/results/stereo_wer-2026-12-04.txt)."""
    condition_on_previous_text: bool = True
    word_outside_speech_pad: float = Field(0.2, ge=0)
    """A word whose middle lies further than this (seconds) from any VAD speech is dropped."""
    utterance_gap: float = Field(1.0, gt=0)
    """A pause longer than this (seconds) between two words starts a new utterance, even
    inside one Whisper segment (VAD joins speech across pauses before Whisper sees it)."""


class DiarizationSettings(BaseModel):
    """Who spoke when. `auto`: the channels of a one-party-per-channel stereo recording, else
    `mono_backend` on the mixed signal."""

    model_config = ConfigDict(extra="forbid")

    backend: Literal["auto", "channels", "embedded", "pyannote"] = "auto"
    mono_backend: Literal["embedded", "pyannote"] = "embedded"
    num_speakers: int | None = Field(2, ge=1)
    """Speakers in a mono call (calls have two); None estimates it between min and max."""
    min_speakers: int = Field(1, ge=1)
    max_speakers: int = Field(4, ge=1)
    window_seconds: float = Field(1.2, gt=0.2, le=1.6)
    """Length of the speaker-embedding windows (Resemblyzer was trained on 1.6 s)."""
    step_seconds: float = Field(0.1, gt=0, le=1.0)
    min_turn_seconds: float = Field(0.25, ge=0)
    """Shorter turns are absorbed by their neighbours (flicker between windows)."""
    device: Literal["auto", "cpu", "cuda"] = "auto"
    torch_threads: int = Field(1, ge=1)
    pyannote_pipeline: str = "pyannote/speaker-diarization-community-1"
    """A local directory with a pyannote `config.yaml`, or a Hugging Face pipeline id."""
    pyannote_token: SecretStr | None = None
    """Hugging Face token for gated pyannote pipelines (or set HF_TOKEN)."""


class MetricsSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    interruption_min_overlap: float = Field(0.3, ge=0)
    """A turn that starts while the other side speaks interrupts only if they keep talking
    at least this long after it starts (a short backchannel is not an interruption)."""
    min_overtalk: float = Field(0.1, ge=0)
    """Overlaps shorter than this are not counted as overtalk."""


class FcrSettings(BaseModel):
    """First-contact resolution: a call is a repeat when the same customer calls again within
    the window (DOMAIN.md: 7 days is the usual default)."""

    model_config = ConfigDict(extra="forbid")

    repeat_window_days: float = Field(7.0, gt=0)
    transfer_gap_minutes: float = Field(15.0, ge=0)
    """A next call within this gap continues the same contact (transfer, dropped line)."""
    same_call_type_only: bool = False
    """Count only repeats about the same call type."""


class FlagSettings(BaseModel):
    """When an agent is singled out: graded evidence against peers on the same work.

    Every agent gets observed vs expected events for their own call-type mix, an estimate of
    their rate against peers with an interval (empirical-Bayes Gamma-Poisson: low volumes
    shrink toward the centre), and the probability that they are worse than peers. Status:
    `flagged` (that probability reaches `flag_probability`), `watch` (`watch_probability`),
    `insufficient_evidence` (too few calls to tell; with the calls that would settle it),
    `normal`, or `process_issue` (the excess is the team's or call type's, not the agent's).
    """

    model_config = ConfigDict(extra="forbid")

    min_calls: int = Field(30, ge=1)
    """Below this many calls with a known outcome an agent is 'insufficient evidence'."""
    min_expected_events: float = Field(3.0, ge=0)
    """...or when fewer events than this are expected (too little to test)."""
    flag_probability: float = Field(0.95, gt=0.5, lt=1)
    """Flagged: the probability that the agent is worse than peers on the same call types
    is at least this. Strict on purpose: a flag sends the agent's calls to a human reviewer
    and to coaching. On the simulated 40-agent centre (100 held-out archives): precision 0.82
    for recall 0.59 (a plain per-agent exact test at p < 0.05: 0.69 for 0.59, with part-timers
    and specialists among its flags); 0.93 or 0.97 did worse on the issue's bar."""
    max_chance_flags: float = Field(2.0, gt=0)
    """A flag also needs few agents to look this bad by chance: the agents judged times
    the agent's exact p-value (the expected number of agents at least this extreme if nobody
    were worse than peers) must stay at or below this. In a centre of 40 agents that is
    p <= 0.05 and rarely binds; at 3,600 agents it takes p <= 0.0006, so that a big centre's
    many unlucky agents are not flagged (without it: 66 false flags at 1.4 million calls)."""
    max_chance_watch: float = Field(10.0, gt=0)
    """The same allowance for `watch` (40 agents: p <= 0.25, never binds; 3,600: p <=
    0.003)."""
    watch_probability: float = Field(0.8, gt=0.5, lt=1)
    """Watch: real evidence that is not yet conclusive (at least this probability). Their
    callback calls share the review budget with flagged agents'."""
    interval: float = Field(0.9, gt=0, lt=1)
    """Coverage of the interval shown around each estimate."""
    min_prior_spread: float = Field(0.5, gt=0, le=3)
    """The spread of agents' true rates around the centre (standard deviation of the
    rate ratio) is estimated from all agents, but never below this: with a few dozen agents
    the estimate often collapses to zero, which would shrink every agent onto the centre and
    hide the weak ones."""
    max_prior_spread: float = Field(1.0, gt=0, le=3)
    """...and never above this."""
    settle_ratio: float = Field(1.7, gt=1)
    """'Insufficient evidence' while an agent's calls could not, on average, take an
    agent this many times peers' odds of a repeat (or failure) to the flag threshold. Reported
    with the calls that would settle it. FCR: with the defaults about 65-80 calls with a known
    outcome on an average mix (part-timers with 60 calls stay 'insufficient evidence')."""
    criterion_settle_ratio: float = Field(2.5, gt=1)
    """The same for criterion flags: criterion habits differ far more between agents
    than repeat rates (an agent who skips a phrase fails it on most calls), and a criterion
    applies on fewer calls (empathy on about 40 %), so the excess worth settling is larger."""
    outside_cause_excuses: bool = True
    """A repeat whose call names an outside cause (an outage, a courier, the back office)
    is not counted against the agent (nor in the centre's rates it is compared with)."""
    false_discovery_rate: float = Field(0.05, gt=0, lt=1)
    """Only for the `q_value` shown with each flag (Benjamini-Hochberg over the
    agents tested); the status no longer depends on it (at a centre's size it hid every weak
    agent)."""
    min_ratio: float = Field(1.25, ge=1)
    """Observed / expected must reach this too for a flag: a
    tiny excess made certain by a very high volume is a 'watch', not a flag."""
    process_fail_rate: float = Field(0.5, gt=0, le=1)
    """An agent 'fails' a criterion at this rate or more (for process issues)."""
    process_agent_share: float = Field(0.6, gt=0, le=1)
    """A criterion failed by at least this share of a team's or call type's agents is a
    process issue. For FCR: at least this share of a team's agents are above peers."""
    process_min_agents: int = Field(3, ge=2)
    process_probability: float = Field(0.99, gt=0.5, lt=1)
    """An FCR process issue re-bases a whole team, so it needs more than an agent's flag:
    the probability that the team (without its most suspect agents) is above peers must reach
    this. At 0.95, a team of five with two weak agents was sometimes taken for a process."""
    process_leave_out: float = Field(0.2, ge=0, lt=1)
    """A team has an FCR process issue only when its repeats stay above peers' (at
    `flag_probability`) without this share of its most suspect agents: two weak agents in a
    team of five are agents to coach, not a process to fix. Its agents are then compared with
    their own team."""

    @model_validator(mode="after")
    def _ordered(self) -> FlagSettings:
        if self.watch_probability > self.flag_probability:
            raise ValueError("watch_probability must not exceed flag_probability")
        if self.min_prior_spread > self.max_prior_spread:
            raise ValueError("min_prior_spread must not exceed max_prior_spread")
        return self


class ReviewSettings(BaseModel):
    """The review budget and how it is spent."""

    model_config = ConfigDict(extra="forbid")

    queue_size: int | None = Field(None, ge=1)
    """The review budget: calls QA can review in one cycle (a week). None:
    `reviews_per_agent` times the agents with calls in the period."""
    reviews_per_agent: int = Field(5, ge=1)
    """The budget per agent when `queue_size` is None (what random monitoring would
    spend: 'five calls per agent')."""
    control_share: float = Field(0.1, ge=0, lt=1)
    """Share of the budget spent on random control calls, drawn at random
    from the period's calls and listed after the targeted calls, so that review results
    stay an unbiased measure and the targeting can be checked against them."""
    typical_agent_share: float = Field(0.35, ge=0, le=1)
    """Share of a typical agent's repeats that their own handling caused (the rest:
    the customer, an outside cause, the process). It sets how much an agent's excess raises
    the chance that their callback call was their doing. Calibrate it from reviewed control
    calls."""
    resolution_failed_weight: float = Field(2.0, gt=0)
    """Likelihood ratio of a callback call failing `resolution_confirmed` (no
    confirmation, a deferral, the customer says it still does not work) for 'the agent
    caused the repeat'."""
    resolution_confirmed_weight: float = Field(0.6, gt=0)
    """Likelihood ratio of a confirmed resolution."""
    outside_cause_weight: float = Field(0.3, gt=0)
    """Likelihood ratio of a call that names
    an outside cause (an outage, a courier, the back office)."""
    suggestions_per_agent: int = Field(5, ge=1)
    low_score: float = Field(50.0, ge=0, le=100)
    """A call scoring below this (or failing a critical criterion) is queued for review
    whoever took it, after the targeted calls."""
    poor_share: float = Field(0.1, ge=0, le=1)
    """The share of the budget's targeted places kept for such poor calls."""
    exemplary_min_score: float = Field(85.0, ge=0, le=100)
    """An exemplary call (to praise,
    or keep for training) scores at least this and passes."""
    seed: int = 0
    """Seed of the control sample, so that a re-run draws the same calls."""


class ReviewLoopSettings(BaseModel):
    """The human review loop: disputes, and when the automatic scorer is trusted."""

    model_config = ConfigDict(extra="forbid")

    dispute_window_days: float = Field(7.0, ge=0)
    """An agent may dispute a verdict this many days after it was delivered (the call's
    first review, else its automatic score)."""
    disputes_per_period: int = Field(5, ge=1)
    """Disputes an agent may open in `dispute_period_days` (429 beyond)."""
    dispute_period_days: float = Field(30.0, gt=0)
    agreement_threshold: float = Field(0.8, gt=0, le=1)
    """A criterion whose automatic verdicts agree with reviewers less often than this (once
    `min_reviews_for_trust` reviews exist) is not trusted: its automatic failures stop
    driving flags. DOMAIN.md: ~90 % on objective items, ~80 % on subjective ones."""
    min_reviews_for_trust: int = Field(20, ge=1)
    """Human verdicts needed before a criterion's agreement is judged (DOMAIN.md: ~20)."""
    agreement_days: int = Field(90, ge=1)
    """The period the trust judgement looks back over (reviews made in it)."""
    confidence: float = Field(0.95, gt=0, lt=1)
    """Level of the agreement's Wilson interval."""


class AudioSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    max_duration_seconds: float = Field(4 * 3600, gt=0)
    identical_channels_max_residual_db: float = -20.0
    """Channels whose difference is this many dB (or more) below the first channel's energy
    carry one signal (a mono call saved as stereo; lossy codecs keep them from being exact)."""


class FlowSettings(BaseModel):
    """How the Prefect flows run their tasks (callqa.flows)."""

    model_config = ConfigDict(extra="forbid")

    task_runner: Literal["processes", "threads", "dask"] = "processes"
    """`processes`: Prefect's process pool on this machine, `workers` processes, each with
    its own model (one thread each is the fastest use of CPU cores; on one GPU, several
    processes share it). `threads`: a thread pool in the flow's process (transcription then
    runs one call at a time per loaded model). `dask`: prefect-dask's DaskTaskRunner, on
    `dask_address` or else a local cluster of `dask_workers` processes."""
    workers: int = Field(2, ge=1)
    """Processes (or threads) of the local task runner."""
    dask_address: str | None = None
    """A running Dask scheduler (`tcp://scheduler:8786`); None starts a local cluster."""
    dask_workers: int = Field(2, ge=1)
    """Worker processes of the local Dask cluster (each loads its own Whisper model)."""
    score_chunk_size: int = Field(500, ge=1)
    """Calls scored per task (and per transaction) when only scoring is redone."""
    transcription_timeout_seconds: float = Field(3600, gt=0)
    scoring_timeout_seconds: float = Field(1800, gt=0)
    retries: int = Field(2, ge=0)
    """Retries of a task that failed for a transient reason (database connection, archive
    network, GPU out of memory); a bad recording is never retried."""
    retry_delay_seconds: float = Field(10, ge=0)
    gpu_tag: str = "callqa-gpu"
    """Tag of the transcription task: `prefect concurrency-limit create callqa-gpu N` on a
    Prefect server allows N transcriptions at once across all workers (GPUs x `workers`)."""
    claim_timeout_seconds: float = Field(6 * 3600, gt=0)
    """A call claimed by a worker on another machine that has not finished after this long
    is taken over (a worker on this machine that died is noticed at once)."""


class ApiSettings(BaseModel):
    """The web service (`callqa serve`)."""

    model_config = ConfigDict(extra="forbid")

    secret_key: SecretStr | None = None
    """Signs access tokens and sessions. Unset: generated on first start and kept in
    `<data_dir>/secret_key` (readable by its owner only); never put it in the repository."""
    token_minutes: int = Field(30, ge=1, le=24 * 60)
    """How long an access token lives."""
    max_upload_mb: float = Field(200.0, gt=0)
    """The largest recording or transcript an upload may send (413 above it)."""
    process_uploads: Literal["inline", "queue"] = "inline"
    """`inline`: an uploaded call is processed by the server process right after the upload
    (the embedded default); `queue`: it waits for `callqa process` or a deployed flow."""
    sign_in_attempts: int = Field(5, ge=1)
    """Failed sign-ins allowed per username and per address in `sign_in_window_seconds`."""
    sign_in_window_seconds: int = Field(300, ge=1)
    page_size: int = Field(50, ge=1, le=500)
    """Items per page when a request gives no `limit` (at most 500)."""
    plain_http: bool = False
    """The web pages are reached over plain http at an address browsers do not treat as
    secure (not localhost): the session cookie is then sent without `Secure`. Leave false
    behind HTTPS and on localhost: the cookie is `Secure`, `HttpOnly` and `SameSite=Lax`."""
    session_hours: float = Field(8.0, gt=0, le=24 * 30)
    """How long a web page sign-in lasts (the signed session cookie's lifetime)."""


RedactionKindName = Literal[
    "PCI:CARD", "PCI:CVV", "PCI:EXPIRY", "PII:PHONE", "PII:EMAIL", "PII:DOB", "PII:IBAN",
    "PII:ACCOUNT", "PII:POSTCODE", "PII:NATIONAL_ID",
]
ALL_REDACTION_KINDS: frozenset[RedactionKindName] = frozenset(
    ("PCI:CARD", "PCI:CVV", "PCI:EXPIRY", "PII:PHONE", "PII:EMAIL", "PII:DOB", "PII:IBAN",
     "PII:ACCOUNT", "PII:POSTCODE", "PII:NATIONAL_ID"))


class RedactionSettings(BaseModel):
    """What is taken out of transcripts and recordings before they are kept
    (callqa.pipeline.redact, docs/privacy.md)."""

    model_config = ConfigDict(extra="forbid")

    kinds: frozenset[RedactionKindName] = ALL_REDACTION_KINDS
    """The kinds replaced by their tag. PCI DSS forbids keeping a card's security code after
    authorisation, so the PCI kinds are on by default; so are the personal data kinds. Every
    kind is still detected, so that a kind left out never passes as another."""
    cue_window_words: int = Field(20, ge=1)
    """How far (words; characters in Chinese, counted 1.5 times) a secret may follow its
    cue ('the three digits on the back, please' ... 'one two three')."""
    join_gap_seconds: float = Field(4.0, ge=0)
    """Utterances of one speaker less than this apart are read as one: a card number said
    with a pause ('4532 0151' ... '1283 0366') is one number."""
    audio: Literal["original", "silence", "tone"] = "original"
    """What is kept of a recording: the original, or a copy with the redacted spans silenced
    or covered by a tone (callqa.pipeline.silence)."""
    pad_seconds: float = Field(0.25, ge=0)
    """Added before and after each redacted span in the audio (word timestamps are
    approximate, and echo lingers)."""
    tone_hz: float = Field(1000.0, gt=0)
    tone_dbfs: float = Field(-18.0, le=0)


class RetentionSettings(BaseModel):
    """How long calls are kept (`callqa purge`, the daily `purge-expired` flow;
    docs/privacy.md). A call's age runs from when it started (its metadata's `started_at`),
    else from when it was stored. A call under legal hold is never purged."""

    model_config = ConfigDict(extra="forbid")

    default_days: int | None = Field(None, ge=1)
    """Days a call of a type not named in `days_by_call_type` is kept; None keeps it."""
    days_by_call_type: dict[str, Annotated[int, Field(ge=1)] | None] = {}
    """Days per call type (`billing: 365`); None keeps that type whatever the default."""

    def days_for(self, call_type: str | None) -> int | None:
        """The retention of a call type (None: kept until deleted by hand)."""
        if call_type is not None and call_type in self.days_by_call_type:
            return self.days_by_call_type[call_type]
        return self.default_days


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="CALLQA_", env_nested_delimiter="__", extra="forbid"
    )

    transcription: TranscriptionSettings = TranscriptionSettings()
    audio: AudioSettings = AudioSettings()
    diarization: DiarizationSettings = DiarizationSettings()
    metrics: MetricsSettings = MetricsSettings()
    fcr: FcrSettings = FcrSettings()
    flags: FlagSettings = FlagSettings()
    review: ReviewSettings = ReviewSettings()
    review_loop: ReviewLoopSettings = ReviewLoopSettings()
    activity_vad: VadSettings = VadSettings(min_silence_duration_ms=250, speech_pad_ms=30)
    """Fine-grained voice activity for diarization and conversation metrics. (Whisper's own
    VAD joins pauses under 2 s, which suits recognition but would hide silences.)"""
    flows: FlowSettings = FlowSettings()
    api: ApiSettings = ApiSettings()
    redaction: RedactionSettings = RedactionSettings()
    retention: RetentionSettings = RetentionSettings()
    data_dir: Path = Path("callqa-data")
    """Where the server keeps what it makes: uploaded recordings (`uploads/`) and the
    generated secret key. Relative paths are from the working directory."""
    scorecards_dir: Path | None = None
    """A folder of scorecard YAML files used instead of the bundled ones
    (callqa/configs/scorecards); a changed file is picked up by the next run."""
    default_channel_layout: ChannelLayout | None = None
    """Layout for calls whose metadata does not say; None leaves the roles unknown."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"
    database_url: str = "sqlite:///callqa.db"
    """SQLite file by default; PostgreSQL with postgresql+psycopg://user@host/db."""

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        yaml_file = _settings_file()
        sources: list[PydanticBaseSettingsSource] = [init_settings, env_settings]
        if yaml_file is not None:
            sources.append(YamlConfigSettingsSource(settings_cls, yaml_file=yaml_file))
        return tuple(sources)


def _settings_file() -> Path | None:
    explicit = os.environ.get("CALLQA_SETTINGS_FILE")
    if explicit:
        return Path(explicit)
    return DEFAULT_SETTINGS_FILE if DEFAULT_SETTINGS_FILE.is_file() else None


def load_settings(**overrides: Any) -> Settings:
    """Build the settings; the error names the source and the field at fault."""
    yaml_file = _settings_file()
    if yaml_file is not None and not yaml_file.is_file():
        raise SettingsError(
            f"{yaml_file}: settings file not found (CALLQA_SETTINGS_FILE points at it); "
            "fix the path or unset the variable"
        )
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        where = f" (file {yaml_file}, or CALLQA_* environment)" if yaml_file else ""
        problems = "; ".join(
            f"'{'.'.join(str(p) for p in err['loc'])}': {err['msg']}" for err in exc.errors()
        )
        raise SettingsError(f"invalid settings{where}: {problems}") from exc
    except Exception as exc:  # YAML syntax errors surface from the source
        raise SettingsError(f"cannot read settings{f' from {yaml_file}' if yaml_file else ''}: "
                            f"{exc}") from exc

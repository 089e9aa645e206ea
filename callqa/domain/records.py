"""The typed records that travel the whole path: call metadata, audio, words, utterances.

They are pydantic models so that a transcript written by one process (or another system)
is validated when it is read back. All are frozen: a stage returns new records.
"""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Any, Literal, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

TRANSCRIPT_SCHEMA = "callqa.transcript/1"
CALL_TYPE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_\-]*$")


class Role(StrEnum):
    AGENT = "agent"
    CUSTOMER = "customer"
    UNKNOWN = "unknown"


class ChannelLayout(StrEnum):
    """Where the agent is in a recording. `mono`: both parties on one channel."""

    AGENT_LEFT = "agent_left"
    AGENT_RIGHT = "agent_right"
    MONO = "mono"


class FrozenRecord(BaseModel):
    """A record that is validated once and never changed: a stage returns new ones."""

    model_config = ConfigDict(frozen=True, extra="forbid")


class CallMetadata(BaseModel):
    """What the telephony system or CRM knows about a call. Unknown fields are kept."""

    model_config = ConfigDict(frozen=True, extra="allow", str_strip_whitespace=True)

    call_id: str | None = Field(default=None, min_length=1, max_length=200)
    agent_id: str | None = Field(default=None, min_length=1, max_length=200)
    agent_name: str | None = Field(default=None, min_length=1, max_length=200)
    team_id: str | None = Field(default=None, min_length=1, max_length=200)
    customer_id: str | None = Field(default=None, min_length=1, max_length=200)
    customer_name: str | None = Field(default=None, min_length=1, max_length=200)
    call_type: str | None = Field(default=None, max_length=64)
    started_at: AwareDatetime | None = None
    direction: Literal["inbound", "outbound", "internal"] | None = None
    language: str | None = Field(default=None, pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")
    channel_layout: ChannelLayout | None = None

    @field_validator("call_type")
    @classmethod
    def _call_type_is_a_name(cls, value: str | None) -> str | None:
        if value is not None and not CALL_TYPE_PATTERN.match(value):
            raise ValueError("call_type is a name such as billing or technical_support: lower-"
                             "case letters, digits, '_' or '-', no spaces")
        return value

    @field_validator("started_at", mode="before")
    @classmethod
    def _reject_naive_timestamps(cls, value: Any) -> Any:
        # pydantic reads 12345 (or "12345") as seconds since 1970: a CRM export's call
        # number or a local time in the wrong column would pass as a date in 1970.
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if numeric or (isinstance(value, str) and value.strip().replace(".", "", 1).isdigit()):
            raise ValueError("started_at must be a date and time with a time zone, e.g. "
                             "2026-11-02T09:15:00+00:00, not a number (convert Unix times "
                             "to ISO 8601)")
        if isinstance(value, datetime) and value.tzinfo is None:
            raise ValueError("started_at needs a time zone, e.g. 2026-11-02T09:15:00+00:00")
        return value


class AudioInfo(FrozenRecord):
    """The recording as found on disk, before any resampling."""

    path: str
    sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    format: str
    codec: str
    sample_rate: int = Field(gt=0)
    channels: int = Field(gt=0)
    duration: float = Field(ge=0)
    identical_channels: bool = False
    """Two or more channels carrying the same signal: the call is really mono."""


class _Span(FrozenRecord):
    """Something with a start and an end on the call's timeline, in seconds: never negative,
    never ending before it starts (a transcript from another system is checked on the way
    in). Spans may overlap: both parties talking at once is real. Each kind declares its own
    `start` and `end`, so that its fields keep their order in the JSON."""

    if TYPE_CHECKING:
        start: float
        end: float

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.end < self.start:
            raise ValueError(f"end {self.end} is before start {self.start}")
        return self


class Word(_Span):
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    text: str
    probability: float = Field(ge=0, le=1)


class Utterance(_Span):
    speaker: str
    role: Role
    start: float = Field(ge=0)
    end: float = Field(ge=0)
    text: str
    words: tuple[Word, ...] = ()
    channel: int | None = None


class Speaker(FrozenRecord):
    id: str
    role: Role = Role.UNKNOWN
    channel: int | None = None


class SpeechRegion(_Span):
    """A stretch of voice activity found by the VAD, on one channel (None: the mixed signal)."""

    channel: int | None
    start: float = Field(ge=0)
    end: float = Field(ge=0)


class Turn(_Span):
    """Who spoke when, from voice activity (a stereo channel) or the diarization."""

    speaker: str
    role: Role
    start: float = Field(ge=0)
    end: float = Field(ge=0)


class RoleAssignment(FrozenRecord):
    """How the agent and customer roles were decided, and how sure that is."""

    method: Literal["channel_layout", "inferred", "source", "none"]
    """`source`: an imported transcript gave every speaker's role (docs/transcript-import.md)."""
    confidence: float = Field(ge=0, le=1)
    cues: tuple[str, ...] = ()


class ModelInfo(FrozenRecord):
    """The model and options that produced a transcript (habit 3: results carry their options)."""

    id: str
    sha256: str | None = None
    device: str | None = None
    """None for an imported transcript: what ran the source's model is not known."""
    compute_type: str | None = None
    options: dict[str, Any] = Field(default_factory=dict)
    options_hash: str


class RoleMetrics(FrozenRecord):
    """Conversation measures of one role (agent, customer or unknown). None: unknown, a
    measure an imported transcript without timings cannot have and its source did not give
    (docs/transcript-import.md); callqa's own pipeline measures every one."""

    talk_time: float | None = Field(default=None, ge=0)
    """Seconds this role speaks (its voice activity, overlaps included)."""
    talk_share: float | None = Field(default=None, ge=0, le=1)
    """This role's talk time over the sum of all roles' talk time."""
    longest_monologue: float | None = Field(default=None, ge=0)
    """Longest stretch this role speaks without the other side taking a turn."""
    interruptions: int | None = Field(default=None, ge=0)
    """Times this role started speaking while the other side was mid-turn."""
    words_per_minute: float | None = Field(default=None, ge=0)
    """Words over talk time; None when the role has no talk time."""


class ConversationMetrics(FrozenRecord):
    """Measures of the whole call (pure functions in `callqa.pipeline.metrics`). None:
    unknown, as in `RoleMetrics` (an import without timings)."""

    handle_time: float | None = Field(default=None, ge=0)
    """Seconds from the start to the end of the recording."""
    talk_time: float | None = Field(default=None, ge=0)
    """Seconds during which at least one party speaks."""
    non_talk_time: float | None = Field(default=None, ge=0)
    """Seconds with nobody speaking (silence, hold, dead air), from voice activity."""
    non_talk_share: float | None = Field(default=None, ge=0, le=1)
    longest_silence: float | None = Field(default=None, ge=0)
    overtalk_time: float | None = Field(default=None, ge=0)
    """Seconds during which both parties speak at once."""
    overtalk_count: int | None = Field(default=None, ge=0)
    by_role: dict[Role, RoleMetrics] = Field(default_factory=dict)


class TranscriptSource(FrozenRecord):
    """Where a transcript imported from another system came from (`callqa.import/1`,
    docs/transcript-import.md); None on the transcripts callqa makes itself."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_id: Literal["callqa.import/1"] = Field(default="callqa.import/1", alias="schema")
    audio: str | None = None
    """The recording's path or URI as the source gave it (callqa has not read it)."""
    timed: bool = True
    """False: the utterances had no times (a chat, an export in order only); their `start`
    and `end` are 0 and every measure and window that needs time is unknown."""
    metrics_given: tuple[str, ...] = ()
    """The measures the source gave (`non_talk_share`, `by_role.agent.talk_share`...); the
    others were measured from the utterance times, or are unknown."""


class Transcript(FrozenRecord):
    """The `callqa.transcript/1` contract, see docs/transcript-format.md."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_id: Literal["callqa.transcript/1"] = Field(default="callqa.transcript/1", alias="schema")
    call_id: str | None = None
    language: str
    duration: float = Field(ge=0)
    audio: AudioInfo | None = None
    """None: no recording was analysed (an imported transcript, see `source`)."""
    model: ModelInfo
    diarization: Literal["channels", "embedded", "pyannote", "source"] = "channels"
    """How speakers were found: one per stereo channel, a diarization backend, or as an
    imported transcript's `source` gave them."""
    speakers: tuple[Speaker, ...]
    roles: RoleAssignment
    utterances: tuple[Utterance, ...]
    turns: tuple[Turn, ...] = ()
    """Speaker turns ordered by start (may overlap on stereo calls: both parties talking)."""
    voice_activity: tuple[SpeechRegion, ...] = ()
    metrics: ConversationMetrics | None = None
    metadata: CallMetadata | None = None
    source: TranscriptSource | None = None
    """The import it was made from; None when callqa transcribed the call."""

    @property
    def timed(self) -> bool:
        """Whether the utterance times are real (False: an import without timings)."""
        return self.source is None or self.source.timed

    def to_json(self, indent: int | None = 2) -> str:
        return self.model_dump_json(by_alias=True, indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> Transcript:
        return cls.model_validate_json(text)

    def text_by_role(self, role: Role) -> str:
        return " ".join(u.text for u in self.utterances if u.role == role)

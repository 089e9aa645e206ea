"""`callqa.import/1`: the minimal transcript another system can hand callqa (another ASR
vendor's export, a chat log, a transcript with partial measures), see
docs/transcript-import.md. Validated here, once, with a message per fault that names the
utterance and the fix; `callqa.pipeline.imports.transcript_from_import` turns it into a
`callqa.transcript/1` record (roles, metrics) that scoring and the store take as any other.
"""

from __future__ import annotations

import json
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from callqa.domain.records import CallMetadata, ConversationMetrics, Transcript

IMPORT_SCHEMA = "callqa.import/1"
IMPORT_FIX = ("correct the named fields as docs/transcript-import.md describes (a minimal "
              "callqa.import/1 file: schema, language, utterances with role or speaker and text)")
ImportRole = Literal["agent", "customer"]
_ROLES = ("agent", "customer")


class ImportedUtterance(BaseModel):
    """One thing said: by a `role`, or by a `speaker` whose role callqa decides, or both;
    `start` and `end` in seconds on the call's timeline, or neither (a chat)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    speaker: str | None = Field(default=None, min_length=1, max_length=100)
    role: ImportRole | None = None
    start: float | None = Field(default=None, ge=0)
    end: float | None = Field(default=None, ge=0)
    text: str

    @field_validator("role", mode="before")
    @classmethod
    def _known_role(cls, value: Any) -> Any:
        if value is not None and value not in _ROLES:
            raise ValueError(f"unknown role {value!r}: give 'agent' or 'customer', or leave "
                             "role out and give 'speaker' (callqa then decides the roles)")
        return value

    @field_validator("text")
    @classmethod
    def _says_something(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("the text is empty: give what was said, or drop the utterance")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.role is None and self.speaker is None:
            raise ValueError("neither role nor speaker: give role ('agent' or 'customer') or "
                             "speaker (an id such as 'S1')")
        if (self.start is None) != (self.end is None):
            given, missing = ("start", "end") if self.end is None else ("end", "start")
            raise ValueError(f"{given} without {missing}: give both, or neither (a chat)")
        if self.start is not None and self.end is not None and self.end < self.start:
            raise ValueError(f"end {self.end:g} is before start {self.start:g}: correct the "
                             "times (seconds from the start of the call)")
        return self

    @property
    def timed(self) -> bool:
        return self.start is not None


class ImportedTranscript(BaseModel):
    """The `callqa.import/1` document. Unknown keys are refused, so that typos are caught."""

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    schema_id: Literal["callqa.import/1"] = Field(alias="schema")
    call_id: str | None = Field(default=None, min_length=1, max_length=200)
    language: str = Field(pattern=r"^[a-z]{2,3}(-[A-Za-z0-9]+)?$")
    """ISO 639-1 code (`en`, `fa`, `zh`...): chooses the scorecard's phrase sets."""
    duration: float | None = Field(default=None, ge=0)
    """Seconds of the call; default: the last utterance's end (unknown without timings)."""
    audio: str | None = Field(default=None, min_length=1)
    """The recording's path or URI, when there is one (kept, not read)."""
    model: str | None = Field(default=None, min_length=1, max_length=200)
    """What produced the text (`vendor-asr 2026-09`, `chat export`...)."""
    speakers: dict[str, ImportRole] = Field(default_factory=dict)
    """Speaker id to role, for utterances that give `speaker` alone."""
    metrics: ConversationMetrics | None = None
    """Conversation measures the source has (`callqa.transcript/1` names); they win over
    those callqa measures from the utterance times."""
    metadata: CallMetadata | None = None
    utterances: tuple[ImportedUtterance, ...]

    @property
    def own_metadata(self) -> CallMetadata | None:
        """The document's metadata with its top-level `call_id` over the one inside: what a
        manifest line, an upload's form or a `--metadata` file then overrides, so that every
        way in names the call alike (outside fields, then `call_id`, then `metadata.call_id`)."""
        if self.call_id is None:
            return self.metadata
        if self.metadata is None:
            return CallMetadata(call_id=self.call_id)
        return self.metadata.model_copy(update={"call_id": self.call_id})

    @field_validator("speakers", mode="before")
    @classmethod
    def _known_roles(cls, value: Any) -> Any:
        if isinstance(value, dict):
            for speaker, role in value.items():
                if role not in _ROLES:
                    raise ValueError(f"speaker {speaker!r} has unknown role {role!r}: map each "
                                     "speaker to 'agent' or 'customer'")
        return value

    @field_validator("utterances")
    @classmethod
    def _timeline(cls, utterances: tuple[ImportedUtterance, ...]
                  ) -> tuple[ImportedUtterance, ...]:
        if not utterances:
            raise ValueError("no utterances: give at least one, each with text and a role or "
                             "speaker")
        timed = [index for index, u in enumerate(utterances) if u.timed]
        if timed and len(timed) != len(utterances):
            untimed = next(i for i, u in enumerate(utterances) if not u.timed)
            raise ValueError(f"utterance {untimed} has no start and end but utterance "
                             f"{timed[0]} has: give times for every utterance, or for none "
                             "(a chat)")
        for index in range(1, len(utterances)):
            before, this = utterances[index - 1].start, utterances[index].start
            if before is not None and this is not None and this < before:
                raise ValueError(f"utterance {index} starts at {this:g} s, before utterance "
                                 f"{index - 1} ({before:g} s): order the utterances by start")
        return utterances

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        used = {u.speaker for u in self.utterances if u.speaker is not None}
        unused = sorted(set(self.speakers) - used)
        if unused:
            raise ValueError(f"speakers: {unused[0]!r} speaks no utterance (the utterances' "
                             f"speakers are {', '.join(map(repr, sorted(used))) or 'none'}): "
                             "correct the speaker id")
        decided: dict[str, tuple[str, int | None]] = {
            s: (r, None) for s, r in self.speakers.items()}
        for index, u in enumerate(self.utterances):
            if u.speaker is None or u.role is None:
                continue
            role, where = decided.setdefault(u.speaker, (u.role, index))
            if role != u.role:
                said = "speakers maps it to" if where is None else f"utterance {where} gives"
                raise ValueError(f"utterance {index}: speaker {u.speaker!r} has role "
                                 f"{u.role!r} but {said} {role!r}: one speaker has one role")
        last_end = max((u.end for u in self.utterances if u.end is not None), default=None)
        if self.duration is not None and last_end is not None and last_end > self.duration:
            index = next(i for i, u in enumerate(self.utterances) if u.end == last_end)
            raise ValueError(f"utterance {index} ends at {last_end:g} s, after the duration "
                             f"{self.duration:g} s: correct the duration, or leave it out")
        return self

    @property
    def timed(self) -> bool:
        """Every utterance has times (validated: all or none)."""
        return self.utterances[0].timed


def is_import(content: str | bytes) -> bool:
    """Whether `content` is a JSON object whose `schema` is a `callqa.import` version (another
    version is then refused as an import, naming the one callqa reads); anything else is read
    as `callqa.transcript/1`, whose validation names what is wrong."""
    try:
        data = json.loads(content)
    except (ValueError, RecursionError):
        return False
    schema = data.get("schema") if isinstance(data, dict) else None
    return isinstance(schema, str) and schema.startswith(IMPORT_SCHEMA.split("/")[0] + "/")


def parse_transcript_document(content: str | bytes) -> Transcript | ImportedTranscript:
    """A `callqa.transcript/1` or a `callqa.import/1` document, told apart by its `schema`;
    raises pydantic's ValidationError (`schema_of` says which shape it was read as)."""
    if is_import(content):
        return ImportedTranscript.model_validate_json(content)
    return Transcript.from_json(content)


def schema_of(error: ValidationError) -> str:
    """The contract a document failed to validate as: `callqa.import/1` or
    `callqa.transcript/1`."""
    return IMPORT_SCHEMA if error.title == ImportedTranscript.__name__ else "callqa.transcript/1"


def import_problems(error: ValidationError, limit: int = 5) -> str:
    """pydantic's complaints about an import on one line, `where: what; ...`, each naming its
    field or utterance (`utterances.3.text: the text is empty: ...`; the checks across
    fields name their place in the message)."""
    parts = []
    for found in error.errors()[:limit]:
        where = ".".join(str(p) for p in found["loc"])
        message = found["msg"].removeprefix("Value error, ")
        parts.append(f"{where}: {message}" if where else message)
    more = error.error_count() - limit
    return "; ".join(parts) + (f" (and {more} more)" if more > 0 else "")

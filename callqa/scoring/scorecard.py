"""The scorecard YAML as validated, frozen data (see docs/score-format.md for every field).

A scorecard has sections with weights and criteria. Each criterion has a stable `id`, a
`kind` that says how it is judged, `points`, `critical` (a fail fails the call), `compliance`
(also counted in the separate compliance score) and optional applicability (`when`). Phrase
sets are given per language; each phrase is plain text, a proximity pair or a regex.
"""

from __future__ import annotations

import hashlib
import string
from collections.abc import Iterator
from functools import cached_property
from typing import Annotated, Any, ClassVar, Literal, Protocol

import re2
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from callqa.domain.text import SUPPORTED_LANGUAGES

_IDENTIFIER = r"^[a-z][a-z0-9_]*$"
_CALL_TYPE = r"^[a-z0-9][a-z0-9_\-]*$"


def _known_language(code: str) -> str:
    if code not in SUPPORTED_LANGUAGES:
        raise ValueError(
            f"unknown language {code!r}; callqa matches phrases in {', '.join(SUPPORTED_LANGUAGES)}"
            " (ISO 639-1 codes); a new language needs its normalisation and negation cues in"
            " callqa/scoring/text.py and languages.py"
        )
    return code


LanguageCode = Annotated[str, AfterValidator(_known_language)]
RoleChoice = Literal["agent", "customer", "any"]


class _Strict(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _not_blank(text: str) -> str:
    if not text.strip():
        raise ValueError("empty phrase")
    return text


Phrase = Annotated[str, AfterValidator(_not_blank)]


class NearPhrase(_Strict):
    """Proximity: a term of the first list at most `within` words from a term of the second,
    in either order ("card" within 3 words of "cancel": positions differ by at most 3)."""

    near: tuple[tuple[Phrase, ...], tuple[Phrase, ...]]
    within: int = Field(default=3, ge=1, le=20)

    @field_validator("near")
    @classmethod
    def _two_non_empty_lists(
        cls, value: tuple[tuple[str, ...], tuple[str, ...]]
    ) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if not value[0] or not value[1]:
            raise ValueError("both term lists of `near` need at least one term")
        return value


class RegexMatch(Protocol):
    def start(self) -> int: ...
    def end(self) -> int: ...


class Regex(Protocol):
    """A compiled scorecard regex (RE2): `finditer` as Python's `re` has it."""

    def finditer(self, text: str) -> Iterator[RegexMatch]: ...


def compile_regex(pattern: str) -> Regex:
    """A scorecard regex compiled by RE2, whose matching time is linear in the text whatever
    the pattern: a scorecard cannot hang scoring with a pattern that backtracks
    exponentially, as `(x+x+)+y` does in Python's `re` on a run of x's. RE2 has no
    backreferences or lookarounds, and its `\\b`, `\\w` and `\\d` are ASCII-only. A
    pattern RE2 cannot compile raises ValueError naming the cause and the fix."""
    options = re2.Options()
    options.log_errors = False  # the reason is in the exception (else RE2 writes to stderr)
    try:
        compiled: Regex = re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        reason = reason.decode("utf-8", "replace") if isinstance(reason, bytes) else reason
        raise ValueError(
            f"bad regex {pattern!r}: {reason}. Scorecard regexes are RE2 (linear time: no "
            "backreferences such as \\1, no lookarounds such as (?=...) or (?<=...)). Fix: "
            "rewrite it in RE2 syntax, or use phrases or a `near` pair") from exc
    return compiled


class RegexPhrase(_Strict):
    """A regular expression (RE2 syntax) searched in the normalised text of each turn."""

    regex: str

    @field_validator("regex")
    @classmethod
    def _compiles(cls, value: str) -> str:
        compile_regex(value)
        return value


def _alternative_kind(value: Any) -> str | None:
    if isinstance(value, str):
        return "text"
    if isinstance(value, dict | NearPhrase | RegexPhrase):
        keys = value if isinstance(value, dict) else type(value).model_fields
        if "near" in keys:
            return "near"
        if "regex" in keys:
            return "regex"
    return None


PhraseAlternative = Annotated[
    Annotated[Phrase, Tag("text")]
    | Annotated[NearPhrase, Tag("near")]
    | Annotated[RegexPhrase, Tag("regex")],
    Discriminator(
        _alternative_kind,
        custom_error_type="phrase",
        custom_error_message=(
            "a phrase is a string, {near: [[terms], [terms]], within: N} or {regex: PATTERN}"
        ),
    ),
]
PhraseSet = dict[LanguageCode, tuple[PhraseAlternative, ...]]
"""Alternatives per language; any one of them satisfies the set."""


class Window(_Strict):
    """Where to search. Seconds count from the first utterance's start (ringing and leading
    silence excluded) and back from the last utterance's end; an utterance is inside when it
    starts before `first_seconds` or ends after the last `last_seconds`. Turns are the
    criterion role's turns (consecutive utterances of one party)."""

    first_seconds: float | None = Field(default=None, gt=0)
    last_seconds: float | None = Field(default=None, gt=0)
    first_turns: int | None = Field(default=None, ge=1)
    last_turns: int | None = Field(default=None, ge=1)
    exclude_first_turns: int = Field(default=0, ge=0)
    """Never search the role's first turns: a closing in the last 2 turns must not be the
    greeting's "thank you for calling" when the agent spoke only twice."""

    @model_validator(mode="after")
    def _one_edge(self) -> Window:
        edges = (self.first_seconds, self.last_seconds, self.first_turns, self.last_turns)
        set_edges = sum(edge is not None for edge in edges)
        if set_edges > 1 or (set_edges == 0 and not self.exclude_first_turns):
            raise ValueError(
                "set one of first_seconds, last_seconds, first_turns, last_turns"
                " (optionally with exclude_first_turns)"
            )
        return self


class Applicability(_Strict):
    """When a criterion applies at all; otherwise its outcome is `na`."""

    directions: tuple[Literal["inbound", "outbound", "internal"], ...] | None = None
    """Call directions it applies to (a call with no direction in its metadata: applies)."""
    min_duration: float | None = Field(default=None, ge=0)
    """Shorter calls (seconds) are not judged."""


class _CriterionBase(_Strict):
    id: str = Field(pattern=_IDENTIFIER, max_length=64)
    section: str
    points: float = Field(gt=0)
    critical: bool = False
    compliance: bool = False
    description: str = ""
    when: Applicability | None = None

    PHRASE_SETS: ClassVar[tuple[str, ...]] = ()
    """Fields holding a PhraseSet: compiled into the matcher, checked for every language."""

    def phrase_sets(self) -> dict[str, PhraseSet]:
        return {name: getattr(self, name) for name in self.PHRASE_SETS}


class PhraseCriterion(_CriterionBase):
    """Required (or prohibited) phrases, said by a role, in a window."""

    kind: Literal["phrase"]
    role: RoleChoice = "agent"
    mode: Literal["required", "prohibited"] = "required"
    window: Window | None = None
    phrases: PhraseSet
    negation: bool = True
    """Ignore negated matches ("I can't help you" is not "help you")."""

    PHRASE_SETS: ClassVar[tuple[str, ...]] = ("phrases",)


_PLACEHOLDERS = {"first", "last", "full", "title"}


def _check_name_form(form: str) -> str:
    fields = {name for _, name, _, _ in string.Formatter().parse(form) if name is not None}
    if unknown := fields - _PLACEHOLDERS:
        raise ValueError(f"unknown placeholder(s) {sorted(unknown)}; use {{first}}, {{last}},"
                         " {full} and {title}")
    if not fields & {"first", "last", "full"}:
        raise ValueError("a name form needs {first}, {last} or {full}")
    return form


NameForm = Annotated[str, AfterValidator(_check_name_form)]


class GreetingByNameCriterion(_CriterionBase):
    """The agent addresses the customer by the name in the call metadata (`customer_name`)."""

    kind: Literal["greeting_by_name"]
    window: Window | None = None
    name_forms: dict[LanguageCode, tuple[NameForm, ...]]
    """Templates such as "{first}", "{title} {last}", "{last}{title}" (Chinese)."""
    titles: dict[LanguageCode, tuple[Phrase, ...]] = Field(default_factory=dict)
    min_similarity: float = Field(default=0.85, gt=0, le=1)
    """Jaro-Winkler similarity a heard word needs to count as the name (ASR misspellings)."""


class AgentIntroductionCriterion(_CriterionBase):
    """The agent says their own name (`agent_name`) or an introduction phrase."""

    kind: Literal["agent_introduction"]
    window: Window | None = None
    phrases: PhraseSet
    """Introduction phrases ("my name is"), enough on their own (the name may be misheard)."""
    min_similarity: float = Field(default=0.85, gt=0, le=1)

    PHRASE_SETS: ClassVar[tuple[str, ...]] = ("phrases",)


class EmpathyCriterion(_CriterionBase):
    """Applies only when the customer gives an occasion; then the agent must acknowledge it."""

    kind: Literal["empathy"]
    occasions: PhraseSet
    """Customer cues: a complaint, distress, a repeated problem."""
    acknowledgements: PhraseSet
    """Agent cues: apology, understanding, reassurance."""
    scripted: PhraseSet = Field(default_factory=dict)
    """Optional: stock phrases that acknowledge nothing ("thank you for your patience",
    "sorry, could you repeat that?"). An acknowledgement inside one does not count."""
    within_agent_turns: int = Field(default=2, ge=1)
    require: Literal["each", "any"] = "each"
    """`each`: every occasion must be acknowledged; `any`: one acknowledged occasion passes."""
    negation: bool = True

    PHRASE_SETS: ClassVar[tuple[str, ...]] = ("occasions", "acknowledgements", "scripted")

    def phrase_sets(self) -> dict[str, PhraseSet]:
        sets = super().phrase_sets()
        if not self.scripted:
            del sets["scripted"]  # optional: a scorecard without it needs no phrases for it
        return sets


class ResolutionCriterion(_CriterionBase):
    """Agent or customer confirms the request was done; non-resolution cues fail it. The last
    cue in the call decides (a confirmation after "I can't do that online" still passes)."""

    kind: Literal["resolution"]
    agent_confirms: PhraseSet
    customer_confirms: PhraseSet
    agent_unresolved: PhraseSet
    customer_unresolved: PhraseSet
    negation: bool = True

    PHRASE_SETS: ClassVar[tuple[str, ...]] = (
        "agent_confirms", "customer_confirms", "agent_unresolved", "customer_unresolved",
    )


CALL_METRICS = (
    "handle_time", "talk_time", "non_talk_time", "non_talk_share", "longest_silence",
    "overtalk_time", "overtalk_count",
)
ROLE_METRICS = ("talk_time", "talk_share", "longest_monologue", "interruptions",
                "words_per_minute")


class MetricCriterion(_CriterionBase):
    """A threshold on `transcript.metrics` (na when the transcript has no metrics)."""

    kind: Literal["metric"]
    metric: Literal[
        "handle_time", "talk_time", "non_talk_time", "non_talk_share", "longest_silence",
        "overtalk_time", "overtalk_count", "talk_share", "longest_monologue", "interruptions",
        "words_per_minute",
    ]
    role: Literal["agent", "customer"] | None = None
    """Set for a per-role measure (talk_share, interruptions...); omit for a call measure."""
    min: float | None = None
    max: float | None = None

    @model_validator(mode="after")
    def _consistent(self) -> MetricCriterion:
        if self.min is None and self.max is None:
            raise ValueError("set min, max or both")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} is above max {self.max}")
        if self.role is None and self.metric not in CALL_METRICS:
            raise ValueError(f"{self.metric} is measured per role: set role: agent or customer")
        if self.role is not None and self.metric not in ROLE_METRICS:
            raise ValueError(f"{self.metric} is a whole-call measure: remove role")
        return self


Criterion = Annotated[
    PhraseCriterion
    | GreetingByNameCriterion
    | AgentIntroductionCriterion
    | EmpathyCriterion
    | ResolutionCriterion
    | MetricCriterion,
    Field(discriminator="kind"),
]
CRITERION_KINDS = ("phrase", "greeting_by_name", "agent_introduction", "empathy", "resolution",
                   "metric")


class Section(_Strict):
    id: str = Field(pattern=_IDENTIFIER, max_length=64)
    weight: float = Field(gt=0)
    title: str = ""


def _version_text(value: Any) -> Any:
    # YAML reads `version: 2` as a number; a version is an opaque label.
    return str(value) if isinstance(value, int | float) and not isinstance(value, bool) else value


class Scorecard(_Strict):
    id: str = Field(pattern=_IDENTIFIER, max_length=64)
    version: Annotated[str, BeforeValidator(_version_text), Field(min_length=1, max_length=64)]
    title: str = ""
    description: str = ""
    call_types: tuple[Annotated[str, Field(pattern=_CALL_TYPE)], ...]
    """Call types this scorecard judges; the scorecard `default` takes every other call."""
    languages: tuple[LanguageCode, ...] = Field(min_length=1)
    """Every phrase set must have phrases for each of these."""
    pass_score: float = Field(default=80, ge=0, le=100)
    sections: tuple[Section, ...] = Field(min_length=1)
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @cached_property
    def digest(self) -> str:
        """16 hex digits over the whole content: a change without a version bump still shows."""
        return hashlib.sha256(self.model_dump_json().encode()).hexdigest()[:16]

    @cached_property
    def sections_by_id(self) -> dict[str, Section]:
        return {section.id: section for section in self.sections}

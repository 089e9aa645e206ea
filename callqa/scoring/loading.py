"""Load scorecard YAML files, report every problem with its file, line and field, and choose
the scorecard for a call type. The bundled scorecards live in `callqa/configs/scorecards/`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from callqa.domain.errors import ScorecardError, ScorecardNotFoundError, ScorecardProblem
from callqa.domain.text import normalise
from callqa.scoring.scorecard import (
    CRITERION_KINDS,
    GreetingByNameCriterion,
    NearPhrase,
    PhraseSet,
    RegexPhrase,
    Scorecard,
)

DEFAULT_SCORECARD_ID = "default"
FieldPath = tuple[str | int, ...]


def load_scorecard(path: str | Path) -> Scorecard:
    """Read and validate one scorecard file; `ScorecardError` lists every problem found."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        cause = exc.strerror if isinstance(exc, OSError) else f"not UTF-8 text ({exc.reason})"
        problem = ScorecardProblem(str(path), None, "", f"cannot read the file ({cause})")
        raise ScorecardError(path, (problem,)) from exc
    return parse_scorecard(text, str(path))


def parse_scorecard(text: str, source: str = "<scorecard>") -> Scorecard:
    scorecard, problems = check_scorecard(text, source)
    if scorecard is None or problems:
        raise ScorecardError(source, tuple(problems))
    return scorecard


def check_scorecard(text: str, source: str) -> tuple[Scorecard | None, list[ScorecardProblem]]:
    """The scorecard (None when it does not validate) and every problem found in `text`."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        detail = getattr(exc, "problem", None) or str(exc)
        return None, [ScorecardProblem(source, line, "(yaml)", f"YAML syntax error: {detail}")]
    lines: dict[FieldPath, int] = {}
    problems = (
        [
            ScorecardProblem(source, line, _dotted(path), message)
            for path, line, message in _index_lines(root, (), lines)
        ]
        if root is not None
        else []
    )

    def problem(path: FieldPath, message: str) -> ScorecardProblem:
        return ScorecardProblem(source, _line_of(path, lines), _dotted(path), message)

    if not isinstance(data, dict):
        return None, [*problems, problem((), "a scorecard is a YAML mapping (id, version, ...)")]
    problems += [problem(path, message) for path, message in _structure_problems(data)]
    try:
        scorecard = Scorecard.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        for error in errors:
            path = _data_path(error["loc"], data)
            if error["type"] == "too_short" and any(
                len(other["loc"]) > len(error["loc"]) and other["loc"][: len(error["loc"])]
                == error["loc"] for other in errors
            ):
                continue  # "no items left" only because its items were invalid: said already
            if error["type"] in ("union_tag_invalid", "union_tag_not_found") and path[:1] == (
                "criteria",
            ):
                path = (*path, "kind")
                kinds = ", ".join(CRITERION_KINDS)
                tag = error.get("ctx", {}).get("tag")
                message = (
                    f"unknown criterion kind {tag!r}; choose one of {kinds}"
                    if error["type"] == "union_tag_invalid"
                    else f"missing kind; choose one of {kinds}"
                )
            else:
                message = error["msg"].removeprefix("Value error, ")
            problems.append(problem(path, message))
        return None, problems
    problems += [problem(path, message) for path, message in _language_problems(scorecard)]
    return scorecard, problems


def check_scorecard_file(path: str | Path) -> list[ScorecardProblem]:
    """Every problem in one file (an empty list: the scorecard is valid)."""
    try:
        load_scorecard(path)
    except ScorecardError as exc:
        return list(exc.problems)
    return []


def _index_lines(
    node: yaml.Node, path: FieldPath, lines: dict[FieldPath, int]
) -> Iterator[tuple[FieldPath, int, str]]:
    """Fill `lines` (field path -> 1-based line) and yield duplicate mapping keys, which
    PyYAML would otherwise silently overwrite."""
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            line = key_node.start_mark.line + 1
            if key in seen:
                yield (*path, key), line, f"duplicate key {key!r} (first on line {seen[key]})"
                continue
            seen[key] = line
            lines[(*path, key)] = line
            yield from _index_lines(value_node, (*path, key), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            yield from _index_lines(item, (*path, index), lines)


def _line_of(path: FieldPath, lines: dict[FieldPath, int]) -> int | None:
    """The line of the deepest part of `path` that exists in the file."""
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def _data_path(loc: Sequence[str | int], data: Any) -> FieldPath:
    """Pydantic's error location as a path in the file: union tags (the criterion kind, the
    phrase form) and markers such as `[key]` are dropped, a missing field is kept."""
    path: list[str | int] = []
    node = data
    for part in loc:
        in_mapping = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if in_mapping or in_list:
            node = node[part]
        elif isinstance(node, dict) and isinstance(part, str) and part not in _KNOWN_TAGS:
            node = None  # a required field that is missing: name it
        else:
            continue
        path.append(part)
    return tuple(path)


_KNOWN_TAGS = {*CRITERION_KINDS, "text", "near", "regex", "[key]"}


def _dotted(path: FieldPath) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def _structure_problems(data: dict[str, Any]) -> Iterator[tuple[FieldPath, str]]:
    """Cross-field checks that need only ids, run even when some fields are invalid."""
    section_ids: set[Any] = set()
    for index, section in _items(data.get("sections")):
        if (section_id := section.get("id")) in section_ids:
            yield ("sections", index, "id"), f"duplicate section id {section_id!r}"
        section_ids.add(section_id)
    criterion_ids: set[Any] = set()
    used_sections: set[Any] = set()
    for index, criterion in _items(data.get("criteria")):
        if (criterion_id := criterion.get("id")) in criterion_ids:
            yield ("criteria", index, "id"), (
                f"duplicate criterion id {criterion_id!r}; ids must be unique and stable"
            )
        criterion_ids.add(criterion_id)
        section_ref = criterion.get("section")
        used_sections.add(section_ref)
        if isinstance(section_ref, str) and section_ids and section_ref not in section_ids:
            declared = ", ".join(sorted(str(s) for s in section_ids))
            yield ("criteria", index, "section"), (
                f"unknown section {section_ref!r}; declared sections: {declared}"
            )
    for index, section in _items(data.get("sections")):
        if isinstance(data.get("criteria"), list) and section.get("id") not in used_sections:
            yield ("sections", index, "id"), (
                f"section {section.get('id')!r} has no criteria; add some or remove it"
            )


def _items(value: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    if isinstance(value, list):
        yield from ((i, item) for i, item in enumerate(value) if isinstance(item, dict))


def _language_problems(scorecard: Scorecard) -> Iterator[tuple[FieldPath, str]]:
    """Every phrase set (and name form) covers each of the scorecard's languages, and every
    phrase still says something once normalised."""
    languages = set(scorecard.languages)
    for index, criterion in enumerate(scorecard.criteria):
        sets: dict[str, dict[str, Any]] = dict(criterion.phrase_sets())
        if isinstance(criterion, GreetingByNameCriterion):
            sets["name_forms"] = dict(criterion.name_forms)
            if criterion.titles:
                sets["titles"] = dict(criterion.titles)
        for field, by_language in sets.items():
            base: FieldPath = ("criteria", index, field)
            for language in sorted(languages - set(by_language)):
                yield base, f"no {language!r} phrases; the scorecard's languages are " + ", ".join(
                    scorecard.languages
                )
            for language in sorted(set(by_language) - languages):
                yield (*base, language), (
                    f"language {language!r} is not in the scorecard's languages; add it there"
                )
            if field in ("name_forms", "titles"):
                continue
            phrase_set: PhraseSet = by_language
            for language, alternatives in phrase_set.items():
                if not alternatives:
                    yield (*base, language), "empty phrase list"
                for position, alternative in enumerate(alternatives):
                    for term in _terms(alternative):
                        if not normalise(term, language):
                            yield (*base, language, position), (
                                f"{term!r} has no words once punctuation is removed"
                            )


def _terms(alternative: str | NearPhrase | RegexPhrase) -> Iterable[str]:
    if isinstance(alternative, str):
        return (alternative,)
    if isinstance(alternative, NearPhrase):
        return (*alternative.near[0], *alternative.near[1])
    return ()


# --- the bundled scorecards -------------------------------------------------------------------


@lru_cache(maxsize=1)
def bundled_scorecards() -> tuple[Scorecard, ...]:
    """The scorecards shipped in `callqa/configs/scorecards/`, loaded and validated once."""
    folder = resources.files("callqa") / "configs" / "scorecards"
    found = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".yaml")),
        key=lambda entry: entry.name,
    )
    return tuple(
        parse_scorecard(
            entry.read_text(encoding="utf-8"), f"callqa/configs/scorecards/{entry.name}"
        )
        for entry in found
    )


def folder_scorecards(folder: str | Path) -> tuple[Scorecard, ...]:
    """Every `*.yaml` scorecard in `folder`, in name order; reloaded only when a file changed
    (its size or modification time), so a long-running worker picks up an edit."""
    folder = Path(folder)
    if not folder.is_dir():
        problem = ScorecardProblem(str(folder), None, "", "no such folder")
        raise ScorecardError(folder, (problem,))
    files = sorted(folder.glob("*.yaml"))
    if not files:
        problem = ScorecardProblem(str(folder), None, "", "the folder holds no *.yaml scorecard")
        raise ScorecardError(folder, (problem,))
    stamp = tuple((str(f), f.stat().st_mtime_ns, f.stat().st_size) for f in files)
    return _load_files(stamp)


@lru_cache(maxsize=8)
def _load_files(stamp: tuple[tuple[str, int, int], ...]) -> tuple[Scorecard, ...]:
    return tuple(load_scorecard(path) for path, _, _ in stamp)


def choose_scorecard(
    call_type: str | None, scorecards: Sequence[Scorecard] | None = None
) -> Scorecard:
    """The scorecard listing `call_type`; else the one with id `default`."""
    scorecards = bundled_scorecards() if scorecards is None else scorecards
    if call_type is not None:
        for scorecard in scorecards:
            if call_type in scorecard.call_types:
                return scorecard
    for scorecard in scorecards:
        if scorecard.id == DEFAULT_SCORECARD_ID:
            return scorecard
    known = sorted({t for s in scorecards for t in s.call_types})
    raise ScorecardNotFoundError(
        f"no scorecard for call type {call_type!r} (known: {', '.join(known) or 'none'}) and no"
        f" {DEFAULT_SCORECARD_ID!r} scorecard. Fix: pass --scorecard PATH or add a scorecard"
        " with id 'default'"
    )

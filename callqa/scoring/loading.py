"""Load scorecard YAML files, report every problem with its file, line and field, and choose
the scorecard for a call type. The bundled scorecards live in `callqa/configs/scorecards/`.

A scorecard may say `extends: <id>`: it is then its parent with the child's fields over it,
resolved here before validation (docs/score-format.md, "Inheritance"). Mappings merge key by
key, a `null` removes an inherited key, lists of items with an `id` (sections, criteria) merge
by id (`remove: true` drops an inherited item; new items come after the inherited ones), any
other value replaces the parent's. `id`, `version` and `call_types` are never inherited. The
parent is `<id>.yaml` beside the file, else the file there whose `id` is <id>, else the bundled
scorecard <id>. Each problem names the file and line its text comes from.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
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
EXTENDS = "extends"
OWN_FIELDS = ("id", "version", "call_types")
"""Fields a scorecard that extends another states itself: never inherited."""
REMOVE = "remove"
BUNDLED_SOURCE = "callqa/configs/scorecards"
FieldPath = tuple[str | int, ...]
Origin = tuple[str, int, FieldPath]
"""(file, 1-based line, field path in that file) a value of a resolved scorecard comes from."""


def load_scorecard(path: str | Path) -> Scorecard:
    """Read and validate one scorecard file; `ScorecardError` lists every problem found. A
    parent it `extends` is looked for beside it, then among the bundled scorecards."""
    path = Path(path)
    text, problem = read_scorecard_text(path)
    if text is None:
        assert problem is not None
        raise ScorecardError(path, (problem,))
    return parse_scorecard(text, str(path), folder=path.parent)


def read_scorecard_text(path: Path) -> tuple[str | None, ScorecardProblem | None]:
    """A scorecard file's text (UTF-8, a byte-order mark allowed), or why it cannot be read."""
    try:
        return path.read_text(encoding="utf-8-sig"), None
    except OSError as exc:
        cause = f"cannot read the file ({exc.strerror}). Fix: check the path and permissions"
    except UnicodeDecodeError as exc:
        cause = (f"cannot read the file (not UTF-8 text: {exc.reason} at byte {exc.start})."
                 " Fix: save it as UTF-8")
    return None, ScorecardProblem(str(path), None, "", cause)


def parse_scorecard(
    text: str, source: str = "<scorecard>", *, folder: Path | None = None
) -> Scorecard:
    """Validate scorecard `text`; `folder` is where a parent it `extends` is looked for
    (default: beside `source` when that names a file; the bundled scorecards in any case)."""
    scorecard, problems = check_scorecard(text, source, folder=folder)
    if scorecard is None or problems:
        raise ScorecardError(source, tuple(problems))
    return scorecard


def check_scorecard(
    text: str, source: str, *, folder: Path | None = None
) -> tuple[Scorecard | None, list[ScorecardProblem]]:
    """The scorecard (None when it does not validate) and every problem found in `text`, or
    in the scorecards it extends (`folder`: as in `parse_scorecard`)."""
    if folder is None and Path(source).is_file():
        folder = Path(source).parent
    key = str(Path(source).resolve()) if folder is not None else source
    return _check(text, source, folder, key)


def _check(
    text: str, source: str, folder: Path | None, key: str
) -> tuple[Scorecard | None, list[ScorecardProblem]]:
    document, problems = _read_document(text, source, key)
    if document is None:
        return None, problems
    layer, more = _resolve(document, folder, ((key, source),))
    problems += more
    if layer is None:
        return None, problems
    data = layer.data
    origins = layer.where.flatten()
    extended = EXTENDS in document.data

    def problem(path: FieldPath, message: str) -> ScorecardProblem:
        """Named by the file, line and field path its text comes from (for an inherited
        part, in the parent's file: its index there may differ from the resolved one)."""
        file, line, at = _origin_of(path, origins)
        if file != source:
            message += f" (inherited by {source})"
        return ScorecardProblem(file, line, _dotted(at), message)

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
            if extended and error["type"] == "missing" and len(path) == 1 and path[0] in OWN_FIELDS:
                message += (
                    f" (not inherited: a scorecard that extends another states its own"
                    f" {', '.join(OWN_FIELDS)})"
                )
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


# --- reading one file -------------------------------------------------------------------------


@dataclass
class _Where:
    """Where each part of a (resolved) scorecard comes from: a tree shaped like its data."""

    origin: Origin
    parts: dict[str | int, _Where] = dataclass_field(default_factory=dict)

    def part(self, key: str | int) -> _Where:
        file, line, path = self.origin
        return self.parts.get(key) or _Where((file, line, (*path, key)))

    def flatten(self) -> dict[FieldPath, Origin]:
        found: dict[FieldPath, Origin] = {}
        pending: list[tuple[FieldPath, _Where]] = [((), self)]
        while pending:
            path, where = pending.pop()
            found[path] = where.origin
            pending += [((*path, key), part) for key, part in where.parts.items()]
        return found


@dataclass
class _Document:
    """One scorecard file as parsed (a mapping), not yet resolved or validated."""

    source: str
    key: str
    """Identifies the file in an `extends` chain (its resolved path)."""
    data: dict[str, Any]
    where: _Where

    def line_of(self, path: FieldPath) -> int:
        where = self.where
        for part in path:
            where = where.part(part)
        return where.origin[1]


@dataclass
class _Layer:
    data: dict[str, Any]
    where: _Where


MAX_DEPTH = 32
"""Nesting a scorecard never needs (the bundled ones reach 8 levels): deeper is refused before
the YAML is built, which would otherwise recurse past Python's stack."""


def _read_document(
    text: str, source: str, key: str
) -> tuple[_Document | None, list[ScorecardProblem]]:
    """The parsed file (None when it is not YAML, not a mapping, or not plain YAML), and its
    duplicate keys."""
    try:
        shape = _shape_problem(text, source)
        if shape is not None:
            return None, [shape]
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
    if not isinstance(data, dict):
        line = lines.get(())
        problem = ScorecardProblem(
            source, line, "", "a scorecard is a YAML mapping (id, version, ...)"
        )
        return None, [*problems, problem]
    where = _Where((source, lines[()], ()))
    for path, line in sorted(lines.items(), key=lambda item: len(item[0])):
        node = where  # every prefix of `path` is in `lines`, shorter paths first
        for part in path[:-1]:
            node = node.part(part)
        if path:
            node.parts[path[-1]] = _Where((source, line, path))
    return _Document(source, key, data, where), problems


def _shape_problem(text: str, source: str) -> ScorecardProblem | None:
    """YAML anchors and aliases, or nesting deeper than `MAX_DEPTH`, found in the parser's
    event stream: one pass over the text, before anything is built from it.

    Aliases are refused outright: nine aliases of nine aliases of ... (a "billion laughs"
    file) make a few hundred bytes into billions of values once anything walks the data, and
    a scorecard never needs them (`extends` reuses a whole scorecard)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark is not None else None
        anchor = getattr(event, "anchor", None)  # aliases, scalars, sequences and mappings
        if anchor is not None:
            sign = "*" if isinstance(event, yaml.AliasEvent) else "&"
            return ScorecardProblem(
                source, line, "(yaml)",
                f"YAML anchors and aliases ({sign}{anchor}) are not allowed in "
                "scorecards. Fix: write the values out where they are used (`extends` reuses a "
                "whole scorecard)")
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            depth += 1
            if depth > MAX_DEPTH:
                return ScorecardProblem(
                    source, line, "(yaml)",
                    f"nested more than {MAX_DEPTH} levels deep; a scorecard needs a few. Fix: "
                    "check the brackets and the indentation")
        elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            depth -= 1
    return None


# --- inheritance ------------------------------------------------------------------------------


def _resolve(
    document: _Document, folder: Path | None, chain: tuple[tuple[str, str], ...]
) -> tuple[_Layer | None, list[ScorecardProblem]]:
    """The document with every scorecard it extends merged under it (None: unresolvable).
    `chain`: (key, source) of the documents being resolved, this one last."""
    if EXTENDS not in document.data:
        return _Layer(document.data, document.where), []
    parent_id = document.data[EXTENDS]
    line = document.line_of((EXTENDS,))

    def failed(
        message: str, earlier: Iterable[ScorecardProblem] = ()
    ) -> tuple[None, list[ScorecardProblem]]:
        return None, [*earlier, ScorecardProblem(document.source, line, EXTENDS, message)]

    if not isinstance(parent_id, str) or not parent_id:
        return failed("name the id of the scorecard this one builds on, e.g. `extends: default`")
    found = _find_parent(parent_id, folder, document.key)
    if found is None:
        beside = f"no file in {folder}" if folder is not None else "no file beside it"
        bundled = ", ".join(name.removesuffix(".yaml") for name in _bundled_files())
        return failed(
            f"no scorecard with id {parent_id!r} to extend: {beside} and no bundled scorecard"
            f" ({bundled}) has it. Fix: add {parent_id}.yaml beside this file, or name an"
            " existing id"
        )
    parent_key, parent_source, parent_text, parent_folder = found
    keys = [key for key, _ in chain]
    if parent_key in keys:
        cycle = [source for _, source in chain[keys.index(parent_key):]]
        return failed(
            f"extends cycle: {' -> '.join([*cycle, parent_source])}. Fix: remove `extends`"
            " from one of them"
        )
    if parent_text is None:
        return failed(f"cannot read {parent_source} (UTF-8 text), which it extends")
    parent_document, problems = _read_document(parent_text, parent_source, parent_key)
    if parent_document is None or problems:
        return failed(
            f"{parent_source}, which it extends, has problems (listed); fix them first", problems
        )
    parent, problems = _resolve(parent_document, parent_folder,
                                (*chain, (parent_key, parent_source)))
    if parent is None:
        return failed(f"{parent_source}, which it extends, cannot be resolved (see above)",
                      problems)
    inherited = {k: v for k, v in parent.data.items() if k not in OWN_FIELDS}
    inherited_where = _Where(
        parent.where.origin, {k: w for k, w in parent.where.parts.items() if k not in OWN_FIELDS}
    )
    own = {k: v for k, v in document.data.items() if k != EXTENDS}
    merge = _Merge()
    data, where = merge.value(inherited, inherited_where, own, document.where)
    return _Layer(data, where), [*problems, *merge.problems]


def _find_parent(
    parent_id: str, folder: Path | None, child_key: str
) -> tuple[str, str, str | None, Path | None] | None:
    """(key, source, text (None: unreadable), folder) of the scorecard `parent_id`:
    `<id>.yaml` in `folder`, else the file there whose `id` is `parent_id`, else the bundled
    one; never the child itself (so your own `default.yaml` may extend the bundled one)."""
    if folder is not None:
        named = folder / f"{parent_id}.yaml"
        others = sorted(path for path in folder.glob("*.yaml") if path != named)
        for path in (named, *others):
            key = str(path.resolve())
            if key == child_key or not path.is_file():
                continue
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError):
                if path == named:  # reported as the parent's problem
                    return key, str(path), None, folder
                continue
            declared = _declared_id(text)
            if declared == parent_id or (path == named and not isinstance(declared, str)):
                return key, str(path), text, folder
    for name, entry in _bundled_files().items():
        key = f"{BUNDLED_SOURCE}/{name}"
        if key != child_key:
            text = entry.read_text(encoding="utf-8")
            if _declared_id(text) == parent_id:
                return key, key, text, None
    return None


def _declared_id(text: str) -> Any:
    try:
        if _shape_problem(text, "") is not None:
            return None
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    return data.get("id") if isinstance(data, dict) else None


class _Merge:
    """A child's fields merged over its parent's, with where each resolved value comes from.
    `problems`: misuse of `remove` and duplicate ids, in the child's file."""

    def __init__(self) -> None:
        self.problems: list[ScorecardProblem] = []

    def value(
        self, parent: Any, parent_where: _Where, child: Any, child_where: _Where
    ) -> tuple[Any, _Where]:
        if isinstance(parent, dict) and isinstance(child, dict):
            data: dict[Any, Any] = {}
            parts: dict[str | int, _Where] = {}
            for key, value in parent.items():
                if key not in child:
                    data[key], parts[key] = value, parent_where.part(key)
                elif child[key] is not None:  # null: the inherited key is removed
                    data[key], parts[key] = self.value(
                        value, parent_where.part(key), child[key], child_where.part(key)
                    )
            for key, value in child.items():
                if key not in parent and value is not None:
                    data[key], parts[key] = value, child_where.part(key)
            return data, _Where(child_where.origin, parts)
        if isinstance(child, list) and _keyed(parent):
            return self.items(parent, parent_where, child, child_where)
        return child, child_where

    def items(
        self, parent: list[Any], parent_where: _Where, child: list[Any], child_where: _Where
    ) -> tuple[list[Any], _Where]:
        """Items merged by `id`: the parent's in order (overridden in place, or removed), then
        the child's new ones in order."""
        positions: dict[str, int] = {}
        for index, item in enumerate(parent):
            positions.setdefault(item["id"], index)
        plan: list[tuple[int | None, int | None]] = [(index, None) for index in range(len(parent))]
        removed: set[int] = set()
        seen: dict[str, int] = {}
        for index, item in enumerate(child):
            item_id = item.get("id") if isinstance(item, dict) else None
            if not isinstance(item_id, str):
                plan.append((None, index))  # validation says what is wrong with it
                continue
            here = child_where.part(index)
            if item_id in seen:
                self._problem(here.part("id"), f"id {item_id!r} again (first on line"
                                               f" {seen[item_id]}): merge the two")
                continue
            seen[item_id] = here.origin[1]
            remove = item.get(REMOVE, False)
            if not isinstance(remove, bool):
                self._problem(here.part(REMOVE), "`remove: true` drops the inherited item;"
                                                 " nothing else is allowed")
                continue
            if remove and set(item) - {"id", REMOVE}:
                extra = ", ".join(sorted(str(k) for k in set(item) - {"id", REMOVE}))
                self._problem(here.part(REMOVE),
                              f"an item with `remove: true` has only its id; drop {extra}")
                continue
            if item_id not in positions:
                if remove:
                    self._problem(here.part(REMOVE),
                                  f"nothing to remove: no inherited item has id {item_id!r}")
                else:
                    plan.append((None, index))
                continue
            if remove:
                removed.add(positions[item_id])
            else:
                plan[positions[item_id]] = (positions[item_id], index)
        data: list[Any] = []
        parts: dict[str | int, _Where] = {}
        for parent_index, child_index in plan:
            if parent_index in removed:
                continue
            at = len(data)
            if child_index is None:
                assert parent_index is not None
                value, where = parent[parent_index], parent_where.part(parent_index)
            elif parent_index is None:
                value, where = child[child_index], child_where.part(child_index)
            else:
                value, where = self._item(parent[parent_index], parent_where.part(parent_index),
                                          child[child_index], child_where.part(child_index))
            if child_index is not None and isinstance(value, dict) and REMOVE in value:
                value = {k: v for k, v in value.items() if k != REMOVE}
            data.append(value)
            parts[at] = where
        return data, _Where(child_where.origin, parts)

    def _item(
        self, parent: dict[str, Any], parent_where: _Where, child: dict[str, Any],
        child_where: _Where,
    ) -> tuple[Any, _Where]:
        """An overridden item: merged field by field, unless the child changes its `kind`
        (then the child's item replaces the parent's whole)."""
        if "kind" in child and child["kind"] != parent.get("kind"):
            return child, child_where
        return self.value(parent, parent_where, child, child_where)

    def _problem(self, where: _Where, message: str) -> None:
        file, line, path = where.origin
        self.problems.append(ScorecardProblem(file, line, _dotted(path), message))


def _keyed(value: Any) -> bool:
    """A list of items with an `id` (sections, criteria): merged by id, not replaced."""
    return (
        isinstance(value, list)
        and bool(value)
        and all(isinstance(item, dict) and isinstance(item.get("id"), str) for item in value)
    )


# --- field paths and lines --------------------------------------------------------------------


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


def _origin_of(path: FieldPath, origins: dict[FieldPath, Origin]) -> Origin:
    """The file and line of the deepest part of `path` that exists in the scorecard, and
    `path` as a field path in that file."""
    for end in range(len(path), -1, -1):
        if path[:end] in origins:
            file, line, at = origins[path[:end]]
            return file, line, (*at, *path[end:])
    raise AssertionError("the root of a scorecard has an origin")


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
                    if (isinstance(alternative, RegexPhrase) and language not in _ASCII_LANGUAGES
                            and _ASCII_CLASS.search(alternative.regex)):
                        yield (*base, language, position, "regex"), (
                            f"\\b and \\w know only ASCII letters in RE2, so in {language!r} "
                            "text they do not find words. Fix: match the spaces between words "
                            "instead, e.g. '(?:^| )word(?: |$)', or \\pL for any letter")
                    for term in _terms(alternative):
                        if not normalise(term, language):
                            yield (*base, language, position), (
                                f"{term!r} has no words once punctuation is removed"
                            )


_ASCII_LANGUAGES = frozenset({"en"})
"""Languages whose normalised words are ASCII letters: RE2's `\\b` and `\\w` find them."""
_ASCII_CLASS = re.compile(r"(?<!\\)(?:\\\\)*\\[bBwW]")
"""`\\b`, `\\B`, `\\w` or `\\W` in a pattern (not an escaped backslash before a letter)."""


def _terms(alternative: str | NearPhrase | RegexPhrase) -> Iterable[str]:
    if isinstance(alternative, str):
        return (alternative,)
    if isinstance(alternative, NearPhrase):
        return (*alternative.near[0], *alternative.near[1])
    return ()


# --- the bundled scorecards -------------------------------------------------------------------


def _bundled_files() -> dict[str, Traversable]:
    """The bundled scorecard files by name, in name order."""
    folder = resources.files("callqa") / "configs" / "scorecards"
    found = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".yaml")),
        key=lambda entry: entry.name,
    )
    return {entry.name: entry for entry in found}


@lru_cache(maxsize=1)
def bundled_scorecards() -> tuple[Scorecard, ...]:
    """The scorecards shipped in `callqa/configs/scorecards/`, loaded and validated once."""
    scorecards = []
    for name, entry in _bundled_files().items():
        source = f"{BUNDLED_SOURCE}/{name}"
        scorecard, problems = _check(entry.read_text(encoding="utf-8"), source, None, source)
        if scorecard is None or problems:
            raise ScorecardError(source, tuple(problems))
        scorecards.append(scorecard)
    return tuple(scorecards)


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

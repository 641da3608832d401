"""Safe YAML reading that remembers where each value came from.

Every error the knowledge base can have is reported as ``file:line``. PyYAML's safe loader forgets
positions once it builds Python objects, so mappings are built as :class:`LineDict` (a plain dict
that also knows the line of each key) and lists as :class:`LineList`. Duplicate keys, which PyYAML
silently collapses, are reported as errors.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from pathlib import Path
from typing import Any

import yaml

from explainer.kb.files import MAX_KNOWLEDGE_FILE_BYTES, UnreadableFile, read_bounded

# The C loader is several times faster; the pure-Python one behaves the same.
_BaseLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class YamlReadError(Exception):
    """A YAML file that cannot be read or parsed. ``line`` is 1-based, or None if unknown.

    ``hint`` says how to fix it: the YAML syntax, or (for a file that could not be read at
    all) the file itself."""

    def __init__(self, path: Path, line: int | None, message: str,
                 hint: str = "fix the YAML syntax (check indentation and quotes)") -> None:
        super().__init__(message)
        self.path = path
        self.line = line
        self.message = message
        self.hint = hint


class LineDict(dict[str, Any]):
    """A dict that knows the 1-based line of itself and of each of its keys."""

    line: int = 0
    key_lines: dict[str, int]

    def line_of(self, key: str) -> int:
        """The line of ``key``, or of the mapping itself when the key is absent."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A list that knows the 1-based line of each item."""

    line: int = 0
    item_lines: list[int]

    def line_of(self, index: int) -> int:
        """The line of item ``index``, or of the list itself when out of range."""
        if 0 <= index < len(self.item_lines):
            return self.item_lines[index]
        return self.line


class _DuplicateKey(yaml.MarkedYAMLError):
    pass


class _NoAliases(yaml.MarkedYAMLError):
    pass


def _make_loader(allow_aliases: bool) -> type[yaml.SafeLoader]:
    # Refusing aliases needs the pure-Python composer (the C one cannot be hooked); profile
    # files are small, so speed does not matter there.
    base: type[yaml.SafeLoader] = _BaseLoader if allow_aliases else yaml.SafeLoader

    class Loader(base):  # type: ignore[valid-type,misc]
        pass

    def construct_mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> LineDict:
        loader.flatten_mapping(node)
        result = LineDict()
        result.line = node.start_mark.line + 1
        result.key_lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, Hashable):
                raise yaml.constructor.ConstructorError(
                    None, None, "a key here is not plain text", key_node.start_mark
                )
            key_text = str(key) if not isinstance(key, str) else key
            if key_text in result:
                raise _DuplicateKey(
                    None, None, f"duplicate key '{key_text}'", key_node.start_mark
                )
            result[key_text] = loader.construct_object(value_node, deep=True)
            result.key_lines[key_text] = key_node.start_mark.line + 1
        return result

    def construct_sequence(loader: yaml.SafeLoader, node: yaml.SequenceNode) -> LineList:
        result = LineList(loader.construct_object(child, deep=True) for child in node.value)
        result.line = node.start_mark.line + 1
        result.item_lines = [child.start_mark.line + 1 for child in node.value]
        return result

    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, construct_mapping)
    Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, construct_sequence)

    if not allow_aliases:
        # Aliases let a tiny file expand into a huge object ("billion laughs"); a profile never
        # needs them.
        def compose_node(self: Any, parent: Any, index: Any) -> Any:
            if self.check_event(yaml.AliasEvent):
                event = self.peek_event()
                raise _NoAliases(None, None, "YAML aliases (*name) are not allowed here",
                                 event.start_mark)
            return yaml.SafeLoader.compose_node(self, parent, index)

        Loader.compose_node = compose_node
    return Loader


_FAST_LOADER = _make_loader(allow_aliases=True)
_NO_ALIAS_LOADER = _make_loader(allow_aliases=False)


def parse_yaml(text: str, path: Path, *, untrusted: bool = True) -> Any:
    """Parse ``text`` (read from ``path``) into LineDict/LineList/scalars.

    Raises :class:`YamlReadError` with the line of the problem. Aliases (``*name``) are
    refused in every file: a few lines of them expand into billions of values ("billion
    laughs"), and no file of the project needs them. A text without ``*`` cannot hold an
    alias, so it is parsed by the fast C loader; only one with a ``*`` somewhere takes the
    pure-Python loader that can refuse aliases. ``untrusted`` is kept for callers; every file
    is treated as untrusted.
    """
    del untrusted
    loader_class = _NO_ALIAS_LOADER if "*" in text else _FAST_LOADER
    loader = None
    try:
        # Creating the loader already reads the text: a control character fails here.
        loader = loader_class(text)
        return loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else None
        problem = error.problem or error.context or "the YAML is not valid"
        if isinstance(error, _NoAliases):
            raise YamlReadError(path, line, problem, "write the value out in full where the "
                                                     "alias is") from None
        raise YamlReadError(path, line, f"{problem}") from None
    except yaml.reader.ReaderError as error:
        raise YamlReadError(path, None, f"it holds a character YAML does not allow "
                                        f"({error.character!r} at position {error.position})"
                            ) from None
    except yaml.YAMLError as error:
        raise YamlReadError(path, None, str(error).splitlines()[0]) from None
    except RecursionError:
        raise YamlReadError(path, None, "the YAML is nested too deeply") from None
    finally:
        if loader is not None:
            loader.dispose()


def read_yaml_file(path: Path, limit: int = MAX_KNOWLEDGE_FILE_BYTES) -> Any:
    """Read (a regular file of at most ``limit`` bytes, see :mod:`explainer.kb.files`) and
    parse one YAML file (UTF-8)."""
    try:
        text = read_bounded(path, limit).decode("utf-8")
    except UnreadableFile as error:
        raise YamlReadError(path, None, error.reason, error.hint) from None
    except UnicodeDecodeError:
        raise YamlReadError(path, None, "the file is not UTF-8 text", "save it as UTF-8"
                            ) from None
    return parse_yaml(text, path)


def line_for(data: Any, location: Sequence[int | str]) -> int | None:
    """The line of the deepest node of ``data`` reachable along ``location`` (a pydantic loc)."""
    line: int | None = getattr(data, "line", None) or None
    node = data
    for step in location:
        if isinstance(node, LineDict) and isinstance(step, str):
            line = node.line_of(step)
            if step not in node:
                break
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int):
            line = node.line_of(step)
            if not 0 <= step < len(node):
                break
            node = node[step]
        else:
            break
        if isinstance(node, (LineDict, LineList)) and node.line:
            line = node.line
    return line

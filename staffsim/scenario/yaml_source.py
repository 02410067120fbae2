"""Reading YAML strictly, and finding the line of any value it held.

`parse_yaml(text)` returns the data and a `SourceMap` built from the same
parse. The loader is PyYAML's safe loader with two changes: a key written twice
in one mapping is an error naming both lines (PyYAML keeps the last silently),
and `15:20` stays the text '15:20' (YAML 1.1 would read it as the base-60
number 920). Syntax errors are explained in plain words with the line.

`SourceMap` answers "which YAML node holds the value at this path?" — the
function from a validation error's location to a node. A value reused through
an anchor (`*name`) is one node, so problems in it are reported once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

import yaml

Loc = tuple[Any, ...]
#: A function from a validation error's location (keys and indices) to the YAML node holding it.
Locator = Callable[[Loc], "yaml.Node | None"]


class YamlProblem(Exception):
    """A YAML file that cannot be read: `line` (1-based, or None) and a plain-words `message`."""

    def __init__(self, line: int | None, message: str, hint: str = ""):
        self.line, self.message, self.hint = line, message, hint
        super().__init__(f"line {line}: {message}" if line else message)


class StrictLoader(yaml.SafeLoader):
    """The safe loader, refusing duplicate keys and keeping clock times like 15:20 as text."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[Any, yaml.Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node)
            except TypeError:
                continue  # an unhashable key: PyYAML reports it
            if first is not key_node:
                a, b = line_of(first), line_of(key_node)
                where = f"lines {a} and {b}" if a != b else f"twice on line {a}"
                raise YamlProblem(b, f"the key {key!r} is written twice in one mapping ({where}); YAML would "
                                     "silently keep only the last", "delete or rename one of them")
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:  # type: ignore[override]
        return node.value if ":" in str(node.value) else super().construct_yaml_int(node)

    def construct_yaml_float(self, node: yaml.ScalarNode) -> Any:  # type: ignore[override]
        return node.value if ":" in str(node.value) else super().construct_yaml_float(node)


StrictLoader.add_constructor("tag:yaml.org,2002:int", StrictLoader.construct_yaml_int)
StrictLoader.add_constructor("tag:yaml.org,2002:float", StrictLoader.construct_yaml_float)


# PyYAML's problem texts -> what to look for, in plain words.
_PLAIN: Sequence[tuple[str, str, str]] = (
    ("mapping values are not allowed", "a 'key: value' where no key may start",
     "check the indentation of this line against the lines above, that a line above does not lack its ':', "
     "or quote a value that contains ': '"),
    ("found character '\\t'", "a tab character; YAML indents with spaces only", "replace the tab with spaces"),
    ("could not find expected ':'", "a line that is neither 'key: value' nor '- item'",
     "add the missing ':' after the key, or check the indentation"),
    ("expected <block end>", "this line does not line up with the entries above it",
     "indent it like its neighbours: list items start with '- ', keys of one section share one indentation"),
    ("did not find expected key", "this line does not line up with the keys above it",
     "indent it like the other keys of its section"),
    ("did not find expected '-' indicator", "a list item without its '- '",
     "start every item of the list with '- ' at the same indentation"),
    ("found undefined alias", "an alias (*name) with no anchor (&name) above it",
     "define the anchor first, or check its spelling"),
    ("found unexpected end of stream", "the file ends inside a quoted text", "close the quote"),
    ("expected ',' or ']'", "a [ list ] that is not closed", "add the missing ']' (or a ',' between items)"),
    ("expected ',' or '}'", "a { mapping } that is not closed", "add the missing '}' (or a ',' between entries)"),
    ("found unhashable key", "a list or mapping used as a key", "keys must be plain words or numbers"),
    ("found duplicate anchor", "an anchor name (&name) defined twice", "give each anchor its own name"),
)


def plain_yaml_error(exc: yaml.YAMLError) -> YamlProblem:
    """A PyYAML error as a line number and plain words (the parser's own words kept at the end)."""
    problem = str(getattr(exc, "problem", None) or exc)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    if any(n in problem for n in _AT_START) and getattr(exc, "context_mark", None) is not None:
        mark = exc.context_mark  # an unclosed bracket or quote: where it was opened
    line = mark.line + 1 if mark is not None else None
    for needle, words, hint in _PLAIN:
        if needle in problem:
            return YamlProblem(line, f"not valid YAML: {words} (the parser says: {problem})", hint)
    return YamlProblem(line, f"not valid YAML ({problem})")


#: Problems best shown where the construct began (the parser notices them lines later).
_AT_START = ("expected ',' or ']'", "expected ',' or '}'", "found unexpected end of stream")


def parse_yaml(text: str) -> tuple[Any, "SourceMap"]:
    """The data of one YAML document and its `SourceMap`; `YamlProblem` if it cannot be read."""
    try:
        loader = StrictLoader(text)
    except yaml.reader.ReaderError as exc:
        line = text[: exc.position].count("\n") + 1
        raise YamlProblem(line, f"the file holds a character YAML does not allow ({exc.character!r})",
                          "is this a text file? Save it as plain UTF-8 text") from None
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as exc:
        raise plain_yaml_error(exc) from None
    finally:
        loader.dispose()
    return data, SourceMap(node)


@dataclass
class SourceMap:
    """The composed node tree of a YAML file: the node (and line) holding the value at a path.

    Merge keys (`<<: *base`) are followed (PyYAML inlines them while reading),
    aliases are the node of their anchor.
    """

    root: yaml.Node | None

    def node(self, loc: Loc) -> yaml.Node | None:
        """The node of the value at `loc`, or None when the file has nothing there."""
        node = self.root
        for part in loc:
            node = _child(node, part)
            if node is None:
                return None
        return node

    def key_node(self, loc: Loc) -> yaml.Node | None:
        """The node of the *key* naming `loc` (for a mapping entry), or None."""
        if not loc:
            return None
        parent = self.node(loc[:-1])
        if isinstance(parent, yaml.MappingNode):
            for k, _ in reversed(parent.value):
                if getattr(k, "value", None) == str(loc[-1]):
                    return k
        return None

    def __call__(self, loc: Loc) -> yaml.Node | None:
        return self.node(loc)

    def through(self, mapping: Callable[[Loc], Loc]) -> Locator:
        """A locator for data derived from this file: `mapping` turns a derived path into a path of the file."""
        return lambda loc: self.node(mapping(loc))


def _child(node: yaml.Node | None, part: Any) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for k, v in reversed(node.value):  # the last entry wins, as when reading
            if getattr(k, "value", None) == str(part):
                return v
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
        return node.value[part]
    return None


def line_of(node: yaml.Node | None) -> int | None:
    """1-based line where a node starts."""
    return node.start_mark.line + 1 if node is not None else None

"""Days: what each slot of the bell schedule holds, built from layers, with team parameters.

A day is a mapping *place -> content*, or a list of such layers and names of
days in ``days:`` (later layers replace what earlier ones put in the same slot):

    days:
      teaching: {arrival: duties, periods: whole_class 30 + small_group 20, dismissal: duties}
    ...
      every_day: [teaching, {$common: collaborative_planning}]

A place is ``periods`` (every period not named otherwise in the same layer), a
slot (``p3``, ``lunch``), a period counted on from another (``p7+1`` is ``p1``:
offsets go round), a span of slots (``arrival..p4``: one block from the start of
the first to the end of the last), or clock times (``12:05-14:50``). ``$name``
stands for a value the team (or a rotation) gives: a slot, a list of slots, or
the name of a day used as a layer (``[teaching, $pattern]``).
"""

from __future__ import annotations

import re
from typing import Any, Mapping

from staffsim.scenario.compact.bell import Bell, clock, is_range, lay_out, parse_content, parse_range
from staffsim.scenario.compact.problems import Loc, Problems, did_you_mean

Bindings = Mapping[str, "str | tuple[str, ...]"]
#: A place, normalised: ("slot", name) | ("span", first, last) | ("clock", start, end).
Place = tuple
_PARAM = re.compile(r"\$([a-z][a-z0-9_]*)")
_TERM = re.compile(r"^\s*(\$?[a-z][a-z0-9_]*)\s*(?:\+\s*(\d+))?\s*$")


def params_in(text: str) -> list[str]:
    """The parameter names a key or layer name uses: '$common+1' -> ['common']."""
    return _PARAM.findall(text)


class Days:
    """Builds the blocks of a day spec for one set of bindings; problems are collected."""

    def __init__(self, bell: Bell, named: Mapping[str, Any], problems: Problems,
                 contract: tuple[int, int] | None = None):
        self.bell, self.named, self.problems, self.contract = bell, named, problems, contract
        self._built: dict[tuple, list[str] | None] = {}  # (where, the bindings the day uses) -> blocks

    def params(self, spec: Any, seen: frozenset[str] = frozenset()) -> list[str]:
        """Parameters a day spec uses, in order of first use (following named days, not $layers)."""
        found: list[str] = []
        layers = spec if isinstance(spec, list) else [spec]
        for layer in layers:
            if isinstance(layer, dict):
                names = [p for key in layer if isinstance(key, str) for p in params_in(key)]
            elif isinstance(layer, str) and layer.startswith("$"):
                names = params_in(layer)
            elif isinstance(layer, str) and layer in self.named and layer not in seen:
                names = self.params(self.named[layer], seen | {layer})
            else:
                names = []
            found += [n for i, n in enumerate(names) if n not in found and n not in names[:i]]
        return found

    def check(self, spec: Any, loc: Loc) -> None:
        """Check what a day's inline layers hold, whether or not any team uses the day."""
        for i, layer in enumerate(spec if isinstance(spec, list) else [spec]):
            if isinstance(layer, dict):
                for key, value in layer.items():
                    try:
                        parse_content(value)
                    except ValueError as exc:
                        here = loc + (i,) if isinstance(spec, list) else loc
                        self.problems.add(here + (key,), str(exc))

    def build(self, spec: Any, loc: Loc, bind: Bindings, context: str) -> list[str] | None:
        """Blocks like '08:00-08:50 whole_class', in time order; None if a problem was found.

        A day built once for some values is reused wherever the same values recur
        (every copy of a rotation shares its every_day), and its problems are told once.
        """
        layered = any(isinstance(x, str) and x.startswith("$") for x in (spec if isinstance(spec, list) else [spec]))
        used = sorted(bind) if layered else self.params(spec)
        key = (loc, tuple((p, bind.get(p)) for p in used))
        if key not in self._built:
            self._built[key] = self._build(spec, loc, bind, context)
        return self._built[key]

    def _build(self, spec: Any, loc: Loc, bind: Bindings, context: str) -> list[str] | None:
        before = len(self.problems.items)
        assigned: dict[Place, tuple[Any, Loc]] = {}
        for layer, lloc in self._layers(spec, loc, bind, context, frozenset()):
            self._apply(layer, lloc, bind, context, assigned)
        blocks = []
        for place, (value, vloc) in assigned.items():
            try:
                blocks += lay_out(parse_content(value), *self._region(place))
            except ValueError as exc:
                self.problems.add(vloc, str(exc))
        blocks.sort()
        if self.contract and blocks and (blocks[0][0] < self.contract[0] or blocks[-1][1] > self.contract[1]):
            s, e = self.contract
            out = [b for b in blocks if b[0] < s or b[1] > e]
            self.problems.add(loc, f"{out[0][2]} {clock(out[0][0])}-{clock(out[0][1])} lies outside the contract day "
                                   f"{clock(s)}-{clock(e)}{context}")
        for a, b in zip(blocks, blocks[1:]):
            if b[0] < a[1]:
                self.problems.add(loc, f"blocks overlap: {a[2]} until {clock(a[1])} and {b[2]} from "
                                       f"{clock(b[0])}{context}")
        if len(self.problems.items) > before:
            return None
        return [f"{clock(s)}-{clock(e)} {a}" for s, e, a in blocks]

    def _layers(self, spec: Any, loc: Loc, bind: Bindings, context: str, seen: frozenset[str]) -> list[tuple[dict, Loc]]:
        """The day's layers in order, named days and $layers replaced by their mappings."""
        if isinstance(spec, list):
            return [x for i, item in enumerate(spec) for x in self._layers(item, loc + (i,), bind, context, seen)]
        if isinstance(spec, dict):
            return [(spec, loc)]
        if not isinstance(spec, str):
            self.problems.add(loc, f"expected a day: a mapping of slots to what they hold, a day's name, "
                                   f"or a list of these; found {spec!r}")
            return []
        name = spec
        if spec.startswith("$"):
            values = self._values(spec, loc, bind, context)
            if values is None:
                return []
            if len(values) != 1:
                self.problems.add(loc, f"{spec} must name one day; found {list(values)}{context}")
                return []
            name = values[0]
        if name not in self.named:
            self.problems.add(loc, f"no day named {name!r} in days{did_you_mean(name, self.named)}{context}")
            return []
        if name in seen:
            self.problems.add(("days", name), f"the day {name!r} includes itself")
            return []
        return self._layers(self.named[name], ("days", name), bind, context, seen | {name})

    def _apply(self, layer: dict, loc: Loc, bind: Bindings, context: str, assigned: dict) -> None:
        """Put one layer's contents into `assigned`, replacing what earlier layers put in the same slots."""
        mine: dict[Place, str] = {}
        keys = sorted(layer, key=lambda k: k != "periods")  # `periods` first: named slots override it
        for key in keys:
            kloc = loc + (key,)
            if not isinstance(key, str):
                self.problems.add(kloc, f"expected a slot name, a span like 'arrival..p4' or times like "
                                        f"'12:05-14:50'; found {key!r}")
                continue
            for place in self._places(key, kloc, bind, context) or ():
                covered = self._covered(place)
                clash = [k for p, k in mine.items() if p == place or covered & self._covered(p)]
                if clash:
                    self.problems.add(kloc, f"{key!r} sets {self._describe(place)}, which {clash[0]!r} "
                                            f"in the same layer also sets{context}")
                    continue
                for old in [p for p in assigned if p == place or covered & self._covered(p)]:
                    del assigned[old]
                assigned[place] = (layer[key], kloc)
                if key != "periods":
                    mine[place] = key

    def _places(self, key: str, loc: Loc, bind: Bindings, context: str) -> list[Place] | None:
        if key == "periods":
            return [("slot", p) for p in self.bell.periods]
        if is_range(key):
            try:
                return [("clock", *parse_range(key))]
            except ValueError as exc:
                self.problems.add(loc, str(exc))
                return None
        if ".." in key:
            ends = [self._terms(t, loc, bind, context) for t in key.split("..", 1)]
            if any(e is None for e in ends):
                return None
            if any(len(e) != 1 for e in ends):  # type: ignore[arg-type]
                self.problems.add(loc, f"each end of the span {key!r} must be one slot{context}")
                return None
            first, last = ends[0][0], ends[1][0]  # type: ignore[index]
            if self.bell.slots[last].end <= self.bell.slots[first].start:
                self.problems.add(loc, f"the span {key!r} ends before it starts{context}")
                return None
            return [("span", first, last)]
        names = self._terms(key, loc, bind, context)
        return None if names is None else [("slot", n) for n in names]

    def _terms(self, term: str, loc: Loc, bind: Bindings, context: str) -> list[str] | None:
        """Slot names a term stands for: 'p3', '$common' (its value(s)), '$common+1' (the next period)."""
        m = _TERM.match(term)
        if not m:
            self.problems.add(loc, f"expected a slot name (e.g. p3), $parameter, slot+N, a span 'a..b' or "
                                   f"times 'HH:MM-HH:MM'; found {term!r}")
            return None
        base, k = m.group(1), int(m.group(2) or 0)
        names = self._values(base, loc, bind, context) if base.startswith("$") else (base,)
        if names is None:
            return None
        out = []
        for name in names:
            if name not in self.bell.slots:
                via = f" ({base} = {name!r})" if base.startswith("$") else ""
                self.problems.add(loc, f"no slot {name!r} in bell_schedule{via}"
                                       f"{did_you_mean(name, self.bell.slots)}{context}")
                return None
            if k and not self.bell.slots[name].period:
                self.problems.add(loc, f"{term!r}: only periods can be counted on from; {name!r} is not a period")
                return None
            out.append(self.bell.offset(name, k) if k else name)
        return out

    def _values(self, ref: str, loc: Loc, bind: Bindings, context: str) -> tuple[str, ...] | None:
        name = ref[1:]
        if name not in bind:
            self.problems.add(loc, f"{ref} is not set{context}; give it on the team "
                                   f"(e.g. {name}: p2) or in the template's rotate")
            return None
        value = bind[name]
        return (value,) if isinstance(value, str) else tuple(value)

    def _covered(self, place: Place) -> frozenset[str]:
        if place[0] == "slot":
            return frozenset({place[1]})
        if place[0] == "span":
            return frozenset(self.bell.between(place[1], place[2]))
        return frozenset()

    def _region(self, place: Place) -> tuple[int, int]:
        if place[0] == "slot":
            s = self.bell.slots[place[1]]
            return s.start, s.end
        if place[0] == "span":
            return self.bell.slots[place[1]].start, self.bell.slots[place[2]].end
        return place[1], place[2]

    @staticmethod
    def _describe(place: Place) -> str:
        if place[0] == "clock":
            return f"{clock(place[1])}-{clock(place[2])}"
        return place[1] if place[0] == "slot" else f"{place[1]}..{place[2]}"

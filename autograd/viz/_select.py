"""Which nodes a drawing shows and how it groups them: several roots, a neighbourhood,
hidden constants, clusters by module name. Nothing here recurses over the graph."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable, Sequence

from autograd.graph import topological_order
from autograd.value import Value

__all__ = ["check_root", "check_roots", "inputs_first", "consumers", "around", "module_groups", "levels"]

_INDEX = re.compile(r"\d+\Z")


def check_root(root: object, what: str) -> Value:
    """``root`` if it is a Value, else a TypeError naming ``what``."""
    if not isinstance(root, Value):
        raise TypeError(f"{what}: expected a Value, got {type(root).__name__}: {root!r:.80}")
    return root


def check_roots(roots: object, what: str) -> list[Value]:
    """One Value or a non-empty sequence of Values, as a list without repeats."""
    if isinstance(roots, Value):
        return [roots]
    if isinstance(roots, (str, bytes)) or not isinstance(roots, Sequence) or not roots:
        raise TypeError(
            f"{what}: expected a Value or a non-empty list of Values, "
            f"got {type(roots).__name__}: {roots!r:.80}"
        )
    out: list[Value] = []
    seen: set[Value] = set()
    for i, r in enumerate(roots):
        if not isinstance(r, Value):
            raise TypeError(f"{what}: item {i} is not a Value: {type(r).__name__}: {r!r:.80}")
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out


def inputs_first(roots: list[Value]) -> list[Value]:
    """Every node of the roots' graphs, each after all its parents (the first root's graph
    first, then what each further root adds)."""
    if len(roots) == 1:
        order = topological_order(roots[0])
        order.reverse()
        return order
    out: list[Value] = []
    seen: set[Value] = set()
    for root in roots:
        if root in seen:
            continue
        part = topological_order(root)
        part.reverse()
        for node in part:
            if node not in seen:
                seen.add(node)
                out.append(node)
    return out


def consumers(order: Iterable[Value]) -> dict[Value, list[tuple[Value, int]]]:
    """For each node, the (consumer, argument position) pairs that read it, in ``order``."""
    out: dict[Value, list[tuple[Value, int]]] = {}
    for node in order:
        out.setdefault(node, [])
        for pos, parent in enumerate(node.parents):
            out.setdefault(parent, []).append((node, pos))
    return out


def around(order: list[Value], centre: object, depth: object) -> list[Value]:
    """The nodes of ``order`` within ``depth`` edges of ``centre`` (inputs and consumers alike)."""
    centre = check_root(centre, "around")
    if type(depth) is not int or depth < 0:
        raise ValueError(f"depth: expected a non-negative int, got {depth!r:.80}")
    users = consumers(order)
    if centre not in users:
        raise ValueError(f"around: {centre!r:.80} is not in the graph being drawn")
    dist = {centre: 0}
    queue = deque([centre])
    while queue:
        node = queue.popleft()
        d = dist[node]
        if d == depth:
            continue
        for nxt in (*node.parents, *(c for c, _ in users[node])):
            if nxt not in dist:
                dist[nxt] = d + 1
                queue.append(nxt)
    return [node for node in order if node in dist]


def _leaf_group(label: str) -> str | None:
    """``layers.0.neurons.3.w[1]`` -> ``layers.0.neurons.3``; None without a dotted prefix."""
    head, dot, _ = label.rpartition(".")
    return head if dot and head else None


def module_groups(order: list[Value]) -> dict[Value, str]:
    """Each node's module, read from the parameters' names (``Module.label_parameters``).

    A leaf labelled ``layers.0.neurons.3.w[1]`` is in ``layers.0.neurons.3``. An operation
    is in the module of the labelled leaves it reads directly, when they agree (a neuron's
    ``w . x`` and ``+ b``); an operation on one input with no constant (an activation) is in
    its input's module; everything else (the loss, the data) is in no module.
    """
    groups: dict[Value, str] = {}
    for node in order:
        if node.is_leaf():
            g = _leaf_group(node.label)
            if g is not None:
                groups[node] = g
            continue
        parents = node.parents
        found = {groups[p] for p in parents if p.is_leaf() and p in groups}
        if len(found) == 1:
            groups[node] = found.pop()
        elif not found and len(parents) == 1 and not node.op_args and parents[0] in groups:
            groups[node] = groups[parents[0]]
    return groups


def levels(group: str) -> list[str]:
    """The clusters a group sits in, outermost first: ``layers.0.neurons.3`` is in
    ``layers.0`` and ``layers.0.neurons.3`` (a level ends at each list index)."""
    parts = group.split(".")
    out = [".".join(parts[: i + 1]) for i, part in enumerate(parts[:-1]) if _INDEX.match(part)]
    if not out or out[-1] != group:
        out.append(group)
    return out

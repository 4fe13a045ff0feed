"""Drawings that scale: several roots, grouping by module, folding, hidden constants, neighbourhoods."""

from __future__ import annotations

import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd import Value, viz
from autograd.nn import MLP

SNAPSHOTS = Path(__file__).parent / "snapshots"
SVG = "{http://www.w3.org/2000/svg}"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def mlp_loss(sizes=(16, 16, 1)) -> Value:
    """The squared error of an MLP(2, sizes) on one point, after backward."""
    model = MLP(2, list(sizes), seed=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.label = "loss"
    loss.backward()
    return loss


def node_lines(source: str) -> list[str]:
    """DOT node statements (``name [...]``), stripped."""
    out = []
    for line in source.splitlines():
        name, _, rest = line.strip().partition(" [")
        if rest and "->" not in name and name not in ("graph", "node", "edge"):
            out.append(line.strip())
    return out


def snapshot(name: str, source: str) -> None:
    """Compare with tests/snapshots/NAME.dot (UPDATE_SNAPSHOTS=1 rewrites it)."""
    path = SNAPSHOTS / f"{name}.dot"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(source, encoding="utf-8")
    assert source == path.read_text(encoding="utf-8")


def test_grouped_snapshot_and_clusters():
    """group_by='module' nests each neuron's nodes in its layer's cluster; DOT is deterministic."""
    source = viz.to_dot(mlp_loss((2, 1)), group_by="module").source
    snapshot("mlp_grouped", source)
    assert source == viz.to_dot(mlp_loss((2, 1)), group_by="module").source
    labels = sorted(re.findall(r"label=<([^<>]*)> style=rounded", source))
    assert labels == ["layers.0", "layers.0.neurons.0", "layers.0.neurons.1", "layers.1",
                      "layers.1.neurons.0"]
    assert source.count("subgraph cluster_") == 5
    # neurons' clusters sit inside their layer's (one level deeper), layers at the top
    depth = {m.group(2): len(m.group(1)) for m in re.finditer(r"\n(\t+)color=.*label=<([^<>]*)>", source)}
    assert depth == {"layers.0": 2, "layers.1": 2, "layers.0.neurons.0": 3, "layers.0.neurons.1": 3,
                     "layers.1.neurons.0": 3}


def test_collapse_folds_modules_into_boxes():
    """collapse=True folds each neuron into one box; a name folds a whole layer; counts add up."""
    loss = mlp_loss()
    total = viz.count_nodes(loss)
    assert total == 439
    folded = viz.to_dot(loss, group_by="module", collapse=True).source
    boxes = [line for line in node_lines(folded) if "shape=box3d" in line]
    assert len(boxes) == 33
    two = viz.to_dot(loss, group_by="module", collapse=["layers.0", "layers.1"]).source
    snapshot("mlp_collapsed_layers", two)
    assert len([line for line in node_lines(two) if "shape=box3d" in line]) == 2
    assert "<B>layers.0</B><BR/>96 Values, 48 parameters" in two
    view = loss.draw(group_by="module", collapse=True)
    # 33 boxes, the 2 inputs, and the loss's 2 Values (model output - 1, its square)
    assert (view.values, view.operations) == (37, 2)
    with pytest.raises(ValueError, match="collapse: folding needs clusters"):
        viz.to_dot(loss, collapse=True)
    with pytest.raises(ValueError, match="group_by: expected None or 'module'"):
        viz.to_dot(loss, group_by="layer")
    with pytest.raises(TypeError, match="collapse: expected True, a module name"):
        viz.to_dot(loss, group_by="module", collapse=[3])


def test_hide_constants_drops_unlabelled_leaves():
    """hide_constants leaves out the unlabelled input Values (and their edges)."""
    loss = mlp_loss((2, 1))
    full = node_lines(viz.to_dot(loss).source)
    hidden = node_lines(viz.to_dot(loss, hide_constants=True).source)
    assert len(full) - len(hidden) == 2  # the two inputs, given as floats


def test_around_draws_a_neighbourhood():
    """around=node, depth=k keeps the nodes within k edges and marks the cut edges."""
    x = Value(1.0, "x")
    chain = [x]
    for i in range(10):
        nxt = chain[-1] * 2.0
        nxt.label = f"c{i}"
        chain.append(nxt)
    source = viz.to_dot(chain[-1], around=chain[5], depth=2).source
    labels = sorted(line.split("<B>")[1].split("</B>")[0] for line in node_lines(source) if "<B>" in line)
    assert labels == ["c2", "c3", "c4", "c5", "c6"]
    assert source.count("\u2026 1 more") == 2  # one edge cut on each side
    snapshot("chain_around", source)
    # depth 0: c4 alone, its op, and a cut mark on each side
    assert len(node_lines(viz.to_dot(chain[-1], around=chain[5], depth=0).source)) == 4
    with pytest.raises(ValueError, match="is not in the graph"):
        viz.to_dot(chain[3], around=chain[8])
    with pytest.raises(ValueError, match="depth: expected a non-negative int"):
        viz.to_dot(chain[3], around=chain[1], depth=-1)


def test_several_roots_in_one_drawing():
    """to_dot([loss, accuracy]) draws shared nodes once and both roots green."""
    a, b = Value(1.0, "a"), Value(2.0, "b")
    shared = a * b
    loss = shared + a
    loss.label = "loss"
    acc = shared.relu()
    acc.label = "acc"
    source = viz.to_dot([loss, acc]).source
    values = [line for line in node_lines(source) if "shape=box" in line]
    assert len(values) == 5
    assert sum(viz._OUTPUT_FILL in line for line in values) == 2
    assert source == viz.to_dot([loss, acc, loss]).source  # repeats are ignored
    with pytest.raises(TypeError, match="to_dot: expected a Value or a non-empty list"):
        viz.to_dot([])
    with pytest.raises(TypeError, match="item 1 is not a Value"):
        viz.to_dot([loss, 3])  # type: ignore[list-item]


@needs_dot
def test_grouped_mlp_renders_valid_svg(tmp_path):
    """The MLP(2, [16, 16, 1]) loss draws grouped and folded as valid SVG with every box."""
    loss = mlp_loss()
    for options, boxes in (({"group_by": "module"}, None), ({"group_by": "module", "collapse": True}, 33)):
        svg = viz.to_svg(loss, **options)
        root = ET.fromstring(svg)
        groups = [g for g in root.iter(f"{SVG}g") if g.get("class") == "cluster"]
        assert len(groups) == (3 + 33 if boxes is None else 3)
        viz.render(loss, tmp_path / f"mlp_{len(options)}.svg", **options)  # kept as an artefact

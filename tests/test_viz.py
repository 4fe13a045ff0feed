"""Rendering graphs: DOT text, SVG, files, the size limit, label escaping, missing Graphviz."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from autograd import Value, relu, viz

SVG = "{http://www.w3.org/2000/svg}"
SNAPSHOTS = Path(__file__).parent / "snapshots"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


def apples() -> Value:
    """The seeds' apple example, after backward."""
    apple, num, tax = Value(100.0, "apple"), Value(2.0, "num"), Value(1.1, "tax")
    total = apple * num * tax
    total.label = "total"
    total.backward()
    return total


def neuron() -> Value:
    """A tanh neuron with two inputs, after backward."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2, b = Value(-3.0, "w1"), Value(1.0, "w2"), Value(6.8813735870195432, "b")
    out = (x1 * w1 + x2 * w2 + b).tanh()
    out.label = "o"
    out.backward()
    return out


def dead_relu() -> Value:
    """relu of a negative sum: every gradient below it is zero."""
    x = Value(-2.0, "x")
    y = relu(x * 3 + 1) + x * x
    y.backward()
    return y


EXAMPLES = {"apples": apples, "neuron": neuron, "dead_relu": dead_relu}


def svg_nodes(svg: str) -> dict[str, list[str]]:
    """The SVG's nodes: title (DOT name) -> texts drawn in it, in order."""
    root = ET.fromstring(svg)
    nodes = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            title = group.find(f"{SVG}title")
            assert title is not None
            nodes[title.text or ""] = [t.text or "" for t in group.iter(f"{SVG}text")]
    return nodes


def dot_nodes(source: str) -> dict[str, str]:
    """DOT node lines by name (lines of the form ``name [attrs]``)."""
    out = {}
    for line in source.splitlines():
        line = line.strip()
        name, _, rest = line.partition(" [")
        if rest and "->" not in name and name not in ("graph", "node", "edge"):
            out[name] = rest
    return out


def edges(source: str) -> list[str]:
    """DOT edge lines, stripped."""
    return [line.strip() for line in source.splitlines() if "->" in line]


# ------------------------------------------------------------------------------- DOT text
@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_dot_snapshot(name):
    """The DOT text of fixed expressions equals the stored snapshot (UPDATE_SNAPSHOTS=1 rewrites it)."""
    source = viz.to_dot(EXAMPLES[name](), show_local_grads=True).source
    path = SNAPSHOTS / f"{name}.dot"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        path.write_text(source, encoding="utf-8")
    assert source == path.read_text(encoding="utf-8")


def test_same_expression_twice_gives_same_dot():
    """Node names come from graph positions, not id(): building twice gives identical DOT."""
    assert viz.to_dot(neuron()).source == viz.to_dot(neuron()).source


def test_value_and_op_nodes():
    """Each Value is a box with label, data and grad; each operation a circle between inputs and result."""
    source = viz.to_dot(apples()).source
    nodes = dot_nodes(source)
    boxes = [name for name, attrs in nodes.items() if "shape=box" in attrs]
    circles = [name for name, attrs in nodes.items() if "shape=circle" in attrs]
    assert len(boxes) == 5 and sorted(circles) == ["v3_op", "v4_op"]
    assert "<B>apple</B>" in source and "data 100" in source and "grad 2.2" in source
    assert "<B>total</B>" in source and "data 220<" in source


def test_parents_in_argument_order_and_repeated_use():
    """Edges into an op follow argument order; x * x draws two edges from x."""
    a, b = Value(1.0, "a"), Value(2.0, "b")
    source = viz.to_dot(b * a).source
    labelled = {name: attrs for name, attrs in dot_nodes(source).items() if "<B>" in attrs}
    names = {attrs.split("<B>")[1].split("</B>")[0]: name for name, attrs in labelled.items()}
    assert edges(source)[:2] == [f"{names['b']} -> v2_op", f"{names['a']} -> v2_op"]
    x = Value(3.0, "x")
    assert edges(viz.to_dot(x * x).source) == ["v0 -> v1_op", "v0 -> v1_op", "v1_op -> v1"]


def test_local_grads_on_edges():
    """show_local_grads labels each edge into an op with d(result)/d(input)."""
    source = viz.to_dot(apples(), show_local_grads=True).source
    assert "v1 -> v3_op [label=2]" in source or "v2 -> v3_op [label=2]" in source
    labels = sorted(line.split("label=")[1].rstrip("]") for line in edges(source) if "label=" in line)
    assert labels == ["1.1", "100", "2", "200"]
    assert "label=" not in "".join(edges(viz.to_dot(apples()).source))


def test_constant_operands_show_in_op_node():
    """x * 2 and x ** 3 show the constant in the op node."""
    x = Value(1.5, "x")
    source = viz.to_dot((x * 2) ** 3).source
    assert 'label="\u00d7 2"' in source and 'label="** 3"' in source


def test_styles_tell_leaves_output_and_zero_gradients_apart():
    """Leaves are blue, the output green and bold, zero-gradient nodes grey and dashed."""
    nodes = dot_nodes(viz.to_dot(dead_relu()).source)
    assert viz._LEAF_FILL in nodes["v0"]
    assert viz._OUTPUT_FILL in nodes["v5"] and "penwidth=2" in nodes["v5"]
    assert viz._OUTPUT_FILL not in nodes["v4"] and viz._LEAF_FILL not in nodes["v4"]
    dashed = [name for name, attrs in nodes.items() if "dashed" in attrs]
    assert dashed == ["v2", "v3"]  # x*3 and x*3 + 1 get zero gradient through the dead relu


def test_show_grad_false_hides_gradients():
    """show_grad=False draws data only and no zero-gradient styling."""
    source = viz.to_dot(dead_relu(), show_grad=False).source
    assert ">grad " not in source and "dashed" not in source and "data -6" in source


def test_precision_and_rankdir():
    """precision sets the significant digits; rankdir sets the layout direction."""
    source = viz.to_dot(Value(1 / 3, "third"), precision=3, rankdir="TB").source
    assert "data 0.333<" in source and "rankdir=TB" in source


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"rankdir": "XY"}, ValueError, "rankdir: expected one of LR, TB, RL, BT, got 'XY'"),
        ({"max_nodes": 0}, ValueError, "max_nodes: expected a positive int or None, got 0"),
        ({"precision": 30}, ValueError, "precision: expected an int from 1 to 17, got 30"),
    ],
)
def test_bad_options(kwargs, error, match):
    """Bad options raise errors saying what was expected and what was received."""
    with pytest.raises(error, match=match):
        viz.to_dot(Value(1.0), **kwargs)


def test_root_must_be_a_value():
    """to_dot of a plain number is a TypeError naming the type."""
    with pytest.raises(TypeError, match=r"to_dot: expected a Value or a non-empty list of Values, got float"):
        viz.to_dot(3.0)  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- size limit
def chain(n: int) -> Value:
    """A chain of n Value nodes."""
    y = Value(1.0, "x")
    for _ in range(n - 1):
        y = y * 1.0001
    return y


def test_size_limit_refuses_large_graphs():
    """A graph over max_nodes is refused with its node count and what to pass."""
    big = chain(viz.DEFAULT_MAX_NODES + 1)
    count = viz.DEFAULT_MAX_NODES + 1
    with pytest.raises(viz.GraphTooLargeError, match=rf"has {count} Value nodes.*pass max_nodes={count}"):
        viz.to_dot(big)
    assert len(dot_nodes(viz.to_dot(big, max_nodes=None).source)) == 2 * viz.DEFAULT_MAX_NODES + 1
    assert viz.count_nodes(big) == viz.DEFAULT_MAX_NODES + 1


def test_size_limit_on_a_huge_graph():
    """A 200,000-node graph is refused (counted without recursion), not drawn."""
    with pytest.raises(viz.GraphTooLargeError, match="has 200000 Value nodes"):
        viz.to_svg(chain(200_000))


# ------------------------------------------------------------------------------------ SVG
@needs_dot
def test_svg_parses_and_holds_every_node():
    """The SVG is XML with one node per Value and per operation, labelled with data and grad."""
    nodes = svg_nodes(viz.to_svg(apples()))
    assert len(nodes) == 7
    assert nodes["v4"] == ["total", "data 220", "grad 1"]
    assert sorted(texts[0] for name, texts in nodes.items() if len(texts) == 3) == [
        "apple", "num", "tax", "total",
    ]
    assert nodes["v4_op"] == ["\u00d7"]


@needs_dot
@given(st.text(max_size=40))
@example("\\N \\G \\L \\\\ \\")  # Graphviz's own escapes in labels
@example('"q" <b> & {c} | d\nline two \u6f22 \U0001f600')
@example("\x00\x1f\ud800\ufffe")  # not allowed in XML: shown as Python escapes
def test_any_label_renders_as_given(label):
    """Any label keeps the DOT valid and appears in the SVG (whitespace runs count as one space)."""
    svg = viz.to_svg(Value(1.0, label=label))
    texts = svg_nodes(svg)["v0"]
    assert texts[-2:] == ["data 1", "grad 0"]
    shown = " ".join(texts[:-2]).replace("\xa0", " ")
    expected = "".join(
        ch if viz._valid_xml_char(ord(ch)) else ascii(ch)[1:-1] for ch in label.replace("\r", "\n")
    )
    assert shown.split() == expected.split()


def test_escape_text_keeps_special_characters():
    """Quotes, < > &, braces, bars, backslashes and newlines are escaped for an HTML-like label."""
    assert viz.escape_text('"a" <b> & {c} | \\ \u00e9') == "&quot;a&quot; &lt;b&gt; &amp; {c} | \\\\ \u00e9"
    assert viz.escape_text("a\r\nb\rc\td\x00") == "a<BR/>b<BR/>c d\\x00"


@needs_dot
@pytest.mark.parametrize("suffix", [".svg", ".png", ".pdf", ".dot", ".gv"])
def test_render_formats(tmp_path, suffix):
    """render picks the format from the suffix and writes the file whole."""
    path = viz.render(neuron(), tmp_path / f"graph{suffix}")
    data = path.read_bytes()
    starts = {".svg": b"<?xml", ".png": b"\x89PNG", ".pdf": b"%PDF", ".dot": b"digraph", ".gv": b"digraph"}
    assert data.startswith(starts[suffix])
    assert sorted(p.name for p in tmp_path.iterdir()) == [f"graph{suffix}"]


def test_render_bad_path(tmp_path):
    """An unknown suffix or a missing folder raises before anything is written."""
    with pytest.raises(ValueError, match=r"expected a file name ending in one of \.svg.*got '.*graph\.jpg'"):
        viz.render(apples(), tmp_path / "graph.jpg")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        viz.render(apples(), tmp_path / "missing" / "graph.svg")
    assert list(tmp_path.iterdir()) == []


def test_failed_render_leaves_old_file(tmp_path, monkeypatch):
    """If drawing fails midway, the file already there is left as it was, with no temporary files."""
    path = tmp_path / "graph.dot"
    path.write_text("old", encoding="utf-8")

    def broken(data):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", lambda *a: broken(a))
    with pytest.raises(OSError, match="disk full"):
        viz.render(apples(), path)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["graph.dot"]


def test_without_dot(tmp_path, monkeypatch):
    """Without the dot binary, DOT still works and SVG raises an error that says how to install it."""
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no dot anywhere
    assert viz.to_dot(apples()).source.startswith("digraph")
    with pytest.raises(viz.GraphvizNotFoundError, match="apt-get install graphviz"):
        viz.to_svg(apples())
    with pytest.raises(viz.GraphvizNotFoundError):
        viz.render(apples(), tmp_path / "graph.svg")
    viz.render(apples(), tmp_path / "graph.dot")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.dot"]


# -------------------------------------------------------------------------------- Jupyter
@needs_dot
def test_draw_for_jupyter(tmp_path):
    """Value.draw() returns a view Jupyter shows as SVG, taken when it was made."""
    out = apples()
    view = out.draw(show_local_grads=True)
    before = view.svg()
    assert view._repr_svg_() == before and "<svg" in before
    assert "label=200" in view.source
    out.backward()  # gradients double; the view keeps its picture
    assert view.svg() == before and "grad 2.2<" in view.source
    assert view.save(tmp_path / "g.svg").read_text(encoding="utf-8") == before
    assert repr(view) == "<GraphView: 5 Values, 2 operations; .source is DOT, .svg() is SVG>"


def test_nn_parameters_show_their_names():
    """A neuron's drawn graph names its parameters by their place in the model."""
    from autograd.nn import MLP

    model = MLP(2, [3, 1], seed=0)
    neuron = model.layers[0].neurons[1]
    out = neuron([0.5, -1.0])
    out.backward()
    source = viz.to_dot(out).source
    for name in ("layers.0.neurons.1.w[0]", "layers.0.neurons.1.w[1]", "layers.0.neurons.1.b"):
        assert f"<B>{name}</B>" in source
    assert "<B>layers.0.neurons.0" not in source


# ------------------------------------------- Graphviz failures, titles, long labels (issue 18.8)
def fake_dot(folder: Path, script: str) -> Path:
    """A fake ``dot`` on PATH in ``folder`` running the given shell script body."""
    folder.mkdir(exist_ok=True)
    exe = folder / "dot"
    exe.write_text("#!/bin/sh\n" + script + "\n", encoding="utf-8")
    exe.chmod(0o755)
    return folder


@pytest.mark.skipif(os.name != "posix", reason="fake dot is a shell script")
@pytest.mark.parametrize(
    ("script", "match"),
    [
        ("cat >/dev/null; kill -SEGV $$", "dot was killed by SIGSEGV"),
        ("cat >/dev/null; echo 'Error: syntax error' >&2; exit 1", "exited with status 1: Error: syntax"),
    ],
)
def test_dot_failures_are_one_documented_error(tmp_path, monkeypatch, script, match):
    """A crashing or failing dot raises GraphvizError (a RuntimeError), never CalledProcessError."""
    monkeypatch.setenv("PATH", f"{fake_dot(tmp_path / 'bin', script)}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(viz.GraphvizError, match=match) as caught:
        viz.to_svg(apples())
    assert isinstance(caught.value, RuntimeError)
    with pytest.raises(viz.GraphvizError):
        viz.render(apples(), tmp_path / "g.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bin"]


@pytest.mark.skipif(os.name != "posix", reason="fake dot is a shell script")
def test_dot_time_limit_stops_dot(tmp_path, monkeypatch):
    """dot running past the time limit is killed and reported, naming the limit and what to do."""
    pidfile = tmp_path / "pid"
    bin_dir = fake_dot(tmp_path / "bin", f"echo $$ > {pidfile}; exec sleep 60")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    with pytest.raises(viz.GraphvizError, match=r"did not finish within 0\.5 s.*around=node"):
        viz.to_svg(apples(), timeout=0.5)
    pid = int(pidfile.read_text())
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(ValueError, match="timeout: expected a positive number"):
        viz.to_svg(apples(), timeout=0)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_dot_dies_with_its_caller(tmp_path):
    """SIGKILL of the Python process drawing the graph also ends its dot."""
    pidfile = tmp_path / "pid"
    bin_dir = fake_dot(tmp_path / "bin", f"echo $$ > {pidfile}; exec sleep 120")
    code = "from autograd import Value, viz; viz.to_svg(Value(1.0, 'x'), timeout=None)"
    env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
           "PYTHONPATH": str(Path(__file__).resolve().parent.parent)}
    caller = subprocess.Popen([sys.executable, "-c", code], env=env)
    deadline = time.monotonic() + 60
    while not pidfile.exists() or not pidfile.read_text().strip():
        assert time.monotonic() < deadline and caller.poll() is None
        time.sleep(0.05)
    pid = int(pidfile.read_text())
    caller.kill()
    caller.wait()
    while True:  # the kernel kills dot at once; wait for it to be reaped by init
        try:
            with open(f"/proc/{pid}/stat", encoding="ascii") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except FileNotFoundError:
            break
        if state in ("Z", "X"):
            break
        assert time.monotonic() < deadline, "dot kept running after its caller was killed"
        time.sleep(0.05)


@needs_dot
@pytest.mark.parametrize(
    "title", ["a\\b \\N \\G", "nul \x00 here", "<B>bold</B> & <", "ctrl \x01 and \ufffe", "x" * 5000, ""]
)
def test_titles_are_escaped_like_labels(title):
    """Any title gives valid SVG showing it as written (cut when very long), never a dot error."""
    svg = viz.to_svg(apples(), title=title)
    root = ET.fromstring(svg)  # valid XML
    texts = [t.text or "" for t in root.iter(f"{SVG}text")]
    if title.startswith("a\\b"):
        assert "a\\b \\N \\G" in texts
    if title.startswith("<B>"):
        assert "<B>bold</B> & <" in texts
    if "\x00" in title or "\x01" in title:
        assert any("\\x00" in t or "\\x01" in t for t in texts)
    if title.startswith("x"):
        assert any(t.startswith("x" * 100) and "more characters" in t for t in texts)


@needs_dot
def test_a_16_kb_label_is_cut_not_a_crash():
    """Labels longer than MAX_LABEL_CHARS are drawn cut with the count left out (dot refuses 16 KB)."""
    svg = viz.to_svg(Value(1.0, label="a" * 16384))
    texts = svg_nodes(svg)["v0"]
    assert texts[0] == "a" * viz.MAX_LABEL_CHARS + f"\u2026 ({16384 - viz.MAX_LABEL_CHARS} more characters)"


@needs_dot
def test_one_value_used_300_times_draws_quickly():
    """x*x*...*x (301 factors, under max_nodes) draws: x once, and a reference box beside each use."""
    from autograd import parse

    out, _ = parse.build("x" + "*x" * 300, {"x": 1.0})
    svg = viz.to_svg(out, timeout=120)
    nodes = svg_nodes(svg)
    assert sum(1 for name in nodes if name.startswith("v0_ref")) == 301
    assert nodes["v0"][0] == "x"

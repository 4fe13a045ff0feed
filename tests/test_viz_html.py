"""The step-through page (autograd.viz.html) in a real headless Chromium driven by Playwright.

One browser serves the whole module. Pages are opened from files; every request the page
makes is recorded and any request other than the page's own file fails the test. A
screenshot of each page is kept under pytest's tmp dir (a test artefact, not committed).
"""

from __future__ import annotations

import html as htmllib
import json
import re
import shutil
from pathlib import Path

import pytest

from autograd import Value, parse, relu, viz
from autograd.viz.paths import backward_steps

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")


@pytest.fixture(scope="module")
def browser():
    """One headless Debian Chromium for the module (skips without Playwright or Chromium)."""
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (test extra)")
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install chromium; make test does it as root)")
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed (the page's layout)")
    with sync_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        yield chromium
        chromium.close()


class Page:
    """A page opened from a file, with the errors and requests it produced."""

    def __init__(self, browser, path: Path) -> None:
        self.path = path
        self.context = browser.new_context(viewport={"width": 1280, "height": 800})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("pageerror", lambda exc: self.errors.append(str(exc)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.goto(path.as_uri())

    def js(self, expr: str):
        """Evaluate ``expr`` in the page."""
        return self.page.evaluate(expr)

    def close(self, shot: Path | None = None) -> None:
        """Check no errors and no request but the file itself; keep a screenshot."""
        if shot is not None:
            self.page.screenshot(path=str(shot), full_page=True)
        assert self.errors == []
        assert self.requests == [self.path.as_uri()]
        self.context.close()


def shared() -> Value:
    """Shared sub-expressions: a used three times, c twice."""
    a, b = Value(2.0, "a"), Value(-3.0, "b")
    c = a * b
    c.label = "c"
    d = c * c + a
    d.label = "d"
    e = (d * a).tanh() + c
    e.label = "e"
    return e


def relu_at_zero() -> Value:
    """relu at exactly 0 (relu'(0) = 0) beside a live branch."""
    x, y = Value(1.5, "x"), Value(-1.5, "y")
    s = x + y
    s.label = "s"
    out = relu(s) * x + y * y
    out.label = "out"
    return out


def three_hundred() -> Value:
    """A 300-node graph: a running sum over 50 labelled leaves, each used three times."""
    xs = [Value(0.1 * (i % 7) - 0.3, f"x{i}") for i in range(50)]
    total = xs[0]
    for i in range(1, 50):
        total = total + xs[i] * xs[i - 1] * 0.5 + xs[i].relu()
    assert viz.count_nodes(total) == 295
    return total


GRAPHS = {"shared": shared, "relu_at_zero": relu_at_zero, "three_hundred": three_hundred}


def labelled(root: Value) -> list[Value]:
    """Every labelled node of root's graph."""
    from autograd.graph import topological_order

    return [n for n in topological_order(root) if n.label]


@pytest.mark.parametrize("name", sorted(GRAPHS))
def test_last_step_shows_backwards_gradients(browser, tmp_path, name):
    """goto(steps) shows exactly backward's gradients, and every step shows backward's partial sums."""
    root = GRAPHS[name]()
    path = viz.render(root, tmp_path / f"{name}.html", max_nodes=None)
    root.backward()
    expected = {n.label: n.grad for n in labelled(root)}
    # the partial sums in backward's order, replayed independently of the page's data
    from autograd.graph import topological_order

    order = topological_order(root)
    partial = dict.fromkeys(order, 0.0)
    sums = [dict(partial)]
    partial[root] = 1.0
    sums.append(dict(partial))
    for node in order:
        if node.parents:
            for p, d in zip(node.parents, node.local_grads):
                partial[p] += partial[node] * d
            sums.append(dict(partial))
    page = Page(browser, path)
    steps = page.js("window.autogradViewer.steps")
    assert steps == len(sums) - 1 == 1 + sum(1 for n in order if n.parents)
    assert page.js(f"window.autogradViewer.goto({steps})") == steps
    assert page.js("window.autogradViewer.grads()") == expected
    picks = sorted({0, 1, 2, steps // 2, steps - 1, steps})
    for k in picks:
        page.js(f"window.autogradViewer.goto({k})")
        shown = page.js("window.autogradViewer.grads()")
        assert shown == {n.label: sums[k][n] for n in labelled(root)}, f"step {k}"
    page.js(f"window.autogradViewer.goto({steps // 2})")
    page.close(tmp_path / f"{name}.png")


def test_controls_keys_and_texts(browser, tmp_path):
    """Buttons, keys and the slider move the step; the boxes show the gradient texts of that step."""
    root = shared()
    path = tmp_path / "page.html"
    path.write_text(viz.to_html(root), encoding="utf-8")
    page = Page(browser, path)
    p = page.page
    assert page.js("window.autogradViewer.step") == 0
    p.click(".ag-next")
    p.click(".ag-next")
    assert page.js("window.autogradViewer.step") == 2
    p.keyboard.press("ArrowLeft")
    assert page.js("window.autogradViewer.step") == 1
    p.keyboard.press("End")
    steps = page.js("window.autogradViewer.steps")
    assert page.js("window.autogradViewer.step") == steps
    assert "Done" in p.inner_text(".ag-explain")
    # the output box (last Value) shows grad 1; a's box shows backward's gradient of a
    root.backward()
    texts = p.eval_on_selector_all("g.node text", "ts => ts.map(t => t.textContent)")
    assert f"grad {viz._number(root.grad, 6)}" in texts
    p.fill(".ag-slider", "1")
    assert page.js("window.autogradViewer.step") == 1
    assert "starts at the output" in p.inner_text(".ag-explain")
    page.js("window.autogradViewer.goto(-5)")  # clamped: no forward pass asked for
    assert page.js("window.autogradViewer.step") == 0
    page.close(tmp_path / "controls.png")


def test_clicking_an_input_lists_its_paths(browser, tmp_path):
    """Clicking an input highlights its paths, lists each product, and their sum is its gradient."""
    root = shared()
    path = tmp_path / "paths.html"
    path.write_text(viz.to_html(root), encoding="utf-8")
    page = Page(browser, path)
    a_box = page.page.locator("g.node", has_text="a").filter(has_text="data 2").first
    a_box.click()
    text = page.page.inner_text(".ag-paths")
    e = viz.explain(root, next(n for n in labelled(root) if n.label == "a"))
    assert f"by {len(e.paths)} paths" in text
    for p in e.paths:
        assert viz._number(p.product, 6) in text
    assert f"Their sum is the gradient: {viz._number(e.total, 6)}" in text
    highlighted = page.js("document.querySelectorAll('g.edge.ag-path').length")
    on_paths = {(p.nodes[i + 1], p.positions[i]) for p in e.paths for i in range(len(p.positions))}
    assert highlighted == len(on_paths)
    page.close(tmp_path / "paths.png")


def test_forward_pass_first(browser, tmp_path):
    """forward=True starts with the forward pass at negative steps, then backward from 0."""
    root = relu_at_zero()
    path = tmp_path / "fwd.html"
    path.write_text(viz.to_html(root, forward=True), encoding="utf-8")
    page = Page(browser, path)
    fsteps = page.js("window.autogradViewer.forwardSteps")
    from autograd.graph import topological_order

    assert fsteps == sum(1 for n in topological_order(root) if n.parents) == 5
    assert page.js("window.autogradViewer.step") == -fsteps
    assert "data ?" in page.page.inner_text(".ag-graph")
    page.js("window.autogradViewer.goto(0)")
    assert "data ?" not in page.page.inner_text(".ag-graph")
    page.close(tmp_path / "forward.png")


def test_notebook_iframe_runs_the_page(browser, tmp_path):
    """draw(steps=True)'s _repr_html_ (an iframe with the page inline) runs offline in the browser."""
    root = relu_at_zero()
    view = root.draw(steps=True)
    path = tmp_path / "notebook.html"
    path.write_text(f"<!DOCTYPE html><html><body>{view._repr_html_()}</body></html>", encoding="utf-8")
    page = Page(browser, path)
    frame = page.page.frames[1]
    frame.wait_for_function("window.autogradViewer !== undefined")
    steps = frame.evaluate("window.autogradViewer.steps")
    assert steps == view.steps
    frame.evaluate(f"window.autogradViewer.goto({steps})")
    root.backward()
    assert frame.evaluate("window.autogradViewer.grads()") == {n.label: n.grad for n in labelled(root)}
    page.close(tmp_path / "iframe.png")


def test_hostile_labels_stay_text(browser, tmp_path):
    """Labels with markup, quotes and </script> are shown as text and run nothing."""
    evil = '</script><script>window.pwned=1</script><img src=x onerror="window.pwned=2">'
    x = Value(2.0, evil)
    y = x * Value(3.0, "it's \"q\" & <b>")
    y.label = "y"
    path = tmp_path / "evil.html"
    path.write_text(viz.to_html(y), encoding="utf-8")
    page = Page(browser, path)
    assert page.js("window.pwned === undefined")
    page.js(f"window.autogradViewer.goto({page.js('window.autogradViewer.steps')})")
    grads = page.js("window.autogradViewer.grads()")
    assert grads[evil] == 3.0 and grads["it's \"q\" & <b>"] == 2.0
    page.close()


# ------------------------------------------------------------ the page's text, no browser
@needs_dot
def test_page_is_self_contained():
    """The page has no external reference: no src=, no href= to anything, no http(s) URL in code."""
    page = viz.to_html(shared())
    assert "Content-Security-Policy" in page and "default-src 'none'" in page
    assert not re.search(r"""\s(src|href)=["'](?!#)""", page)
    assert not re.search(r"https?://(?!www\.w3\.org/)", page)
    assert "window.autogradViewer" in page


@needs_dot
def test_page_data_matches_backward_bit_for_bit():
    """The recorded pass ends with every node's gradient exactly as backward leaves it."""
    root = three_hundred()
    steps, grads = backward_steps(root)
    root.backward()
    assert all(grads[n] == n.grad for n in grads)
    data = viz.html.page_data(root)
    assert len(data["steps"]) == len(steps)
    literal = viz.html._script_json(data)
    assert json.loads(literal.replace("\\u003c", "<").replace("\\u003e", ">").replace("\\u0026", "&")) == data


def test_step_view_without_browser_parts():
    """draw(steps=True) refuses options it does not take, and a non-bool steps."""
    x = Value(1.0, "x")
    with pytest.raises(TypeError, match="unexpected option show_local_grads"):
        viz.show(x, steps=True, show_local_grads=True)
    with pytest.raises(TypeError, match="steps: expected True or False"):
        viz.show(x, steps="yes")
    with pytest.raises(TypeError, match="to_html: expected a Value"):
        viz.to_html([x])  # type: ignore[arg-type]


@needs_dot
def test_step_view_repr_and_save(tmp_path):
    """A StepView says what it holds, saves its page, and its iframe holds the escaped page."""
    out, _ = parse.build("x*y + x", {"x": 2.0, "y": 3.0})
    view = out.draw(steps=True)
    assert repr(view) == f"<StepView: 4 Values, {view.steps} backward steps; .html is the page>"
    assert view.steps == 3
    assert view.save(tmp_path / "v.html").read_text(encoding="utf-8") == view.html
    assert htmllib.unescape(view._repr_html_().split('srcdoc="')[1].split('" sandbox')[0]) == view.html
    bundle = view._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/plain"} and view._repr_svg_() is None
    assert view.save(tmp_path / "v.dot").read_text(encoding="utf-8").startswith("digraph")

// autograd step-through viewer. Plays a backward pass recorded by autograd.viz.to_html over
// the inline SVG Graphviz drew. All numbers and texts come from Python (DATA); this script
// only shows them. No network access, no globals but the viewer objects.
"use strict";
function createAutogradViewer(root, DATA) {
  const svg = root.querySelector(".ag-graph svg");
  const byId = (id) => svg.querySelector('[id="' + id + '"]');
  const nodes = DATA.nodes.map((n) => {
    const g = byId(n.id);
    const texts = g ? Array.from(g.querySelectorAll("text")) : [];
    const gradText = texts.filter((t) => t.textContent.startsWith("grad ")).pop() || null;
    const dataText = texts.filter((t) => t.textContent.startsWith("data ")).pop() || null;
    return Object.assign({}, n, { g: g, gradText: gradText, dataText: dataText });
  });
  const edges = DATA.edges.map((e) => {
    const g = byId(e.id);
    const label = g ? g.querySelector("text") : null;
    return Object.assign({}, e, { g: g, labelText: label });
  });
  const steps = DATA.steps.length;            // backward steps: 1 is the seed, then one per operation
  const forwardSteps = DATA.forward ? DATA.forward.length : 0;
  const el = (cls) => root.querySelector("." + cls);
  const slider = el("ag-slider"), counter = el("ag-counter"), explain = el("ag-explain");
  const table = el("ag-grads"), pathsBox = el("ag-paths");
  let step = forwardSteps > 0 ? -forwardSteps : 0, timer = null, selected = null;
  let grad = new Array(nodes.length).fill(0), gradShown = new Array(nodes.length).fill("0");
  const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  const cls = (g, name, on) => { if (g) g.classList.toggle(name, on); };

  // the table of labelled Values and their gradients
  const rows = [];
  DATA.keys.forEach((pair) => {
    const tr = document.createElement("tr");
    tr.innerHTML = "<td><code>" + esc(pair[0]) + "</code></td><td></td>";
    table.tBodies[0].appendChild(tr);
    rows.push({ index: pair[1], tr: tr, cell: tr.cells[1] });
  });

  function stateAt(k) {   // gradients and their texts after backward step k (k <= 0: none)
    const g = new Array(nodes.length).fill(0), t = new Array(nodes.length).fill("0");
    for (let s = 0; s < Math.min(k, steps); s++) {
      const st = DATA.steps[s];
      if (s === 0) { g[st.node] = st.grad; t[st.node] = st.gradText; }
      st.sends.forEach((x) => { const p = edges[x.edge].from; g[p] = x.total; t[p] = x.totalText; });
    }
    return [g, t];
  }

  function render() {
    const k = step;
    [grad, gradShown] = stateAt(k);
    const computed = new Set();
    if (k < 0) for (let i = 0; i < forwardSteps + k; i++) computed.add(DATA.forward[i]);
    const finalNow = new Set(), active = k >= 1 ? DATA.steps[k - 1] : null;
    for (let s = 0; s < Math.min(k, steps); s++) finalNow.add(DATA.steps[s].node);
    if (k >= steps) nodes.forEach((n, i) => finalNow.add(i));
    const updated = new Set(active ? active.sends.map((x) => edges[x.edge].from) : []);
    const sending = new Set(active ? active.sends.map((x) => x.edge) : []);
    nodes.forEach((n, i) => {
      if (n.gradText) n.gradText.textContent = k < 0 ? "grad \u2013" : "grad " + gradShown[i];
      if (n.dataText) n.dataText.textContent = "data " + (k < 0 && !n.leaf && !computed.has(i) ? "?" : n.dataText0);
      cls(n.g, "ag-pending", k < 0 && !n.leaf && !computed.has(i));
      cls(n.g, "ag-final", finalNow.has(i));
      cls(n.g, "ag-active", active !== null && active.node === i);
      cls(n.g, "ag-updated", updated.has(i));
    });
    edges.forEach((e, j) => {
      const on = sending.has(j);
      cls(e.g, "ag-send", on);
      if (e.labelText) e.labelText.textContent = e.localText;
    });
    if (active) active.sends.forEach((x) => {
      const e = edges[x.edge];
      if (e.labelText) e.labelText.textContent = e.localText + " \u00d7 " + active.gradText + " = " + x.productText;
    });
    rows.forEach((r) => {
      r.cell.textContent = k < 0 ? "\u2013" : gradShown[r.index];
      r.tr.classList.toggle("ag-changed", updated.has(r.index) || (active !== null && k === 1 && active.node === r.index));
    });
    slider.value = String(k);
    counter.textContent = k < 0 ? "forward " + (forwardSteps + k) + " / " + forwardSteps
                                : "step " + k + " / " + steps;
    explain.innerHTML = describe(k, active);
  }

  function nm(i) { return "<code>" + esc(nodes[i].name) + "</code>"; }
  function describe(k, active) {
    if (k < 0) {
      const done = forwardSteps + k;
      if (done === 0) return "Forward pass: the inputs are set; nothing is computed yet.";
      const i = DATA.forward[done - 1];
      return "Forward pass: " + nm(i) + " = " + esc(nodes[i].opText) + " gives " + esc(nodes[i].dataText0) + ".";
    }
    if (k === 0) return "Before the backward pass: every gradient is 0. Step forward (\u2192) to start at the output.";
    let s;
    if (k === 1) {
      s = "Backward starts at the output: d" + nm(active.node) + "/d" + nm(active.node) + " = 1.";
    } else {
      s = "The gradient of " + nm(active.node) + " is final: <b>" + esc(active.gradText) +
          "</b> (every node that uses it has sent its share). It sends gradient \u00d7 local derivative to its inputs:<ul>";
      active.sends.forEach((x) => {
        const e = edges[x.edge];
        s += "<li>" + nm(e.from) + " += " + esc(active.gradText) + " \u00d7 " + esc(e.localText) + " = " +
             esc(x.productText) + ", now <b>" + esc(x.totalText) + "</b></li>";
      });
      s += "</ul>";
    }
    if (k >= steps) s += " <b>Done:</b> these are the gradients one <code>backward()</code> gives.";
    return s;
  }

  function goto(k) {
    k = Math.round(Number(k));
    if (!Number.isFinite(k)) throw new TypeError("goto: expected a step number, got " + k);
    step = Math.max(-forwardSteps, Math.min(steps, k));
    render();
    return step;
  }
  function pause() { if (timer !== null) { clearInterval(timer); timer = null; } el("ag-play").textContent = "\u25b6 play"; }
  function play() {
    if (timer !== null) { pause(); return; }
    if (step >= steps) goto(-forwardSteps);
    el("ag-play").textContent = "\u23f8 pause";
    timer = setInterval(() => { if (step >= steps) pause(); else goto(step + 1); }, DATA.interval);
  }
  function select(i) {   // highlight an input's paths to the output, or clear with null
    if (typeof i === "string") { const hit = DATA.keys.find((p) => p[0] === i); i = hit ? hit[1] : null; }
    edges.forEach((e) => cls(e.g, "ag-path", false));
    nodes.forEach((n) => cls(n.g, "ag-selected", false));
    selected = (i === null || i === undefined || !DATA.paths[i]) ? null : i;
    if (selected === null) { pathsBox.innerHTML = ""; return null; }
    const P = DATA.paths[selected];
    cls(nodes[selected].g, "ag-selected", true);
    P.union.forEach((j) => cls(edges[j].g, "ag-path", true));
    let s = "<b>" + esc(nodes[selected].name) + "</b> reaches the output by " + P.count + " path" + (P.count === 1 ? "" : "s");
    if (P.listed.length) {
      s += "; each contributes the product of its local derivatives:<ol>";
      P.listed.forEach((p) => { s += "<li>" + esc(p.text) + " = <b>" + esc(p.productText) + "</b></li>"; });
      s += "</ol>Their sum is the gradient: <b>" + esc(P.totalText) + "</b>.";
    } else if (P.count > 0) {
      s += " (too many to list here; the highlighted edges are on them). Gradient: <b>" + esc(P.totalText) + "</b>.";
    } else {
      s += ": its gradient is 0.";
    }
    pathsBox.innerHTML = s;
    return selected;
  }

  nodes.forEach((n, i) => {
    n.dataText0 = n.dataShown;
    if (n.g && DATA.paths[i]) {
      n.g.classList.add("ag-leaf");
      n.g.addEventListener("click", (ev) => { ev.stopPropagation(); select(selected === i ? null : i); });
    }
  });
  slider.min = String(-forwardSteps);
  slider.max = String(steps);
  slider.addEventListener("input", () => { pause(); goto(Number(slider.value)); });
  el("ag-prev").addEventListener("click", () => { pause(); goto(step - 1); });
  el("ag-next").addEventListener("click", () => { pause(); goto(step + 1); });
  el("ag-first").addEventListener("click", () => { pause(); goto(-forwardSteps); });
  el("ag-last").addEventListener("click", () => { pause(); goto(steps); });
  el("ag-play").addEventListener("click", play);
  el("ag-zoom").addEventListener("click", () => el("ag-graph").classList.toggle("ag-fit"));
  root.ownerDocument.addEventListener("keydown", (ev) => {
    const keys = { ArrowRight: 1, ArrowLeft: -1 };
    if (ev.target && /^(INPUT|TEXTAREA|SELECT)$/.test(ev.target.tagName) && ev.target !== slider) return;
    if (ev.key in keys) { pause(); goto(step + keys[ev.key]); ev.preventDefault(); }
    else if (ev.key === "Home") { pause(); goto(-forwardSteps); ev.preventDefault(); }
    else if (ev.key === "End") { pause(); goto(steps); ev.preventDefault(); }
    else if (ev.key === " ") { play(); ev.preventDefault(); }
    else if (ev.key === "Escape") { select(null); }
  });
  render();

  return {
    steps: steps,
    forwardSteps: forwardSteps,
    get step() { return step; },
    goto: goto,
    next: () => goto(step + 1),
    prev: () => goto(step - 1),
    play: play,
    pause: pause,
    select: select,
    grads: () => {
      const out = {};
      DATA.keys.forEach((pair) => { out[pair[0]] = step < 0 ? 0 : grad[pair[1]]; });
      return out;
    },
  };
}

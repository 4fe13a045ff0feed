"""W5's workloads: one training step of a character-level GPT, run inside one worker process
per variant (see bench_gpt.py).

The model is microgpt's design at its author's size: 1 layer, 16 wide, 4 heads, block 16,
relu MLP of width 64, RMS norms without weights, no biases; one step is the forward over one
name (one position per character and one for the closing boundary), the backward, and an
Adam update (betas 0.85 and 0.99, the learning rate decaying linearly to 0). Variants:

* ``binary`` (a): the model written exactly in microgpt's style, with binary ``+ * ** / exp
  log relu`` and Python's ``sum``, on this engine's ``Value``;
* ``modules`` (b): the same model from this package's modules (``autograd.nn.GPT``,
  ``losses.cross_entropy_term``, ``optim.Adam``);
* ``peer`` (c): (a)'s code on the minimal engine of microgpt's published design in
  ``microgpt_peer.py``;
* ``compiled`` (d): (b) through ``autograd.compile`` (``autograd.text.SequenceLoss``).

All four start from the same weights (``initial_weights``) and train on the same names in
the same order, so they compute the same losses step for step, up to rounding.

The worker reads one JSON request per line on stdin and answers one JSON line on stdout:
``{"steps": k}`` runs the next k steps and returns their times, losses and token counts.
"""

from __future__ import annotations

import gc
import json
import random
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

CONFIG = {"vocab_size": 27, "block_size": 16, "n_layer": 1, "n_embd": 16, "n_head": 4}
LR, BETAS, EPS = 0.01, (0.85, 0.99), 1e-8
CHARS = "abcdefghijklmnopqrstuvwxyz"  # ids 0-25; the boundary token is 26
# The names trained on, in this order, round after round: 16 names, 100 positions.
NAMES = [
    "emma",
    "olivia",
    "ava",
    "isabella",
    "sophia",
    "mia",
    "charlotte",
    "amelia",
    "harper",
    "evelyn",
    "abigail",
    "emily",
    "ella",
    "liam",
    "noah",
    "oliver",
]


def tokens(name: str) -> list[int]:
    """``[bos, the letters' ids..., bos]``."""
    bos = len(CHARS)
    return [bos, *(CHARS.index(c) for c in name), bos]


def initial_weights(seed: int = 42, std: float = 0.08) -> dict[str, list[list[float]]]:
    """Every weight matrix, by the name ``autograd.nn.GPT`` gives it, drawn from N(0, std^2)."""
    rng = random.Random(seed)
    v, b, e = CONFIG["vocab_size"], CONFIG["block_size"], CONFIG["n_embd"]

    def matrix(rows: int, cols: int) -> list[list[float]]:
        return [[rng.gauss(0.0, std) for _ in range(cols)] for _ in range(rows)]

    weights = {"wte.w": matrix(v, e), "wpe.w": matrix(b, e), "lm_head.w": matrix(v, e)}
    for i in range(CONFIG["n_layer"]):
        for name in ("wq", "wk", "wv", "wo"):
            weights[f"blocks.{i}.attn.{name}.w"] = matrix(e, e)
        weights[f"blocks.{i}.fc1.w"] = matrix(4 * e, e)
        weights[f"blocks.{i}.fc2.w"] = matrix(e, 4 * e)
    return weights


def state_dict(weights: dict[str, list[list[float]]]) -> dict[str, float]:
    """The weights as ``GPT.load_state_dict`` takes them: one entry per ``name[i][j]``."""
    return {
        f"{k}[{i}][{j}]": x for k, m in weights.items() for i, row in enumerate(m) for j, x in enumerate(row)
    }


# ---------------------------------------------------------------------------- (a) and (c)
class MicroStyle:
    """The model and its training step written as microgpt writes them, over any ``Value``
    class with ``+ * ** / exp log relu`` (variants (a) and (c))."""

    def __init__(self, value: Any, weights: dict[str, list[list[float]]], total_steps: int) -> None:
        self.sd = {k: [[value(x) for x in row] for row in m] for k, m in weights.items()}
        self.params = [p for m in self.sd.values() for row in m for p in row]
        self.m = [0.0] * len(self.params)
        self.v = [0.0] * len(self.params)
        self.total_steps = total_steps
        self.step_count = 0
        self.phases: list[tuple[float, float, float, float]] = []  # forward, backward, update, free

    @staticmethod
    def linear(x: list[Any], w: list[list[Any]]) -> list[Any]:
        return [sum(wi * xi for wi, xi in zip(wo, x)) for wo in w]

    @staticmethod
    def softmax(logits: list[Any]) -> list[Any]:
        max_val = max(val.data for val in logits)
        exps = [(val - max_val).exp() for val in logits]
        total = sum(exps)
        return [e / total for e in exps]

    @staticmethod
    def rmsnorm(x: list[Any]) -> list[Any]:
        ms = sum(xi * xi for xi in x) / len(x)
        scale = (ms + 1e-5) ** -0.5
        return [xi * scale for xi in x]

    def gpt(self, token_id: int, pos_id: int, keys: list[list[Any]], values: list[list[Any]]) -> list[Any]:
        sd, linear, rmsnorm, softmax = self.sd, self.linear, self.rmsnorm, self.softmax
        n_head = CONFIG["n_head"]
        head_dim = CONFIG["n_embd"] // n_head
        x = [t + p for t, p in zip(sd["wte.w"][token_id], sd["wpe.w"][pos_id])]
        x = rmsnorm(x)
        for li in range(CONFIG["n_layer"]):
            x_residual = x
            x = rmsnorm(x)
            q = linear(x, sd[f"blocks.{li}.attn.wq.w"])
            k = linear(x, sd[f"blocks.{li}.attn.wk.w"])
            v = linear(x, sd[f"blocks.{li}.attn.wv.w"])
            keys[li].append(k)
            values[li].append(v)
            x_attn = []
            for h in range(n_head):
                hs = h * head_dim
                q_h = q[hs : hs + head_dim]
                k_h = [ki[hs : hs + head_dim] for ki in keys[li]]
                v_h = [vi[hs : hs + head_dim] for vi in values[li]]
                attn_logits = [
                    sum(q_h[j] * k_h[t][j] for j in range(head_dim)) / head_dim**0.5 for t in range(len(k_h))
                ]
                attn_weights = softmax(attn_logits)
                head_out = [
                    sum(attn_weights[t] * v_h[t][j] for t in range(len(v_h))) for j in range(head_dim)
                ]
                x_attn.extend(head_out)
            x = linear(x_attn, sd[f"blocks.{li}.attn.wo.w"])
            x = [a + b for a, b in zip(x, x_residual)]
            x_residual = x
            x = rmsnorm(x)
            x = linear(x, sd[f"blocks.{li}.fc1.w"])
            x = [xi.relu() for xi in x]
            x = linear(x, sd[f"blocks.{li}.fc2.w"])
            x = [a + b for a, b in zip(x, x_residual)]
        return linear(x, sd["lm_head.w"])

    def step(self, toks: list[int]) -> float:
        clock = time.perf_counter
        t0 = clock()
        n = min(CONFIG["block_size"], len(toks) - 1)
        keys: list[list[Any]] = [[] for _ in range(CONFIG["n_layer"])]
        values: list[list[Any]] = [[] for _ in range(CONFIG["n_layer"])]
        losses = []
        for pos_id in range(n):
            token_id, target_id = toks[pos_id], toks[pos_id + 1]
            logits = self.gpt(token_id, pos_id, keys, values)
            probs = self.softmax(logits)
            losses.append(-probs[target_id].log())
        loss = (1 / n) * sum(losses)
        t1 = clock()
        loss.backward()
        t2 = clock()
        lr_t = LR * (1 - self.step_count / self.total_steps)
        b1, b2 = BETAS
        t = self.step_count + 1
        for i, p in enumerate(self.params):
            self.m[i] = b1 * self.m[i] + (1 - b1) * p.grad
            self.v[i] = b2 * self.v[i] + (1 - b2) * p.grad**2
            m_hat = self.m[i] / (1 - b1**t)
            v_hat = self.v[i] / (1 - b2**t)
            p.data -= lr_t * m_hat / (v_hat**0.5 + EPS)
            p.grad = 0
        self.step_count += 1
        result = float(loss.data)
        t3 = clock()
        del loss, losses, logits, probs, keys, values  # the graph is freed here
        self.phases.append((t1 - t0, t2 - t1, t3 - t2, clock() - t3))
        return result


# ---------------------------------------------------------------------------- (b) and (d)
class ModuleStyle:
    """The same model from ``autograd.nn.GPT``, trained with ``optim.Adam`` (variant (b)),
    or through ``autograd.compile`` (variant (d))."""

    def __init__(self, weights: dict[str, list[list[float]]], total_steps: int, compiled: bool) -> None:
        from autograd import optim
        from autograd.nn import GPT
        from autograd.text import SequenceLoss

        self.model = GPT(**CONFIG, seed=0)
        self.model.load_state_dict(state_dict(weights))
        self.optimizer = optim.Adam(self.model.parameters(), lr=LR, betas=BETAS, eps=EPS)
        self.loss = SequenceLoss(self.model, compile=compiled)
        self.total_steps = total_steps
        self.step_count = 0

    def step(self, toks: list[int]) -> float:
        opt = self.optimizer
        opt.lr = LR * (1 - self.step_count / self.total_steps)
        opt.zero_grad()
        loss = self.loss(toks)
        opt.step()
        self.step_count += 1
        return loss


def make(variant: str, total_steps: int, seed: int = 42) -> Any:
    """The job of one variant: ``binary``, ``modules``, ``peer`` or ``compiled``."""
    weights = initial_weights(seed)
    if variant == "binary":
        from autograd import Value

        return MicroStyle(Value, weights, total_steps)
    if variant == "peer":
        sys.path.insert(0, str(HERE))
        from microgpt_peer import Value as PeerValue

        return MicroStyle(PeerValue, weights, total_steps)
    if variant in ("modules", "compiled"):
        return ModuleStyle(weights, total_steps, compiled=variant == "compiled")
    raise ValueError(f"unknown variant {variant!r}")


def run_steps(
    job: Any, start: int, k: int, clock: Callable[[], float] = time.perf_counter, *, gc_paused: bool = False
) -> dict[str, Any]:
    """Steps ``start`` to ``start + k - 1`` (cycling through NAMES): their times, losses and
    token counts, the seconds spent in the cyclic garbage collector, and (for the
    microgpt-style variants) each step's forward, backward, update and freeing times.
    ``gc_paused``: the collector is off during the steps and runs once after them, untimed
    (what the engines cost without it; the peer's cyclic garbage waits until then)."""
    times, losses, counts = [], [], []
    gc_time = [0.0]
    began = [0.0]

    def on_gc(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            began[0] = clock()
        else:
            gc_time[0] += clock() - began[0]

    phases = getattr(job, "phases", None)
    first_phase = len(phases) if phases is not None else 0
    gc.callbacks.append(on_gc)
    if gc_paused:
        gc.disable()
    try:
        for s in range(start, start + k):
            toks = tokens(NAMES[s % len(NAMES)])
            t0 = clock()
            losses.append(job.step(toks))
            times.append(clock() - t0)
            counts.append(len(toks) - 1)
    finally:
        gc.callbacks.remove(on_gc)
        if gc_paused:
            gc.enable()
            gc.collect()
    out = {"times": times, "losses": losses, "tokens": counts, "gc_time": gc_time[0]}
    if phases is not None:
        out["phases"] = phases[first_phase:]
    return out


def main(variant: str, total_steps: int) -> None:
    job = make(variant, total_steps)
    done = 0
    for line in sys.stdin:
        req = json.loads(line)
        out = run_steps(job, done, req["steps"], gc_paused=req.get("gc_paused", False))
        done += req["steps"]
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))

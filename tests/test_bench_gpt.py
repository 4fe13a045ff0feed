"""W5's workloads (bench/gpt_workloads.py) compute what they claim: the four variants train
the same model from the same weights to the same losses (correctness only, nothing timed)."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path

import pytest

_BENCH = Path(__file__).resolve().parent.parent / "bench"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_{name}", _BENCH / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


workloads = _load("gpt_workloads")
peer = _load("microgpt_peer")


def test_the_four_variants_agree_step_for_step():
    """(a), (b), (c) and (d) give the same losses (1e-9 relative) over 12 steps from the same
    weights, the compiled variant's first calls (tracing) included."""
    sys.path.insert(0, str(_BENCH))  # the peer variant imports microgpt_peer
    variants = ("peer", "binary", "modules", "compiled")
    results = {v: workloads.run_steps(workloads.make(v, 12), 0, 12) for v in variants}
    ref = results["peer"]["losses"]
    assert ref[0] == pytest.approx(math.log(27), rel=0.05)  # small weights: near-uniform predictions
    assert ref[-1] < ref[0]  # it learns
    for variant, result in results.items():
        for step, (got, want) in enumerate(zip(result["losses"], ref, strict=True)):
            assert got == pytest.approx(want, rel=1e-9), (variant, step)
        assert result["tokens"] == results["peer"]["tokens"]


def test_initial_weights_fill_every_parameter_of_the_module_model():
    """The weights are named as autograd.nn.GPT names its parameters, all of them."""
    from autograd.nn import GPT

    model = GPT(**workloads.CONFIG, seed=0)
    state = workloads.state_dict(workloads.initial_weights())
    assert set(state) == set(model.state_dict())
    model.load_state_dict(state)
    assert model.state_dict() == state


def test_the_peer_engine_differentiates_like_this_one():
    """The peer's gradients equal this engine's on an expression using every op it has."""
    from autograd import Value

    def f(v):
        a, b = v(1.5), v(-0.25)
        out = ((a * b + 2) ** 2 / (a - b) - (a * 3).exp().log() + (b * a).relu() + (1 - a) / 4).exp()
        out.backward()
        return out.data, a.grad, b.grad

    ours, theirs = f(Value), f(peer.Value)
    assert theirs == pytest.approx(ours, rel=1e-12)


def test_tokens_are_the_letters_between_two_boundaries():
    """A name is its letters' ids between two boundary tokens (26)."""
    assert workloads.tokens("ava") == [26, 0, 21, 0, 26]

"""``autograd demo``: micrograd's demo. Train MLP(2, [16, 16, 1]) on two moons with the hinge
loss, then write the decision boundary and the training curves (PNG; training and held-out),
one neuron's graph (SVG) and the model (JSON). Without matplotlib or Graphviz's dot the
pictures that need them are skipped, each with one line saying why (``autograd.cli.pictures``).
``autograd demo gpt`` trains microgpt's model on first names instead (``autograd.cli.gpt``).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from autograd._mode import no_grad
from autograd.cli.arguments import check_output_folder, integer, positive_int, sample_count
from autograd.cli.pictures import draw
from autograd.datasets import make_moons
from autograd.errors import UsageError
from autograd.graph import grads_kept
from autograd.nn import MLP
from autograd.optim import SGD
from autograd.training import Features, Task, evaluate, fit, plot_decision_boundary, plot_training
from autograd.value import Value

__all__ = ["add_command", "run_demo"]


def _pick_neuron(model: MLP, inputs: Features) -> tuple[int, int]:
    """A first-layer neuron and a sample where it is active (so its graph shows gradients)."""
    layer = model.layers[0]
    with no_grad():
        for i, x in enumerate(inputs[:20]):
            for j, neuron in enumerate(layer.neurons):
                if sum(w.data * v for w, v in zip(neuron.w, x)) + neuron.b.data > 0:
                    return j, i
    return 0, 0


def _render_neuron(model: MLP, inputs: Features, path: Path) -> Path:
    """Draw one first-layer neuron's graph on one sample, after backward, into an SVG."""
    from autograd import viz  # lazily: the demo needs Graphviz only for this picture

    j, i = _pick_neuron(model, inputs)
    neuron = model.layers[0].neurons[j]
    xs = [Value(v, label=f"x[{k}]") for k, v in enumerate(inputs[i])]
    out = neuron(xs)
    out.label = f"layers.0.neurons.{j}"
    params = neuron.parameters()
    with grads_kept(params):
        for p in params:  # show this backward's gradients only, not the training's last ones
            p.grad = 0.0
        out.backward()
        return viz.render(out, path)


def run_demo(args: argparse.Namespace) -> int:
    """``autograd demo``: micrograd's demo (MLP 2-16-16-1, hinge loss, 100 moons points)."""
    if args.what == "gpt":
        from autograd.cli import gpt

        return gpt.run_demo(args)
    out = Path(args.out)
    check_output_folder(out)
    inputs, y = make_moons(args.samples, noise=0.1, seed=args.seed)
    held_x, held_y = make_moons(args.samples, noise=0.1, seed=args.seed + 1)  # new points, same shape
    task = Task.for_labels("hinge", y)
    model = MLP(2, [16, 16, 1], seed=args.seed)
    optimizer = SGD(model.parameters(), lr=1.0)
    steps = args.steps or 100
    print(
        f"autograd demo: {model!r}, {len(model.parameters())} parameters, {len(inputs)} moons points "
        f"(and {len(held_x)} held out)"
    )
    history = fit(
        model,
        inputs,
        y,
        task,
        optimizer,
        epochs=steps,
        l2=1e-4,
        lr_schedule=lambda k: 1.0 - 0.9 * k / steps,
        validation=(held_x, held_y),
        progress="plain" if args.no_progress else True,
        description="demo",
        compile=not args.no_compile,
        seed=args.seed,
    )
    loss, accuracy = evaluate(model, inputs, y, task)
    accuracy = accuracy or 0.0  # never None: the task is a classification
    held_accuracy = history[-1].validation_accuracy or 0.0
    print(
        f"training accuracy {100 * accuracy:.1f}% after {steps} steps "
        f"(hinge loss {loss:.4f}; the loss shown while training adds the L2 term); "
        f"held-out accuracy {100 * held_accuracy:.1f}%"
    )
    try:
        png = out / "decision_boundary.png"
        title = f"MLP(2, [16, 16, 1]): {100 * accuracy:.0f}% after {steps} steps"

        def boundary() -> Path:
            return plot_decision_boundary(model, inputs, y, task, png, title=title)

        draw("decision boundary", png, boundary)
        curves = out / "training.png"
        draw("training curves", curves, lambda: plot_training(history, curves))
        svg = out / "neuron.svg"
        draw("neuron graph", svg, lambda: _render_neuron(model, inputs, svg))
        saved = model.save(out / "model.json", metadata={"task": task.to_json(), "data": "moons"})
        print(f"model: {saved}")
    except OSError as error:
        raise UsageError(f"--out: cannot write into {str(out)!r}: {error.strerror or error}") from None
    return 0


def add_command(subparsers: Any) -> None:
    """Add the ``demo`` command to the command line's subparsers."""
    demo = subparsers.add_parser(
        "demo",
        help="train micrograd's demo network on two moons and draw the result",
        description=(
            "Train MLP(2, [16, 16, 1]) on 100 two-moons points with the hinge loss (micrograd's "
            "demo), checking it on 100 new points after every step, then write the decision "
            "boundary and the training curves as PNG, one neuron's graph as SVG and the model as "
            "JSON into the output folder. A picture whose part is missing (matplotlib, Graphviz's "
            "dot) is skipped with a line saying so."
        ),
    )
    demo.add_argument(
        "what",
        nargs="?",
        choices=("moons", "gpt"),
        default="moons",
        help="moons: micrograd's demo (the default); gpt: microgpt's model trained on first names, "
        "then names sampled from it (needs the text extra)",
    )
    demo.add_argument("--out", default="autograd-demo", help="output folder (default: %(default)s)")
    demo.add_argument(
        "--steps", type=positive_int, default=None, help="training steps (default: 100; 1000 for gpt)"
    )
    demo.add_argument(
        "--samples", type=sample_count, default=100, help="moons points (default: %(default)s)"
    )
    demo.add_argument(
        "--seed", type=integer, default=0, help="seed for the data and the weights (default: %(default)s)"
    )
    demo.add_argument(
        "--no-progress",
        action="store_true",
        help="plain progress lines (every few seconds) instead of a bar",
    )
    demo.add_argument(
        "--no-compile",
        action="store_true",
        help="train on the dynamic engine instead of replaying the compiled loss (slower, same result)",
    )
    demo.set_defaults(run=run_demo)

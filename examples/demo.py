"""A first look at the engine: build an expression, run backward, print values and gradients,
then train a small network.

Run it with ``.venv/bin/python examples/demo.py`` after ``make demo`` or ``make test``.
"""

from autograd import Value, grad, losses, optim
from autograd.datasets import make_moons
from autograd.nn import MLP


def main() -> None:
    # The seeds' shopping example: 2 apples at 100 each, with 10% tax.
    apple = Value(100.0, label="apple")
    count = Value(2.0, label="count")
    tax = Value(1.1, label="tax")
    total = apple * count * tax
    total.backward()
    print(f"total = apple * count * tax = {total.data:.2f}")
    for leaf in (apple, count, tax):
        print(f"  d total / d {leaf.label:<5} = {leaf.grad:.4g}")

    # A neuron-like expression with a shared sub-expression and a nonlinearity.
    x = Value(0.5, label="x")
    w = Value(-1.5, label="w")
    b = Value(2.0, label="b")
    h = w * x + b
    y = (h * h).tanh() + h.sigmoid()
    y.backward()
    print(f"\ny = tanh(h * h) + sigmoid(h), h = w * x + b = {h.data}")
    print(f"  y = {y.data:.6f}")
    for leaf in (x, w, b):
        print(f"  dy/d{leaf.label} = {leaf.grad:.6f}")

    # Second derivative through grad(create_graph=True).
    t = Value(2.0, label="t")
    (dt,) = grad(t**3, [t], create_graph=True)
    (dt2,) = grad(dt, [t])
    print(f"\nd/dt t**3 at t = 2: {dt.data}; d2/dt2: {dt2}")

    # A small network: micrograd's MLP on 40 two-moons points, hinge loss, 30 Adam steps.
    # (`autograd demo` is the full version, with a progress bar, plots and a saved model.)
    xs, ys = make_moons(40, noise=0.1, seed=0)
    labels = [2 * y - 1 for y in ys]
    model = MLP(2, [16, 16, 1], seed=0)
    opt = optim.Adam(model.parameters(), lr=0.1)
    for step in range(30):
        scores = [model(x) for x in xs]
        loss = losses.hinge(scores, labels) + 1e-4 * losses.l2(model.parameters())
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % 10 == 9:
            right = sum((s.data > 0) == (t > 0) for s, t in zip(scores, labels))
            print(f"step {step + 1}: loss {loss.data:.4f}, {right}/{len(labels)} right before the update")
    right = sum((model(x).data > 0) == (t > 0) for x, t in zip(xs, labels))
    print(f"{model!r}: {right}/{len(labels)} points on the right side")


if __name__ == "__main__":
    main()

"""A first look at the engine: build an expression, run backward, print values and gradients.

Run it with ``make demo`` (which sets up a virtual environment first).
"""

from autograd import Value, grad


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


if __name__ == "__main__":
    main()

"""Tools for checking gradients, shipped for users (gradcheck and Hypothesis strategies)."""

"""The lecture's worked examples, in plain NumPy, as the lecture writes them.

These are the acceptance cases (``../shared/seed``): the two-layer MLP cost and its
hand-derived gradients, and the sin/cos example of the forward and reverse tables. They
import plain ``numpy`` on purpose: chainrule differentiates them unchanged.
"""

from __future__ import annotations

import numpy as np

__all__ = ["logistic", "logsumexp", "softmax", "cost", "gradients", "sincos", "sincos_tables",
           "make_data"]


def logistic(z):
    """σ(z) = 1 / (1 + e^{-z})."""
    return 1 / (1 + np.exp(-z))


def logsumexp(Z):  # N x K
    """The lecture's helper: returns shape (N, 1)."""
    Zmax = np.max(Z, axis=1)[:, None]
    lse = Zmax + np.log(np.sum(np.exp(Z - Zmax), axis=1))[:, None]
    return lse


def softmax(u):  # N x C
    u_exp = np.exp(u - np.max(u, 1)[:, None])
    return u_exp / np.sum(u_exp, axis=-1)[:, None]


def cost(X, Y, W, V):
    """Softmax cross-entropy of the two-layer MLP; X: N x D, Y: N x C, W: M x C, V: D x M.

    As in the lecture, ``np.sum(U*Y, 1)`` has shape (N,) and ``logsumexp(U)`` (N, 1); the
    difference broadcasts to N x N, whose mean equals mean(Σ U*Y) - mean(lse): the value
    (and so the gradient) is the intended one.
    """
    Q = np.dot(X, V)  # N x M
    Z = logistic(Q)  # N x M
    U = np.dot(Z, W)  # N x C
    Yh = softmax(U)  # noqa: F841 - the lecture computes it; the cost uses U directly
    nll = -np.mean(np.sum(U * Y, 1) - logsumexp(U))
    return nll


def gradients(X, Y, W, V):
    """The lecture's hand-derived gradients (dW, dV) of :func:`cost`."""
    Z = logistic(np.dot(X, V))  # N x M
    N, D = X.shape
    Yh = softmax(np.dot(Z, W))  # N x K
    dY = Yh - Y  # N x K
    dW = np.dot(Z.T, dY) / N  # M x K
    dZ = np.dot(dY, W.T)  # N x M
    dV = np.dot(X.T, dZ * Z * (1 - Z)) / N  # D x M
    return dW, dV


def make_data(N=150, D=3, M=16, C=3, seed=0, dtype=np.float64):
    """Random data of the lecture's Iris shapes: D-1 features plus a bias column, one-hot
    labels, and standard-normal weights (not the lecture's × 0.01, so that the gradient is
    not tiny in tests). Returns X, Y, W, V."""
    rng = np.random.default_rng(seed)
    X = np.concatenate([rng.standard_normal((N, D - 1)), np.ones((N, 1))], axis=1)
    labels = rng.integers(0, C, N)
    Y = np.eye(C)[labels]
    W = rng.standard_normal((M, C))
    V = rng.standard_normal((D, M))
    return tuple(a.astype(dtype) for a in (X, Y, W, V))


def sincos(w0, w1, x):
    """y1 = sin(w1 x + w0), y2 = cos(w1 x + w0)."""
    a5 = w1 * x + w0
    return np.sin(a5), np.cos(a5)


def sincos_tables(w0, w1, x):
    """The lecture's tables by hand: values a1..a7, tangents ȧ (seeded at w1), adjoints ā
    (seeded at y2). Each is a dict from 'a1'..'a7' to a number."""
    a = {"a1": w0, "a2": w1, "a3": x}
    a["a4"] = a["a2"] * a["a3"]
    a["a5"] = a["a4"] + a["a1"]
    a["a6"] = np.sin(a["a5"])
    a["a7"] = np.cos(a["a5"])
    t = {"a1": 0.0, "a2": 1.0, "a3": 0.0}
    t["a4"] = a["a2"] * t["a3"] + t["a2"] * a["a3"]
    t["a5"] = t["a4"] + t["a1"]
    t["a6"] = t["a5"] * np.cos(a["a5"])
    t["a7"] = -t["a5"] * np.sin(a["a5"])
    b = {"a7": 1.0, "a6": 0.0}
    b["a5"] = -b["a7"] * np.sin(a["a5"]) + b["a6"] * np.cos(a["a5"])
    b["a4"] = b["a5"]
    b["a3"] = b["a4"] * a["a2"]
    b["a2"] = b["a4"] * a["a3"]
    b["a1"] = b["a5"]
    return a, t, b

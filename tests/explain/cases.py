"""The lecture's running example, shared by explain's tests: y = (sin(a5), cos(a5)),
a5 = w1 x + w0, at w0 = 0.5, w1 = 2, x = 1.5."""

from __future__ import annotations

import inspect

import numpy as np

W0, W1, X = 0.5, 2.0, 1.5
A5 = W1 * X + W0  # the lecture's a5 = w1 x + w0


def sincos(w0, w1, x):
    a5 = w1 * x + w0
    return np.sin(a5), np.cos(a5)


SINCOS_LINE = inspect.getsourcelines(sincos)[1] + 1  # the line of `a5 = w1 * x + w0`


def values(ex, attr):
    return [float(getattr(r, attr)) for r in ex.rows]

"""Compiled equals eager on every registry primitive (tests/ops: one case per spec).

For each case ``f`` of the rule sweep: ``cr.compile(f)`` returns the eager values bit for
bit (the program calls the same implementations in the same order), and the compiled
gradient of Σ w·f (w fixed and random) equals the eager one to 1e-14.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from ops.test_rules import CASES


def _leaves(x):
    return cr.tree.leaves(x)


def _same(a, b, tol=0.0):
    for x, y in zip(_leaves(a), _leaves(b), strict=True):
        x, y = np.asarray(x), np.asarray(y)
        assert x.shape == y.shape and x.dtype == y.dtype
        if tol == 0.0:
            assert np.array_equal(x, y, equal_nan=True), (x, y)
        else:
            np.testing.assert_allclose(x, y, rtol=tol, atol=tol)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_compiled_primitive_equals_eager_bit_for_bit(case):
    xs = case.primals()
    eager = case.f(*xs)
    compiled = cr.compile(case.f)
    _same(compiled(*xs), eager)
    _same(compiled(*xs), eager)  # the replay, not the trace
    assert compiled.stats["traces"] == 1 and compiled.stats["replays"] >= 1


@pytest.mark.parametrize("case", [c for c in CASES if c.diff], ids=lambda c: c.id)
def test_compiled_gradient_equals_eager_to_1e14(case):
    xs = case.primals()
    out = np.asarray(cr.stop_gradient(case.f(*xs)))
    if out.dtype.kind not in "fc":
        pytest.skip("integer output: nothing to differentiate")
    w = case.rng("weights").standard_normal(out.shape)

    def loss(*ys):
        return cnp.sum(cnp.real(case.f(*ys) * w)) if out.dtype.kind == "c" else \
            cnp.sum(case.f(*ys) * w)

    g = cr.value_and_grad(loss, argnums=tuple(range(len(xs))))
    _same(cr.compile(g)(*xs), g(*xs), tol=1e-14)

"""``chainrule.numpy.r_``/``c_`` join traced values, by NumPy's rules."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

M = np.arange(6.0).reshape(2, 3)
CASES = {  # each builds the same array from numpy or chainrule.numpy
    "pieces, scalar and range": lambda n, a: n.r_[a, a * 2, 5.0, 0:3],
    "linspace slice": lambda n, a: n.r_[a, -1:1:4j],
    "directive '0,2'": lambda n, a: n.r_["0,2", a, a],
    "directive '0,2,0'": lambda n, a: n.r_["0,2,0", a, a],
    "directive '-1,3,1'": lambda n, a: n.r_["-1,3,1", a, a],
    "c_ columns": lambda n, a: n.c_[a, a * 3],
    "c_ matrix and column": lambda n, a: n.c_[M, a[:2]],
}


@pytest.mark.parametrize("build", CASES.values(), ids=CASES.keys())
def test_values_and_gradients_match_numpy_and_central_differences(build):
    """The traced result is NumPy's; ∇_a Σ w·build(a) is the central difference."""
    a = np.array([1.0, 2.0, 3.0])
    want = build(np, a)
    out, back = cr.vjp(lambda a: build(cnp, a), a)
    np.testing.assert_array_equal(out, want)
    w = np.random.default_rng(0).standard_normal(want.shape)
    h = 1e-6
    fd = np.array([((build(np, a + h * e) - build(np, a - h * e)) * w).sum() / (2 * h)
                   for e in np.eye(3)])
    np.testing.assert_allclose(back(w)[0], fd, rtol=1e-7)


def test_without_traced_pieces_they_are_numpys_objects():
    np.testing.assert_array_equal(cnp.r_[1:4, 7], np.r_[1:4, 7])
    np.testing.assert_array_equal(cnp.c_[[1, 2], [3, 4]], np.c_[[1, 2], [3, 4]])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)  # np.matrix
        assert isinstance(cnp.r_["r", [1, 2]], np.matrix)


def test_a_matrix_directive_with_traced_pieces_is_refused():
    with pytest.raises(TypeError, match="matrices"):
        cr.grad(lambda a: cnp.r_["r", a].sum())(np.ones(2))

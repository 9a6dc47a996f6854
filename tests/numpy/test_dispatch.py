"""Plain NumPy code on traced values: functions, operators, methods, indexing, special.

Every case is checked against a closed-form gradient in reverse mode, and in forward mode
through the identity ``jvp(f, x, v) = <grad f(x), v>``.
"""

import numpy as np
import pytest

import chainrule as cr
from chainrule.core import Tracer
from chainrule.scipy import special

A = np.array([[0.5, 1.5, 2.5], [3.5, 0.25, 1.25]])  # positive, distinct entries
M = np.array([[1.0, -2.0], [0.5, 3.0], [-1.5, 0.25]])
C = np.array([[1.0, 2.0, 3.0], [-1.0, 0.5, 4.0]])
V = np.array([[0.3, -0.1, 0.2], [1.0, 0.0, -0.5]])  # a tangent direction


def check(f, x, want_grad, rtol=1e-13):
    """grad f(x) == want_grad, and the JVP in direction V-like matches <want_grad, v>."""
    g = cr.grad(f)(x)
    assert np.shape(g) == np.shape(x)
    np.testing.assert_allclose(g, want_grad, rtol=rtol, atol=1e-14)
    v = np.cos(np.arange(np.size(x)) + 1.0).reshape(np.shape(x))
    _, t = cr.jvp(f, (x,), (v,))
    np.testing.assert_allclose(t, np.sum(np.asarray(want_grad) * v), rtol=1e-12, atol=1e-14)


# ---- numpy functions -----------------------------------------------------------------------

def test_np_sin_exp_log():
    check(lambda a: np.sum(np.sin(a) * C), A, np.cos(A) * C)
    check(lambda a: np.sum(np.exp(a) * C), A, np.exp(A) * C)
    check(lambda a: np.sum(np.log(a) * C), A, C / A)


def test_np_dot():
    R = np.array([[1.0, 2.0], [-3.0, 0.5]])
    check(lambda a: np.sum(np.dot(a, M) * R), A, R @ M.T)
    u = np.array([1.0, -1.0, 2.0])
    check(lambda x: np.dot(x, u) ** 2, np.array([0.5, 1.0, 1.5]), 2 * 2.5 * u)  # x·u = 2.5


def test_np_sum_with_axis():
    rows = A.sum(axis=1)
    check(lambda a: np.sum(np.sum(a, axis=1) ** 2), A, 2 * rows[:, None] * np.ones((2, 3)))
    cols = A.sum(axis=0)
    check(lambda a: np.sum(np.sum(a, axis=0, keepdims=True) ** 2), A,
          2 * cols[None, :] * np.ones((2, 3)))
    check(lambda a: np.sum(a, axis=(0, 1)), A, np.ones((2, 3)))


def test_np_max_and_min():
    onehot = np.zeros((2, 3))
    onehot[1, 0] = 1.0  # 3.5 is the maximum
    check(lambda a: np.max(a), A, onehot)
    # column maxima: 3.5, 1.5, 2.5 ; weighted by [1, 2, 3]
    want = np.array([[0.0, 2.0, 3.0], [1.0, 0.0, 0.0]])
    check(lambda a: np.sum(np.max(a, axis=0) * np.array([1.0, 2.0, 3.0])), A, want)
    onehot = np.zeros((2, 3))
    onehot[1, 1] = 1.0  # 0.25 is the minimum
    check(lambda a: np.min(a), A, onehot)


def test_np_mean():
    check(lambda a: np.mean(a), A, np.full((2, 3), 1 / 6))
    check(lambda a: np.sum(np.mean(a, axis=1) * np.array([3.0, -6.0])), A,
          np.array([[1.0] * 3, [-2.0] * 3]))


def test_np_where():
    check(lambda a: np.sum(np.where(a > 1.0, a ** 2, -a)), A, np.where(A > 1.0, 2 * A, -1.0))
    # both branches traced, condition from data
    cond = np.array([[True, False, True], [False, True, False]])
    check(lambda a: np.sum(np.where(cond, np.sin(a), 3 * a)), A,
          np.where(cond, np.cos(A), 3.0))


def test_np_concatenate_and_stack():
    check(lambda a: np.sum(np.concatenate([a, 2 * a], axis=0) ** 2), A, 10 * A)
    w = np.arange(12.0).reshape(2, 6)
    check(lambda a: np.sum(np.concatenate([a, a ** 2], axis=1) * w), A,
          w[:, :3] + 2 * A * w[:, 3:])
    check(lambda a: np.sum(np.stack([a, np.exp(a)]) * np.array([1.0, 2.0])[:, None, None]),
          A, 1 + 2 * np.exp(A))


def test_np_reshape_and_transpose():
    check(lambda a: np.sum(np.reshape(a, (3, 2)) * M), A, M.reshape(2, 3))
    check(lambda a: np.sum(np.reshape(a, -1) * np.arange(6.0)), A, np.arange(6.0).reshape(2, 3))
    check(lambda a: np.sum(np.transpose(a) * M), A, M.T)
    B = np.arange(24.0).reshape(2, 3, 4)
    W = np.sin(np.arange(24.0)).reshape(4, 2, 3)
    check(lambda b: np.sum(np.transpose(b, (2, 0, 1)) * W), B, np.transpose(W, (1, 2, 0)))


def test_other_plain_numpy_functions():
    check(lambda a: np.sum(np.tanh(a)), A, 1 - np.tanh(A) ** 2)
    check(lambda a: np.sum(np.sqrt(a)), A, 0.5 / np.sqrt(A))
    check(lambda a: np.sum(np.square(a)), A, 2 * A)
    check(lambda a: np.sum(np.maximum(a, 1.0)), A, (A > 1.0).astype(float))
    check(lambda a: np.sum(np.clip(a, 1.0, 3.0)), A, ((A >= 1.0) & (A <= 3.0)).astype(float))
    check(lambda a: np.prod(a), A, np.prod(A) / A)
    check(lambda a: np.var(a), A, 2 * (A - A.mean()) / 6)
    check(lambda a: np.std(a), A, (A - A.mean()) / (6 * A.std()))
    check(lambda a: np.sum(np.expand_dims(a, 0) * C), A, C)


# ---- operators -----------------------------------------------------------------------------

def test_operators_with_an_ndarray_on_either_side():
    check(lambda a: np.sum(C + a), A, np.ones((2, 3)))
    check(lambda a: np.sum(a + C), A, np.ones((2, 3)))
    check(lambda a: np.sum(C - a), A, -np.ones((2, 3)))
    check(lambda a: np.sum(a - C), A, np.ones((2, 3)))
    check(lambda a: np.sum(C * a), A, C)
    check(lambda a: np.sum(a * C), A, C)
    check(lambda a: np.sum(C / a), A, -C / A ** 2)
    check(lambda a: np.sum(a / C), A, 1 / C)
    R = np.array([[1.0, 2.0], [-3.0, 0.5]])
    check(lambda a: np.sum((a @ M) * R), A, R @ M.T)
    # Σ (M a) K = Σ_ijk M_ij a_jk K_ik  =>  ∂/∂a_jk = (Mᵀ K)_jk
    K = np.arange(9.0).reshape(3, 3)
    check(lambda a: np.sum((M @ a) * K), A, M.T @ K)
    check(lambda a: np.sum(a ** 3), A, 3 * A ** 2)
    P = np.abs(C)
    check(lambda a: np.sum(P ** a), A, P ** A * np.log(P))
    check(lambda a: np.sum(2.0 ** a), A, 2.0 ** A * np.log(2.0))
    check(lambda a: np.sum(-a * C), A, -C)
    check(lambda a: np.sum(abs(a - 1.0)), A, np.sign(A - 1.0))


def test_results_of_mixed_operations_are_tracers():
    seen = []

    def f(a):
        for r in (C + a, a + C, C * a, a @ M, M @ a, M.T @ a.T, np.float64(2.0) * a,
                  a * np.float64(2.0), np.float32(3.0) - a, 1.0 / a, np.float64(2.0) ** a):
            seen.append(isinstance(r, Tracer))
        return np.sum(a)

    cr.grad(f)(A)
    assert seen and all(seen)


def test_numpy_scalars_times_tracers():
    check(lambda a: np.sum(np.float64(2.0) * a), A, np.full((2, 3), 2.0))
    check(lambda a: np.sum(a * np.float64(2.0)), A, np.full((2, 3), 2.0))
    check(lambda a: np.sum(np.float64(1.0) / a), A, -1 / A ** 2)
    check(lambda a: np.sum(np.float64(3.0) - a), A, -np.ones((2, 3)))
    a32 = A.astype(np.float32)
    g = cr.grad(lambda a: np.sum(np.float32(2.0) * a * a))(a32)
    assert g.dtype == np.float32
    np.testing.assert_allclose(g, 4 * A, rtol=1e-6)


# ---- comparisons and Python control flow ---------------------------------------------------

def test_comparisons_return_plain_booleans():
    kinds = []

    def f(a):
        for r in (a > 1.0, a >= 1.0, a < C, a <= C, a == a, a != C, 1.0 < a, C > a):
            kinds.append((type(r), r.dtype))
        assert np.array_equal(a > 1.0, A > 1.0)
        return np.sum(a)

    cr.grad(f)(A)
    cr.jvp(f, (A,), (V,))
    assert all(t is np.ndarray and d == np.bool_ for t, d in kinds)


def test_python_control_flow_on_traced_values():
    def piecewise(x):
        if x > 1.0:
            return x ** 3
        elif x < -1.0:
            return -x
        return np.sin(x)

    assert cr.grad(piecewise)(2.0) == 12.0
    assert cr.grad(piecewise)(-3.0) == -1.0
    np.testing.assert_allclose(cr.grad(piecewise)(0.5), np.cos(0.5))
    np.testing.assert_allclose(cr.jvp(piecewise, (2.0,), (1.0,))[1], 12.0)

    def doubling(x):
        while x < 10.0:  # doubles 4 times from 1.0
            x = x * 2.0
        return x

    assert cr.grad(doubling)(1.0) == 16.0
    assert cr.grad(lambda a: np.sum(a ** 2) if np.all(a > 0) else 0.0)(A).shape == A.shape


def test_argmax_and_nondifferentiable_helpers_give_plain_values():
    def f(a):
        i = np.argmax(a)
        assert not isinstance(i, Tracer)
        assert np.shape(a) == (2, 3) and np.ndim(a) == 2 and np.size(a) == 6
        r, c = np.unravel_index(i, a.shape)
        return a[r, c] * 2.0 + np.sum(np.sign(a) * a) + np.sum(np.floor(a))

    want = np.ones((2, 3))
    want[1, 0] += 2.0
    check(f, A, want)


# ---- tracer methods and attributes ---------------------------------------------------------

def test_tracer_attributes():
    seen = {}

    def f(a):
        seen.update(shape=a.shape, ndim=a.ndim, size=a.size, dtype=a.dtype, len=len(a))
        return np.sum(a)

    cr.grad(f)(A.astype(np.float32))
    assert seen == {"shape": (2, 3), "ndim": 2, "size": 6, "dtype": np.float32, "len": 2}


def test_tracer_reductions():
    check(lambda a: a.sum(), A, np.ones((2, 3)))
    check(lambda a: (a.sum(axis=0) ** 2).sum(), A, 2 * A.sum(axis=0) * np.ones((2, 3)))
    check(lambda a: a.mean(), A, np.full((2, 3), 1 / 6))
    check(lambda a: (a.mean(axis=1, keepdims=True) * np.array([[1.0], [2.0]])).sum(), A,
          np.array([[1 / 3] * 3, [2 / 3] * 3]))
    onehot = np.zeros((2, 3))
    onehot[1, 0] = 1.0
    check(lambda a: a.max(), A, onehot)
    onehot = np.zeros((2, 3))
    onehot[1, 1] = 1.0
    check(lambda a: a.min(), A, onehot)
    check(lambda a: a.prod(), A, np.prod(A) / A)
    check(lambda a: a.var(), A, 2 * (A - A.mean()) / 6)
    check(lambda a: a.var(ddof=1), A, 2 * (A - A.mean()) / 5)
    check(lambda a: a.std(), A, (A - A.mean()) / (6 * A.std()))
    row_mean = A.mean(axis=1, keepdims=True)
    check(lambda a: a.var(axis=1).sum(), A, 2 * (A - row_mean) / 3)


def test_tracer_shape_methods():
    check(lambda a: (a.reshape(3, 2) * M).sum(), A, M.reshape(2, 3))
    check(lambda a: (a.reshape((3, 2)) * M).sum(), A, M.reshape(2, 3))
    check(lambda a: (a.transpose() * M).sum(), A, M.T)
    check(lambda a: (a.T * M).sum(), A, M.T)
    check(lambda a: (a[None].squeeze() * C).sum(), A, C)
    w = np.arange(6.0)
    check(lambda a: (a.ravel() * w).sum(), A, w.reshape(2, 3))
    check(lambda a: (a.flatten() * w).sum(), A, w.reshape(2, 3))


def test_tracer_dot_clip_astype_copy():
    R = np.array([[1.0, 2.0], [-3.0, 0.5]])
    check(lambda a: (a.dot(M) * R).sum(), A, R @ M.T)
    check(lambda a: a.clip(1.0, 3.0).sum(), A, ((A >= 1.0) & (A <= 3.0)).astype(float))
    check(lambda a: (a.copy() * C).sum(), A, C)
    g = cr.grad(lambda a: (a.astype(np.float32) * 2.0).sum())(A)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, np.full((2, 3), 2.0))

    def int_cast(a):
        i = a.astype(int)  # no derivative: a plain array
        assert not isinstance(i, Tracer)
        return np.sum(a * i)

    check(int_cast, A, A.astype(int).astype(float))


def test_iterating_over_a_tracer():
    def f(a):
        total = 0.0
        for k, row in enumerate(a):
            total = total + (k + 1) * np.sum(row ** 2)
        return total

    check(f, A, 2 * A * np.array([[1.0], [2.0]]))


# ---- indexing ------------------------------------------------------------------------------

X = np.array([1.0, 2.0, 3.0, 4.0, 5.0])


def test_basic_slices():
    check(lambda x: np.sum(x[1:3] ** 2), X, [0.0, 4.0, 6.0, 0.0, 0.0])
    check(lambda x: np.sum(x[::-2] * np.array([1.0, 2.0, 3.0])), X, [3.0, 0, 2.0, 0, 1.0])
    check(lambda x: x[-1] * x[0], X, [5.0, 0, 0, 0, 1.0])
    check(lambda a: np.sum(a[:, 1] * np.array([2.0, 3.0])), A,
          [[0.0, 2.0, 0.0], [0.0, 3.0, 0.0]])
    check(lambda a: np.sum(a[1, ::-1] * np.array([1.0, 2.0, 3.0])), A,
          [[0.0, 0.0, 0.0], [3.0, 2.0, 1.0]])
    check(lambda a: np.sum(a[None, ..., 2] * 4.0), A, [[0, 0, 4.0], [0, 0, 4.0]])


def test_integer_array_indices_with_repeats_add():
    check(lambda x: np.sum(x[np.array([0, 0, 2, 0])]), X, [3.0, 0, 1.0, 0, 0])
    check(lambda x: np.sum(x[[4, 4]] * np.array([1.0, 10.0])), X, [0, 0, 0, 0, 11.0])
    # 2-D fancy indexing, the pair (1, 0) twice
    check(lambda a: np.sum(a[np.array([0, 1, 1]), np.array([2, 0, 0])] * np.array([1, 2, 3.0])),
          A, [[0.0, 0.0, 1.0], [5.0, 0.0, 0.0]])
    # rows picked twice
    check(lambda a: np.sum(a[[1, 1, 0]] ** 2), A, np.array([[2.0], [4.0]]) * A)


def test_boolean_masks():
    check(lambda x: np.sum(x[x > 2.5] ** 2), X, [0, 0, 6.0, 8.0, 10.0])
    mask = np.array([[True, False, True], [False, False, True]])
    check(lambda a: np.sum(a[mask] * np.array([1.0, 2.0, 3.0])), A,
          [[1.0, 0.0, 2.0], [0.0, 0.0, 3.0]])


def test_traced_index_is_refused():
    # a traced (floating) value cannot index: an error, not a silently detached index
    with pytest.raises((TypeError, IndexError)):
        cr.grad(lambda x: x[x])(np.array([0.0, 1.0]))


# ---- chainrule.scipy.special: finite at ±1e3 -----------------------------------------------

BIG = np.array([1e3, 1e3 - 1.0, -1e3])
W = np.array([1.0, 2.0, 3.0])
S = np.array([1.0, np.exp(-1.0), 0.0]) / (1.0 + np.exp(-1.0))  # softmax(BIG)


@pytest.fixture
def no_floating_point_warnings():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        yield


def test_logsumexp_at_large_inputs(no_floating_point_warnings):
    np.testing.assert_allclose(special.logsumexp(BIG), 1e3 + np.log1p(np.exp(-1.0)),
                               rtol=1e-15)
    check(special.logsumexp, BIG, S)
    np.testing.assert_allclose(special.logsumexp(-BIG), 1e3, rtol=1e-15)
    check(special.logsumexp, -BIG, [0.0, 0.0, 1.0])
    X2 = np.array([[1e3, -1e3], [-1e3, 1e3 + 2.0]])
    check(lambda x: np.sum(special.logsumexp(x, axis=1) * np.array([1.0, 2.0])), X2,
          [[1.0, 0.0], [0.0, 2.0]])


def test_softmax_at_large_inputs(no_floating_point_warnings):
    np.testing.assert_allclose(special.softmax(BIG), S, rtol=1e-15)
    # d/dx (softmax(x)·w) = s ⊙ (w - s·w)
    check(lambda x: special.softmax(x) @ W, BIG, S * (W - S @ W))
    np.testing.assert_allclose(special.softmax(-BIG), [0.0, 0.0, 1.0])


def test_log_softmax_at_large_inputs(no_floating_point_warnings):
    ls = special.log_softmax(BIG)
    # computed as (x - max) - log Σ exp(x - max): exact to rounding for entries near the max
    np.testing.assert_allclose(ls, (BIG - BIG.max()) - np.log1p(np.exp(-1.0)), rtol=1e-15)
    assert np.all(np.isfinite(ls))
    # d/dx (log_softmax(x)·w) = w - s Σw
    check(lambda x: special.log_softmax(x) @ W, BIG, W - S * W.sum(), rtol=1e-12)


def test_expit_at_large_inputs(no_floating_point_warnings):
    np.testing.assert_allclose(special.expit(BIG), [1.0, 1.0, 0.0])
    x = np.array([1e3, -1e3, 30.0, -30.0, 0.0])
    s = np.array([1.0, 0.0, 1 / (1 + np.exp(-30.0)), np.exp(-30.0) / (1 + np.exp(-30.0)), 0.5])
    np.testing.assert_allclose(special.expit(x), s, rtol=1e-14)
    check(lambda x: np.sum(special.expit(x) * np.arange(1.0, 6.0)), x,
          s * (1 - s) * np.arange(1.0, 6.0), rtol=1e-12)
    # the tail keeps full relative precision: σ(-30) ≈ e^-30, σ'(-30) ≈ e^-30
    np.testing.assert_allclose(cr.grad(special.expit)(-30.0), np.exp(-30.0), rtol=1e-12)

"""Selection (sort, take, choose, unique, interp ...) and the index updates ``x.at[idx]``.

Selections are composites of ``getitem`` and ``where``; each case runs the checks of
``test_reductions.check_function`` (NumPy's value through the traced path, both modes
against central differences, second order, the ``chainrule.numpy`` spelling, float32).
The conventions (sort ties follow the stable order, unique's derivative goes to the first
occurrence, the .min/.max updates split ties evenly) are checked against hand-derived
Jacobians.
"""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.numpy import indexing as select
from chainrule.numpy.indexing import IndexHelper
from test_reductions import _label, _rng, check_function, distinct, normal, positive

SHAPES = [(2,), (3, 2), (1, 2), (2, 3, 2)]


# ---- sorting ---------------------------------------------------------------------------------

SORTS = [(s, a) for s in SHAPES for a in (-1, 0, None)] + [((), None)]


@pytest.mark.parametrize("shape, axis", SORTS, ids=[f"{_label(s)},axis={a}" for s, a in SORTS])
def test_sort(shape, axis):
    check_function("sort", (distinct(_rng(f"sort{shape}{axis}"), shape),), {"axis": axis})


@pytest.mark.parametrize("shape, kth, axis", [((5,), 2, -1), ((5,), [0, 4], -1),
                                              ((3, 4), 1, 0), ((3, 4), -1, 1), ((3, 2), 1, None)])
def test_partition(shape, kth, axis):
    """The k-th entries are NumPy's; the rest is a valid partition (a permutation of x)."""
    x = distinct(_rng(f"partition{shape}"), shape)
    f = lambda z: np.partition(z, kth, axis=axis)
    out = cr.vjp(f, x)[0]
    want = np.partition(x, kth, axis=axis)
    ax = -1 if axis is None else axis
    k = np.atleast_1d(kth)
    np.testing.assert_array_equal(np.take(out, k, axis=ax), np.take(want, k, axis=ax))
    np.testing.assert_array_equal(np.sort(out, axis=ax), np.sort(want, axis=ax))
    cr.check_grads(f, (x,), order=2)
    np.testing.assert_array_equal(cr.jacfwd(lambda z: cnp.partition(z, kth, axis=axis))(x),
                                  cr.jacrev(f)(x))


def test_sort_ties_follow_the_stable_order():
    """sorted([2, 1, 2]) = [1, 2, 2]: output 1 is x[0] and output 2 is x[2] (stable)."""
    want = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    for jac in (cr.jacfwd, cr.jacrev):
        np.testing.assert_array_equal(jac(np.sort)(np.array([2.0, 1.0, 2.0])), want)


# ---- taking ---------------------------------------------------------------------------------

IDX = np.array([2, 0, 2, -1])


@pytest.mark.parametrize("shape, indices, kwargs", [
    ((4,), IDX, {}), ((3, 2), IDX, {}), ((3, 2), IDX[:3], {"axis": 0}),
    ((3, 2), np.array([[1], [0]]), {"axis": 1}), ((3, 2), 1, {"axis": 0}),
    ((3, 2), np.array([5, -4, 1]), {"axis": 0, "mode": "wrap"}),
    ((3, 2), np.array([5, -4, 1]), {"axis": 0, "mode": "clip"}), ((2,), 0, {}),
    ((1, 2), np.array([1, 1, 0]), {"axis": -1})])
def test_take(shape, indices, kwargs):
    check_function("take", (normal(_rng(f"take{shape}{kwargs}"), shape), indices), kwargs)


@pytest.mark.parametrize("shape, axis", [((4,), -1), ((3, 2), 0), ((3, 2), 1), ((1, 2), 1),
                                         ((2, 3, 2), 1), ((3, 2), None)])
def test_take_along_axis(shape, axis):
    rng = _rng(f"tal{shape}{axis}")
    x = normal(rng, shape)
    n = x.size if axis is None else shape[axis]
    ishape = (5,) if axis is None else tuple(3 if d == axis % len(shape) else k
                                            for d, k in enumerate(shape))
    ind = rng.integers(-n, n, ishape)  # repeats and negative indices
    check_function("take_along_axis", (x, ind), {"axis": axis})
    if axis is not None:  # the way it is used: with argsort's indices
        check_function("take_along_axis", (x, np.argsort(x, axis=axis)), {"axis": axis})


def test_put_along_axis_out_of_place():
    """select.put_along_axis is np.put_along_axis without the write: the last write lands."""
    rng = _rng("put")
    x, v = normal(rng, (3, 4)), normal(rng, (3, 2))
    ind = np.array([[0, 3], [1, 1], [2, 0]])
    want = x.copy()
    np.put_along_axis(want, ind, v, axis=1)
    f = lambda x, v: select.put_along_axis(x, ind, v, 1)
    np.testing.assert_array_equal(cr.vjp(f, x, v)[0], want)
    cr.check_grads(f, (x, v), order=2)
    gv = cr.grad(lambda v: np.sum(f(x, v)))(v)
    np.testing.assert_array_equal(gv, [[1.0, 1.0], [0.0, 1.0], [1.0, 1.0]])


@pytest.mark.parametrize("mode", ["raise", "wrap", "clip"])
def test_choose(mode):
    rng = _rng("choose" + mode)
    a = np.array([[0, 2], [1, 0], [2, 1]]) if mode == "raise" else np.array([[0, 4], [-1, 1],
                                                                            [2, 3]])
    c0, c1, c2 = normal(rng, (3, 2)), normal(rng, (2,)), normal(rng, ())
    f = lambda c0, c1, c2: np.choose(a, [c0, c1, c2], mode=mode)
    np.testing.assert_array_equal(cr.vjp(f, c0, c1, c2)[0], np.choose(a, [c0, c1, c2], mode=mode))
    cr.check_grads(f, (c0, c1, c2), order=2)
    cs = normal(rng, (3, 3, 2))  # the choices as one traced array
    check_function("choose", (a, cs), {"mode": mode})


def test_choose_invalid_entry_raises():
    with pytest.raises(ValueError, match="invalid entry"):
        cr.grad(lambda z: np.sum(np.choose(np.array([0, 3]), [z, z])))(np.ones(2))


@pytest.mark.parametrize("shape, cond, axis", [
    ((4,), [True, False, True, True], None), ((3, 2), [False, True], 1),
    ((3, 2), [True, False, True], 0), ((3, 2), [0, 1, 1, 0, 1], None),
    ((3, 2), [True, False], 0)])
def test_compress(shape, cond, axis):
    check_function("compress", (np.array(cond), normal(_rng(f"cmp{shape}{axis}"), shape)),
                   {"axis": axis})


def test_extract():
    rng = _rng("extract")
    x = normal(rng, (3, 2))
    check_function("extract", (x > 0, x))
    check_function("extract", (np.array([1, 0, 0, 2, 0, 3]), x))


def test_select():
    """NumPy dispatches np.select on the conditions and choices (not on ``default``), so a
    traced default with plain choices needs chainrule.numpy.select."""
    rng = _rng("select")
    x, y, d = normal(rng, (3, 2)), normal(rng, (2,)), normal(rng, ())
    conds = [x > 0.5, x < -0.5]
    f = lambda x, y, d: cnp.select(conds, [x, y], d)
    np.testing.assert_array_equal(cr.vjp(f, x, y, d)[0], np.select(conds, [x, y], d))
    cr.check_grads(f, (x, y, d), order=2)
    g = lambda x, y: np.select(conds, [x, y], 0.5)
    np.testing.assert_array_equal(cr.vjp(g, x, y)[0], np.select(conds, [x, y], 0.5))
    cr.check_grads(g, (x, y), order=2)
    np.testing.assert_array_equal(cr.jacrev(g, (0, 1))(x, y)[1],
                                  cr.jacfwd(lambda x, y: cnp.select(conds, [x, y], 0.5),
                                            (0, 1))(x, y)[1])
    out, vjp_fn = cr.vjp(g, x.astype(np.float32), y.astype(np.float32))
    assert out.dtype == np.float32 and vjp_fn(out)[1].dtype == np.float32
    with pytest.raises(TypeError, match="boolean"):
        cr.grad(lambda z: np.sum(np.select([np.ones(2)], [z])))(np.ones(2))


# ---- unique ----------------------------------------------------------------------------------

DUPS = np.array([1.5, -0.5, 1.5, 3.0, -0.5, 1.5])


@pytest.mark.parametrize("kwargs", [{}, {"return_counts": True},
                                    {"return_index": True, "return_inverse": True}])
def test_unique(kwargs):
    def f(z):
        out = np.unique(z, **kwargs)
        return out if not kwargs else out[0]
    np.testing.assert_array_equal(cr.vjp(f, DUPS)[0], np.unique(DUPS))
    plain = cnp.unique(cr.stop_gradient(DUPS), **kwargs)
    for a, b in zip(plain if kwargs else [plain], np.unique(DUPS, **kwargs) if kwargs else
                    [np.unique(DUPS)], strict=True):
        np.testing.assert_array_equal(a, b)
    # the derivative flows to each value's first occurrence
    want = np.zeros((3, 6))
    want[0, 1] = want[1, 0] = want[2, 3] = 1.0
    for jac in (cr.jacfwd, cr.jacrev):
        np.testing.assert_array_equal(jac(f)(DUPS), want)
    # (finite differences would break the ties; the second derivative of a gather is 0)
    np.testing.assert_array_equal(cr.jacfwd(cr.jacrev(f))(DUPS), np.zeros((3, 6, 6)))


def test_unique_extras_are_plain_and_rows_work():
    x = np.array([[1.0, 2.0], [0.5, 0.0], [1.0, 2.0]])
    vals = cr.vjp(lambda z: np.unique(z, True, True, True, axis=0)[0], x)[0]
    np.testing.assert_array_equal(vals, np.unique(x, axis=0))
    g = cr.grad(lambda z: np.sum(np.unique(z, axis=0) * np.array([[1.0, 2.0], [3.0, 4.0]])))(x)
    np.testing.assert_array_equal(g, [[3.0, 4.0], [1.0, 2.0], [0.0, 0.0]])

    def extras(z):
        _, index, inverse, counts = np.unique(z, True, True, True)
        for e, want in zip((index, inverse, counts), np.unique(DUPS, True, True, True)[1:],
                           strict=True):
            assert isinstance(e, np.ndarray) and e.dtype.kind in "iu"
            np.testing.assert_array_equal(e, want)
        return np.sum(z)
    np.testing.assert_array_equal(cr.grad(extras)(DUPS), np.ones(6))


@pytest.mark.parametrize("name", ["unique_values", "unique_counts", "unique_inverse",
                                  "unique_all"])
def test_array_api_unique(name):
    x = np.append(DUPS, [np.nan, np.nan])
    def f(z):
        out = getattr(np, name)(z)
        return out if name == "unique_values" else out.values
    want = getattr(np, name)(x)
    want = want if name == "unique_values" else want.values
    np.testing.assert_array_equal(cr.vjp(f, x)[0], want)
    jac = cr.jacrev(f)(x)
    np.testing.assert_array_equal(jac.sum(axis=0), [1, 1, 0, 1, 0, 0, 1, 1])  # first + NaNs
    if name != "unique_values":
        full = getattr(cnp, name)(cr.stop_gradient(x))
        assert type(full) is type(getattr(np, name)(x))


# ---- weighted counts, interpolation ------------------------------------------------------------

def test_bincount_weights():
    x = np.array([0, 3, 1, 3, 3])
    w = normal(_rng("bincount"), (5,))
    check_function("bincount", (x, w))
    check_function("bincount", (x, w), {"minlength": 7})
    np.testing.assert_array_equal(cr.jacrev(lambda w: np.bincount(x, w))(w),
                                  (x[None, :] == np.arange(4)[:, None]).astype(float))


XP = np.array([-1.0, 0.0, 0.5, 2.0])
FP = np.array([1.0, -1.0, 0.25, 3.0])


@pytest.mark.parametrize("x", [np.array(0.3), np.array([-2.0, -0.4, 0.2, 1.1, 2.7]),
                               np.array([[0.7, -0.9], [1.9, 0.1]])], ids=["scalar", "5", "2x2"])
def test_interp(x):
    check_function("interp", (x, XP, FP))
    check_function("interp", (x, XP, FP, -5.0, 7.0))
    check_function("interp", (x, XP, FP), {"left": np.array(0.5), "right": np.array(-0.5)})


def test_interp_period_and_breakpoints():
    x = np.array([-3.1, 0.2, 4.4, 7.9])
    check_function("interp", (x, np.array([0.0, 1.0, 2.5, 3.5]), FP), {"period": 4.0},
                   fixed=(1,))
    # at a breakpoint the right segment's slope is used; at the last, the left one's
    d = cr.grad(lambda z: np.interp(z, XP, FP))
    assert d(0.0) == (0.25 - -1.0) / 0.5
    assert d(2.0) == (3.0 - 0.25) / 1.5
    assert d(-1.5) == 0.0 and d(2.5) == 0.0


# ---- passthroughs -------------------------------------------------------------------------------

@pytest.mark.parametrize("f", [
    np.argsort, np.argmax, np.argmin, lambda z: np.argpartition(z, 1), np.flatnonzero,
    np.nonzero, np.argwhere, lambda z: np.searchsorted(np.sort(z), 0.1),
    lambda z: np.where(z > 0), lambda z: np.digitize(z, [0.0, 1.0]),
    lambda z: np.lexsort((z, -z))], ids=lambda f: getattr(f, "__name__", "lambda"))
def test_index_functions_pass_through(f):
    x = distinct(_rng("pass"), (5,))

    def use(z):
        out = f(z)
        for o in (out if isinstance(out, tuple) else (out,)):
            assert isinstance(o, (np.ndarray, np.integer)) and o.dtype.kind in "iu", type(o)
        return np.sum(z)
    np.testing.assert_array_equal(cr.grad(use)(x), np.ones(5))


# ---- index updates x.at[idx] ---------------------------------------------------------------

REP = np.array([0, 2, 0, 0])
PAIRS = (np.array([1, 0, 1]), np.array([0, 0, 0]))
MASK = np.array([[True, False], [False, True], [True, True], [False, False]])

UPDATE_CASES = [
    ("slice", slice(1, 3), (2, 2)), ("int", 2, (2,)), ("scalar", (slice(None), 1), ()),
    ("int-array", np.array([3, 0]), (2, 2)), ("bool-mask", MASK, (4,)),
    ("repeated", REP, (4, 2)), ("repeated,broadcast", REP, (2,)),
    ("repeated-pairs", PAIRS, (3,)), ("repeated,scalar", PAIRS, ()),
]
NUMPY_AT = {"multiply": np.multiply.at, "divide": np.divide.at, "min": np.minimum.at,
            "max": np.maximum.at}


@pytest.mark.parametrize("op", sorted(NUMPY_AT))
@pytest.mark.parametrize("label, idx, vshape", UPDATE_CASES, ids=[c[0] for c in UPDATE_CASES])
def test_index_update(op, label, idx, vshape):
    rng = _rng(f"at{op}{label}")
    x = distinct(rng, (4, 2))
    v = (positive if op == "divide" else normal)(rng, vshape) + (0 if op != "max" else 0.01)
    want = x.copy()
    NUMPY_AT[op](want, idx, v)
    f = lambda x, v: getattr(IndexHelper(x)[idx], op)(v)  # x.at, for traced or plain x
    got = cr.vjp(f, x, v)[0]
    np.testing.assert_allclose(got, want, rtol=1e-15)
    cr.check_grads(f, (x, v), order=2)
    x32, v32 = x.astype(np.float32), v.astype(np.float32)
    out, vjp_fn = cr.vjp(f, x32, v32)
    assert out.dtype == np.float32
    assert all(c.dtype == np.float32 for c in vjp_fn(np.ones((4, 2), np.float32)))


def test_at_max_ties_split_evenly_jax_convention():
    """x = [1, 2], x.at[[0, 0, 1]].max([1, 0.5, 2]): entry 0 has contenders x0 = 1 and
    v0 = 1 (v1 loses): half each; entry 1: x1 = 2 and v2 = 2, half each."""
    x = np.array([1.0, 2.0])
    v = np.array([1.0, 0.5, 2.0])
    idx = np.array([0, 0, 1])
    f = lambda x, v: IndexHelper(x)[idx].max(v)
    want_x = np.array([[0.5, 0.0], [0.0, 0.5]])
    want_v = np.array([[0.5, 0.0, 0.0], [0.0, 0.0, 0.5]])
    for jac in (cr.jacfwd, cr.jacrev):
        jx, jv = jac(f, (0, 1))(x, v)
        np.testing.assert_array_equal(jx, want_x)
        np.testing.assert_array_equal(jv, want_v)
    # a three-way tie of updates that beat x: a third each
    h = lambda v: IndexHelper(np.array([5.0]))[np.array([0, 0, 0])].min(v)
    for jac in (cr.jacfwd, cr.jacrev):
        np.testing.assert_array_equal(jac(h)(np.array([1.0, 1.0, 1.0])), [[1 / 3] * 3])


def test_at_multiply_is_exact_at_zeros_with_repeats():
    """x0 · v0 · v1 with v0 = 0: ∂/∂x0 = 0, ∂/∂v0 = x0 v1, ∂/∂v1 = x0 v0 = 0."""
    x = np.array([2.0, 5.0])
    v = np.array([0.0, 3.0])
    idx = np.array([0, 0])
    f = lambda x, v: IndexHelper(x)[idx].multiply(v)
    for jac in (cr.jacfwd, cr.jacrev):
        jx, jv = jac(f, (0, 1))(x, v)
        np.testing.assert_array_equal(jx, [[0.0, 0.0], [0.0, 1.0]])
        np.testing.assert_array_equal(jv, [[6.0, 0.0], [0.0, 0.0]])
    # second order: ∂²(x0 v0 v1)/∂v0∂v1 = x0
    hv = cr.hessian(lambda v: np.sum(f(x, v)))(v)
    np.testing.assert_array_equal(hv, [[0.0, 2.0], [2.0, 0.0]])


def test_at_mul_alias_and_get():
    x = np.arange(1.0, 5.0)
    np.testing.assert_array_equal(cr.vjp(lambda z: z.at[1:3].mul(2.0), x)[0], [1, 4, 6, 4])
    np.testing.assert_array_equal(cr.grad(lambda z: np.sum(z.at[::2].get()))(x), [1, 0, 1, 0])

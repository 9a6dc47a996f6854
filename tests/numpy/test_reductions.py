"""NumPy's reductions, scans, statistics and differences on traced values.

Most of these are composites (mean, var, quantiles, nan-functions, where=/initial= ...),
not in the primitive registry, so they are checked here, each case:

* the value computed through the traced path equals NumPy's (``np.testing``);
* forward and reverse mode against central differences, and second order
  (``chainrule.check_grads(order=2)``), spelled as plain NumPy (``np.f(traced)``);
* ``chainrule.numpy.f`` gives the same Jacobian as the plain spelling;
* float32 in: float32 value and float32 cotangent, close to the float64 ones.

Shapes: scalar, (2,), (3, 2), (1, 2), with every axis/keepdims combination on (3, 2); inputs
are drawn inside each function's domain (distinct entries where ties are kinks, nonzero
entries for prod, at least two entries per slice for std). The conventions at ties, zeros
and NaNs are checked against hand-derived values at the end.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from _harness.modes import both_modes

# ---- the harness ----------------------------------------------------------------------------


def _rng(label):
    return np.random.default_rng(zlib.crc32(label.encode()))


def normal(rng, shape):
    return np.asarray(rng.standard_normal(shape))


def distinct(rng, shape):
    """Entries at least 0.25 apart (no ties: max/min/sort/median are smooth there)."""
    n = int(np.prod(shape))
    return ((rng.permutation(n) - n / 2 + rng.uniform(-0.2, 0.2, n)) * 0.5).reshape(shape)


def nonzero(rng, shape):
    return np.asarray(rng.choice([-1.0, 1.0], shape) * rng.uniform(0.4, 1.6, shape))


def positive(rng, shape):
    return np.asarray(rng.uniform(0.5, 2.0, shape))


def with_nans(draw):
    """``draw`` with NaNs where the sum of the indices is 1 mod 3: never a whole row or
    column of a 2-D array (no all-NaN slice)."""
    def d(rng, shape):
        x = draw(rng, shape)
        if x.ndim:
            x[np.indices(shape).sum(axis=0) % 3 == 1] = np.nan
        return x
    return d


def _call(fn, args, diff, kwargs, post, nans=None):
    def f(*xs):
        a = list(args)
        for i, x in zip(diff, xs, strict=True):
            a[i] = x
        if nans is not None:  # NaNs inserted inside f: finite differences cannot step NaN
            a[diff[0]] = np.where(nans, np.nan, a[diff[0]])
        out = fn(*a, **kwargs)
        return post(out) if post else out
    return f


def check_function(name, args, kwargs=None, post=None, order=2, f32=True, rtol=1e-12,
                   fixed=()):
    """The four checks of the module docstring for ``np.<name>(*args, **kwargs)``,
    differentiated in its floating array arguments (but those at the positions ``fixed``).
    NaNs in the first of them are put back inside the function (their entries get a zero
    derivative)."""
    kwargs = kwargs or {}
    diff = tuple(i for i, a in enumerate(args)
                 if isinstance(a, np.ndarray) and a.dtype.kind == "f" and i not in fixed)
    assert diff, f"{name}: nothing to differentiate"
    nans = np.isnan(args[diff[0]])
    nans = nans if nans.any() else None
    args = list(args)
    args[diff[0]] = np.where(np.isnan(args[diff[0]]), 0.25, args[diff[0]])
    xs = tuple(args[i] for i in diff)
    np_f = _call(getattr(np, name), args, diff, kwargs, post, nans)
    cnp_f = _call(getattr(cnp, name), args, diff, kwargs, post, nans)
    with np.errstate(all="ignore"):
        want = np_f(*xs)
    got, _ = cr.vjp(np_f, *xs)
    np.testing.assert_allclose(np.asarray(got, np.float64), np.asarray(want, np.float64),
                               rtol=rtol, atol=1e-13, err_msg=f"{name}: traced value")
    assert np.shape(got) == np.shape(want), f"{name}: shape {np.shape(got)} != {np.shape(want)}"
    cr.check_grads(np_f, xs, order=order)
    argnums = tuple(range(len(xs)))
    j_np = cr.jacrev(np_f, argnums)(*xs)
    j_cnp = cr.jacfwd(cnp_f, argnums)(*xs)
    for a, b in zip(j_np, j_cnp, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12,
                                   err_msg=f"{name}: chainrule.numpy vs numpy spelling")
    if f32:
        x32 = tuple(x.astype(np.float32) for x in xs)
        out32, vjp32 = cr.vjp(np_f, *x32)
        with np.errstate(all="ignore"):
            want32 = np.result_type(np_f(*x32))  # NumPy's dtype (float32 unless promoted)
        assert np.result_type(out32) == want32, f"{name}: float32 in, {out32.dtype} out"
        u = np.ones(np.shape(out32), np.float32)
        cts32 = vjp32(u)
        cts64 = cr.vjp(np_f, *xs)[1](u.astype(np.float64))
        for a, b in zip(cts32, cts64, strict=True):
            assert a.dtype == np.float32, f"{name}: float32 cotangent is {a.dtype}"
            np.testing.assert_allclose(a, b, rtol=2e-3, atol=2e-3,
                                       err_msg=f"{name}: float32 vs float64 cotangent")


def _label(shape):
    return "x".join(map(str, shape)) if shape else "scalar"


# ---- reductions over every axis/keepdims combination ----------------------------------------

AXES_32 = [None, 0, 1, -1, (0, 1), ()]
SHAPES_1D = [((), None), ((2,), None), ((2,), 0), ((1, 2), None), ((1, 2), 1), ((1, 2), -2)]

# name -> (domain, needs at least two entries per slice, extra kwargs)
REDUCTIONS = {
    "sum": (normal, False, {}),
    "prod": (nonzero, False, {}),
    "max": (distinct, False, {}),
    "min": (distinct, False, {}),
    "amax": (distinct, False, {}),
    "amin": (distinct, False, {}),
    "ptp": (distinct, False, {}),
    "mean": (normal, False, {}),
    "var": (normal, False, {}),
    "std": (normal, True, {}),
    "median": (distinct, False, {}),
    "nansum": (with_nans(normal), False, {}),
    "nanprod": (with_nans(nonzero), False, {}),
    "nanmean": (with_nans(normal), False, {}),
    "nanvar": (with_nans(normal), False, {}),
    "nanmax": (with_nans(distinct), False, {}),
    "nanmin": (with_nans(distinct), False, {}),
    "nanmedian": (with_nans(distinct), False, {}),
}
NO_EMPTY_AXIS = {"max", "min", "amax", "amin", "ptp", "median", "nanmax", "nanmin",
                 "nanmedian"}


def _reduction_cases():
    out = []
    for name, (domain, two, kw) in REDUCTIONS.items():
        nan = name.startswith("nan")
        for axis in AXES_32:
            if axis == () and (name in NO_EMPTY_AXIS or two or nan):
                continue
            for keepdims in (False, True):
                out.append((name, (3, 2), axis, keepdims, domain, kw))
        for shape, axis in SHAPES_1D:
            n = int(np.prod(shape)) if axis is None else np.atleast_1d(
                np.empty(shape)).shape[axis]
            if (two and n < 2) or (nan and n < 2):
                continue
            out.append((name, shape, axis, False, domain, kw))
    return out


REDUCTION_CASES = _reduction_cases()


@pytest.mark.parametrize(
    "name, shape, axis, keepdims, domain, kw", REDUCTION_CASES,
    ids=[f"{c[0]}[{_label(c[1])},axis={c[2]!r},keepdims={c[3]}]" for c in REDUCTION_CASES])
def test_reduction(name, shape, axis, keepdims, domain, kw):
    x = domain(_rng(f"{name}{shape}{axis}"), shape)
    kwargs = dict(kw, axis=axis)
    if keepdims:
        kwargs["keepdims"] = True
    check_function(name, (x,), kwargs)


@pytest.mark.parametrize("name", ["var", "std", "nanvar", "nanstd"])
@pytest.mark.parametrize("ddof", [1, 2])
def test_ddof(name, ddof):
    x = normal(_rng(name + str(ddof)), (4, 3))
    if name.startswith("nan"):
        x[0, 1] = np.nan
    check_function(name, (x,), {"axis": 0, "ddof": ddof})
    check_function(name, (x,), {"axis": None, "correction": ddof})


def test_nanstd_over_rows():
    x = with_nans(normal)(_rng("nanstd"), (3, 4))
    x[:, 0] = [0.5, -1.0, np.nan]
    check_function("nanstd", (x,), {"axis": 1})


@pytest.mark.parametrize("name", ["var", "std"])
def test_precomputed_mean(name):
    x = normal(_rng("mean=" + name), (3, 4))
    m = x.mean(axis=1, keepdims=True)
    check_function(name, (x,), {"axis": 1, "mean": m}, f32=False)  # m is float64


# ---- where= and initial= -----------------------------------------------------------------------

MASK = np.array([[True, False], [True, True], [False, True]])


@pytest.mark.parametrize("name, kwargs", [
    ("sum", {"where": MASK}), ("sum", {"where": MASK, "axis": 0, "initial": 1.5}),
    ("sum", {"initial": -2.0}), ("prod", {"where": MASK, "axis": 1}),
    ("prod", {"initial": 3.0, "axis": 0}), ("mean", {"where": MASK, "axis": 0}),
    ("mean", {"where": np.array([True, False]), "keepdims": True}),
    ("var", {"where": MASK, "axis": 0}), ("std", {"where": MASK, "axis": 0}),
    ("max", {"where": MASK, "initial": -10.0, "axis": 1}),
    ("min", {"where": MASK, "initial": 10.0, "axis": 0}),
    ("max", {"initial": 0.05, "axis": 0}), ("min", {"initial": -0.05}),
    ("nansum", {"where": MASK, "axis": 0}), ("nanmean", {"where": MASK, "axis": 0}),
    ("nanmax", {"where": MASK, "initial": -9.0, "axis": 1}),
    ("nanvar", {"where": MASK, "axis": 0}),
], ids=lambda v: v if isinstance(v, str) else ",".join(sorted(v)))
def test_where_and_initial(name, kwargs):
    x = distinct(_rng(name + str(sorted(kwargs))), (3, 2))
    check_function(name, (x,), kwargs)


def test_where_needs_initial_for_max():
    x = cr.stop_gradient  # noqa: F841 - the error is NumPy's, raised on traced values too
    with pytest.raises(ValueError, match="initial"):
        cr.grad(lambda z: np.max(z, where=MASK))(np.ones((3, 2)))


def test_all_nan_slices_give_nan_and_zero_derivative():
    x = np.array([[np.nan, 1.0], [np.nan, 3.0]])
    with pytest.warns(RuntimeWarning):
        assert np.isnan(cnp.nanmax(cr.stop_gradient(x), axis=0)[0])
    with pytest.warns(RuntimeWarning):
        g = cr.grad(lambda z: np.nansum(np.nanmax(z, axis=0)))(x)
    np.testing.assert_array_equal(g, [[0.0, 0.0], [0.0, 1.0]])
    with np.errstate(all="ignore"):
        g = cr.grad(lambda z: np.nansum(np.nanmean(z, axis=0)))(x)
    np.testing.assert_array_equal(g, [[0.0, 0.5], [0.0, 0.5]])


# ---- scans ---------------------------------------------------------------------------------------

SCAN_SHAPES = [((), None), ((2,), None), ((2,), 0), ((3, 2), None), ((3, 2), 0), ((3, 2), 1),
               ((3, 2), -1), ((1, 2), 0), ((1, 2), 1)]


@pytest.mark.parametrize("name", ["cumsum", "cumprod", "nancumsum", "nancumprod"])
@pytest.mark.parametrize("shape, axis", SCAN_SHAPES, ids=[f"{_label(s)},axis={a}"
                                                          for s, a in SCAN_SHAPES])
def test_scan(name, shape, axis):
    draw = nonzero if "prod" in name else normal
    x = (with_nans(draw) if name.startswith("nan") else draw)(_rng(name + str(shape)), shape)
    check_function(name, (x,), {"axis": axis})


@pytest.mark.parametrize("name", ["cumulative_sum", "cumulative_prod"])
@pytest.mark.parametrize("kwargs", [{}, {"include_initial": True}, {"axis": 0},
                                    {"axis": 1, "include_initial": True}])
def test_cumulative_api(name, kwargs):
    shape = (4,) if "axis" not in kwargs else (3, 2)
    check_function(name, (nonzero(_rng(name + str(kwargs)), shape),), kwargs)


def test_cumulative_api_needs_axis_for_2d():
    with pytest.raises(ValueError, match="axis"):
        cr.grad(lambda z: np.sum(np.cumulative_sum(z)))(np.ones((2, 2)))


@pytest.mark.parametrize("x", [[2.0, 0.0, 3.0, 4.0], [0.0, 2.0, 0.0, 5.0], [0.0, 0.0, 0.0, 1.0],
                               [1.5, -2.0, 0.5, 0.0]])
def test_cumprod_is_exact_at_zeros(x):
    """∂y_i/∂x_j = Π_{k≤i, k≠j} x_k, from the closed form, in both modes; and the Hessian
    of Σ w_i y_i (second derivatives Π_{k≤i, k∉{j,l}} x_k) through the zeros."""
    x = np.asarray(x)
    n = x.size
    want = np.array([[np.prod([x[k] for k in range(i + 1) if k != j]) if j <= i else 0.0
                      for j in range(n)] for i in range(n)])
    np.testing.assert_array_equal(cr.jacrev(np.cumprod)(x), want)
    np.testing.assert_array_equal(cr.jacfwd(np.cumprod)(x), want)
    w = np.array([1.0, -2.0, 0.5, 3.0])
    hess = np.zeros((n, n))
    for i in range(n):
        for j in range(i + 1):
            for m in range(i + 1):
                if j != m:
                    hess[j, m] += w[i] * np.prod([x[k] for k in range(i + 1) if k not in (j, m)])
    np.testing.assert_allclose(cr.hessian(lambda z: np.sum(w * np.cumprod(z)))(x), hess,
                               rtol=1e-14, atol=1e-14)


# ---- averages and quantiles ------------------------------------------------------------------


@pytest.mark.parametrize("shape, axis, wshape", [
    ((3, 2), None, (3, 2)), ((3, 2), 0, (3,)), ((3, 2), 1, (2,)), ((3, 2), 1, (3, 2)),
    ((2,), 0, (2,)), ((1, 2), -1, (2,)), ((2, 3, 2), (0, 2), (2, 2)),
])
@pytest.mark.parametrize("returned", [False, True])
def test_average_with_weights(shape, axis, wshape, returned):
    rng = _rng(f"average{shape}{axis}{wshape}")
    x, w = normal(rng, shape), positive(rng, wshape)
    post = (lambda r: cnp.concatenate([cnp.ravel(r[0]), cnp.ravel(r[1])])) if returned else None
    check_function("average", (x, axis, w, returned), post=post)


@pytest.mark.parametrize("shape, axis", [((), None), ((2,), None), ((3, 2), 0), ((3, 2), None)])
def test_average_without_weights(shape, axis):
    check_function("average", (normal(_rng(f"avg{shape}"), shape), axis))
    check_function("average", (normal(_rng(f"avg{shape}"), shape), axis), {"keepdims": True})


def test_average_weights_summing_to_zero_raise():
    with pytest.raises(ZeroDivisionError):
        cr.grad(lambda w: np.average(np.ones(2), weights=w))(np.array([1.0, -1.0]))


METHODS = ["linear", "lower", "higher", "nearest", "midpoint", "inverted_cdf",
           "averaged_inverted_cdf", "closest_observation", "interpolated_inverted_cdf",
           "hazen", "weibull", "median_unbiased", "normal_unbiased"]


@pytest.mark.parametrize("method", METHODS)
def test_quantile_methods(method):
    x = distinct(_rng("q" + method), (3, 5))
    q = np.array([0.0, 0.13, 0.5, 0.77, 1.0])
    check_function("quantile", (x, q), {"axis": 1, "method": method}, fixed=(1,))
    check_function("nanquantile", (np.where(np.eye(3, 5) > 0, np.nan, x), q),
                   {"axis": 1, "method": method}, fixed=(1,))


@pytest.mark.parametrize("name, q", [("quantile", 0.3), ("percentile", 30.0),
                                     ("nanquantile", 0.62), ("nanpercentile", 62.0)])
@pytest.mark.parametrize("shape, axis, keepdims", [
    ((2,), None, False), ((3, 2), 0, True), ((3, 2), None, False), ((1, 2), 1, False),
    ((2, 3, 2), (0, 2), True), ((2, 3, 2), -1, False)])
def test_quantiles(name, q, shape, axis, keepdims):
    x = distinct(_rng(f"{name}{shape}{axis}"), shape)
    if name.startswith("nan") and x.size > 3:
        x.reshape(-1)[1] = np.nan
    check_function(name, (x, q), {"axis": axis, "keepdims": keepdims})
    # (NumPy's nanquantile returns a wrongly shaped result for a 2-D q with a tuple axis,
    # so the q array here is 1-D)
    check_function(name, (x, np.array([q / 2, q])), {"axis": axis, "keepdims": keepdims})
    if not name.startswith("nan"):
        check_function(name, (x, np.array([[q / 2], [q]])), {"axis": axis,
                                                             "keepdims": keepdims})


@pytest.mark.parametrize("name", ["quantile", "nanquantile"])
def test_quantile_is_differentiable_in_q(name):
    x = distinct(_rng("dq"), (4, 3))
    if name == "nanquantile":
        x[0, 0] = np.nan
    check_function(name, (x, np.array([0.2, 0.55, 0.9])), {"axis": 0})
    # d/dq of the linear interpolation is (s_hi - s_lo)(n - 1)
    s = np.sort(x[:, 1])
    g = cr.grad(lambda q: np.quantile(x[:, 1], q))(0.4)  # position 1.2
    np.testing.assert_allclose(g, (s[2] - s[1]) * 3, rtol=1e-14)


def test_quantile_with_nan_is_nan():
    x = np.array([1.0, np.nan, 0.5])
    assert np.isnan(cr.vjp(lambda z: np.quantile(z, 0.5), x)[0])


# ---- differences, integrals, convolutions ----------------------------------------------------


@pytest.mark.parametrize("shape, kwargs", [
    ((2,), {}), ((4,), {"n": 2}), ((4,), {"n": 0}), ((3, 2), {"axis": 0}), ((3, 2), {}),
    ((1, 2), {"axis": -1}), ((3, 4), {"n": 3, "axis": 1}), ((4,), {"n": 5}),
    ((3, 2), {"prepend": 0.5, "append": np.array([[1.0], [2.0], [3.0]])}),
    ((3, 2), {"axis": 0, "prepend": np.array([[0.5, -1.0]])}),
])
def test_diff(shape, kwargs):
    check_function("diff", (normal(_rng(f"diff{shape}{kwargs}"), shape),), kwargs)


def test_diff_traced_prepend():
    rng = _rng("prepend")
    check_function("diff", (normal(rng, (3, 2)), 1, 0, normal(rng, (1, 2)), normal(rng, ())))


@pytest.mark.parametrize("shape", [(), (2,), (3, 2), (1, 2)])
def test_ediff1d(shape):
    rng = _rng(f"ediff1d{shape}")
    check_function("ediff1d", (normal(rng, shape),))
    check_function("ediff1d", (normal(rng, shape), normal(rng, (2,)), normal(rng, ())))


@pytest.mark.parametrize("yshape, xshape, axis", [
    ((4,), None, -1), ((3, 2), None, 0), ((4,), (4,), -1), ((3, 2), (3,), 0),
    ((3, 2), (3, 2), 0), ((1, 2), (2,), 1), ((2,), (1, 2), -1)])
def test_trapezoid(yshape, xshape, axis):
    rng = _rng(f"trap{yshape}{xshape}")
    y = normal(rng, yshape)
    if xshape is None:
        check_function("trapezoid", (y,), {"axis": axis, "dx": 0.3})
        check_function("trapezoid", (y, None, np.array(0.7), axis))
    else:
        x = np.sort(normal(rng, xshape), axis=-1 if len(xshape) == 1 else axis)
        check_function("trapezoid", (y, x), {"axis": axis})


@pytest.mark.parametrize("name", ["convolve", "correlate"])
@pytest.mark.parametrize("mode", ["full", "same", "valid"])
@pytest.mark.parametrize("n, k", [(5, 3), (3, 5), (4, 4), (5, 2), (2, 5), (1, 3), (3, 1)])
def test_convolve_correlate(name, mode, n, k):
    rng = _rng(f"{name}{mode}{n}{k}")
    check_function(name, (normal(rng, (n,)), normal(rng, (k,)), mode))


def test_convolve_scalar_operand():
    check_function("convolve", (np.array([1.5, -2.0, 0.5]), np.array(0.7)))


@pytest.mark.parametrize("shape, args, kwargs", [
    ((4,), (), {}), ((5,), (0.5,), {"edge_order": 2}), ((3, 4), (), {}),
    ((3, 4), (0.5, 2.0), {}), ((3, 4), (), {"axis": 1}), ((4, 3), (np.array([0.0, 0.5, 1.5, 3.0]),),
                                                          {"axis": 0}),
])
def test_gradient(shape, args, kwargs):
    post = (lambda r: cnp.stack(r)) if len(shape) == 2 and "axis" not in kwargs else None
    check_function("gradient", (normal(_rng(f"grad{shape}{args}"), shape), *args), kwargs,
                   post=post, fixed=tuple(range(1, 1 + len(args))))


# ---- conventions -------------------------------------------------------------------------------


@pytest.mark.parametrize("f, x, want", [
    # ties split evenly
    (lambda z: np.max(z), [1.0, 3.0, 3.0], [0.0, 0.5, 0.5]),
    (lambda z: np.ptp(z), [1.0, 1.0, 3.0], [-0.5, -0.5, 1.0]),
    (lambda z: np.nanmax(z), [np.nan, 2.0, 2.0], [0.0, 0.5, 0.5]),
    # initial joins through maximum: a tie with it gives x half the derivative
    (lambda z: np.max(z, initial=2.0), [1.0, 2.0], [0.0, 0.5]),
    # nan entries get no derivative
    (lambda z: np.nansum(z), [1.0, np.nan, 2.0], [1.0, 0.0, 1.0]),
    # median of an even count: the two middle entries, half each; ties by stable order
    (lambda z: np.median(z), [4.0, 1.0, 3.0, 2.0], [0.0, 0.0, 0.5, 0.5]),
    (lambda z: np.median(z), [2.0, 2.0, 2.0], [0.0, 1.0, 0.0]),
    (lambda z: np.quantile(z, 0.25), [2.0, 0.0, 1.0], [0.0, 0.5, 0.5]),
    # prod and cumprod at zeros
    (lambda z: np.cumprod(z)[-1], [2.0, 0.0, 3.0], [0.0, 6.0, 0.0]),
], ids=["max-tie", "ptp-tie", "nanmax-tie", "initial-tie", "nansum-nan", "median-even",
        "median-ties", "quantile-interp", "cumprod-zero"])
def test_conventions(f, x, want):
    fwd, rev = both_modes(f, x)
    np.testing.assert_allclose(fwd, want, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(rev, want, rtol=1e-15, atol=1e-15)


def test_std_at_zero_variance_is_infinite():
    """std = sqrt(var): the derivative at a constant input is not finite (as in JAX)."""
    with np.errstate(all="ignore"):
        g = cr.grad(lambda z: np.std(z))(np.ones(3))
    assert not np.all(np.isfinite(g))


def test_out_is_refused():
    with pytest.raises(TypeError, match="out="):
        cr.grad(lambda z: np.sum(np.cumsum(z, out=np.empty(3))))(np.ones(3))


def test_integer_dtype_is_refused():
    with pytest.raises(TypeError, match="derivative"):
        cr.grad(lambda z: np.sum(z, dtype=np.int64))(np.ones(3))


def test_float_dtype_is_honoured():
    g = cr.grad(lambda z: np.sum(z, dtype=np.float64))(np.ones(3, np.float32))
    assert g.dtype == np.float32
    out = cr.vjp(lambda z: np.mean(z, dtype=np.float64), np.ones(3, np.float32))[0]
    assert out.dtype == np.float64


def test_plain_arguments_are_numpys():
    """chainrule.numpy on plain values is NumPy's own function (dtypes and all)."""
    a = np.arange(6).reshape(3, 2)
    for name in ["sum", "cumsum", "median", "nanmax", "ptp", "average", "diff"]:
        np.testing.assert_array_equal(getattr(cnp, name)(a), getattr(np, name)(a))
        assert getattr(cnp, name)(a).dtype == getattr(np, name)(a).dtype


def test_lists_holding_traced_values():
    """chainrule.numpy's reductions accept (nested) lists holding traced values, as
    chainrule.numpy.array does."""
    x = np.array([0.5, -1.5, 2.0])
    f = lambda z: cnp.sum([z[0], 2.0 * z[1], [z[2]][0]]) + cnp.max([z[0], z[2]])
    np.testing.assert_array_equal(cr.grad(f)(x), [1.0, 2.0, 2.0])
    np.testing.assert_array_equal(cr.jacfwd(f)(x), [1.0, 2.0, 2.0])

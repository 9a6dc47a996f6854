"""NumPy's shape and joining functions on traced values.

They are composites of the shape primitives (tested in the rule sweep), ``getitem`` and
``broadcast_to``. Each case runs the checks of ``test_reductions.check_function``: NumPy's
value through the traced path, forward and reverse mode against central differences and
second order, the ``chainrule.numpy`` spelling, float32 in and out. Functions returning
several arrays (split, broadcast_arrays, meshgrid ...) are checked on their outputs joined.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from test_reductions import _label, _rng, check_function, normal


def joined(outs):
    """Several outputs as one vector (traced or not)."""
    return cnp.concatenate([cnp.ravel(o) for o in outs])


SHAPES = [(), (2,), (3, 2), (1, 2)]
ND = [(2,), (3, 2), (1, 2), (2, 3, 2)]


def x_of(shape, label=""):
    return normal(_rng(f"{label}{shape}"), shape)


# ---- one-array functions over the sweep's shapes -------------------------------------------

def _cases():
    c = []
    for s in SHAPES:
        c += [("ravel", s, {}), ("ravel", s, {"order": "F"}), ("atleast_1d", s, {}),
              ("atleast_2d", s, {}), ("atleast_3d", s, {}), ("transpose", s, {}),
              ("flip", s, {}), ("roll", s, {"shift": 1}), ("tile", s, {"reps": 2}),
              ("tile", s, {"reps": (2, 1, 2)}), ("repeat", s, {"repeats": 2}),
              ("squeeze", s, {}), ("expand_dims", s, {"axis": 0}),
              ("broadcast_to", s, {"shape": (2, 3) + s[1:] if len(s) == 2 else (3,) + s}),
              ("diagflat", s, {}), ("diagflat", s, {"k": -1}), ("resize", s, {"new_shape": 5}),
              ("resize", s, {"new_shape": (2, 2)}), ("append", s, {"values": 1.5}),
              ("pad", s, {"pad_width": 1}), ("permute_dims", s, {})]
    for s in ND:
        last = len(s) - 1
        c += [("reshape", s, {"shape": (-1, 1)}), ("reshape", s, {"shape": (1, -1), "order": "F"}),
              ("flip", s, {"axis": 0}), ("flip", s, {"axis": -1}), ("flipud", s, {}),
              ("roll", s, {"shift": -1, "axis": 0}), ("roll", s, {"shift": 3, "axis": last}),
              ("repeat", s, {"repeats": 3, "axis": 0}),
              ("repeat", s, {"repeats": np.arange(1, s[-1] + 1), "axis": -1}),
              ("moveaxis", s, {"source": 0, "destination": -1}),
              ("expand_dims", s, {"axis": (0, -1)}), ("unstack", s, {}),
              ("delete", s, {"obj": 0, "axis": 0}), ("delete", s, {"obj": [0, -1]}),
              ("insert", s, {"obj": 1, "values": 0.5}),
              ("insert", s, {"obj": [0, 0], "values": np.array([0.5, 2.0])}),
              ("diff", s, {}), ("pad", s, {"pad_width": (1, 2), "mode": "edge"}),
              ("pad", s, {"pad_width": 2, "mode": "reflect"}),
              ("pad", s, {"pad_width": 3, "mode": "symmetric"}),
              ("pad", s, {"pad_width": (0, 3), "mode": "wrap"}),
              ("array_split", s, {"indices_or_sections": 2, "axis": 0})]
    for s in [(3, 2), (1, 2), (2, 3, 2)]:
        c += [("swapaxes", s, {"axis1": 0, "axis2": -1}), ("rollaxis", s, {"axis": -1}),
              ("rollaxis", s, {"axis": 0, "start": 2}), ("fliplr", s, {}),
              ("rot90", s, {}), ("rot90", s, {"k": 2}), ("rot90", s, {"k": -1, "axes": (1, 0)}),
              ("triu", s, {}), ("tril", s, {"k": -1}), ("triu", s, {"k": 1}),
              ("matrix_transpose", s, {}), ("transpose", s, {"axes": (1, 0) + tuple(
                  range(2, len(s)))}), ("squeeze", s if s[0] == 1 else (1,) + s, {"axis": 0}),
              ("hsplit", s, {"indices_or_sections": [1]}),
              ("vsplit", s, {"indices_or_sections": 1}),
              ("tile", s, {"reps": (1, 3)}), ("insert", s, {"obj": 1, "values": 0.5, "axis": 1})]
    c += [("diag", (3,), {}), ("diag", (2,), {"k": 2}), ("diag", (3,), {"k": -1}),
          ("diag", (3, 2), {}), ("diag", (3, 4), {"k": 1}), ("diag", (3, 4), {"k": -2}),
          ("tril", (3,), {}), ("triu", (4,), {"k": 1}), ("dsplit", (2, 1, 4), {
              "indices_or_sections": 2}), ("split", (4, 2), {"indices_or_sections": [1, 3]}),
          ("split", (4,), {"indices_or_sections": 2}), ("array_split", (5,), {
              "indices_or_sections": 3}), ("roll", (3, 2), {"shift": (1, -1), "axis": (0, 1)}),
          ("roll", (3, 2), {"shift": (1, 2), "axis": (0, 0)}),
          ("flip", (2, 3, 2), {"axis": (0, 2)}), ("ravel", (3, 2), {"order": "A"}),
          ("ravel", (3, 2), {"order": "K"}), ("delete", (5,), {"obj": slice(1, 4, 2)}),
          ("delete", (3, 2), {"obj": np.array([True, False, True]), "axis": 0}),
          ("insert", (4,), {"obj": [1, 3], "values": np.array([7.0, 8.0])}),
          ("unstack", (3, 2), {"axis": 1}), ("resize", (3, 2), {"new_shape": (4, 2)})]
    return c


CASES = _cases()
SPLITS = {"unstack", "array_split", "split", "hsplit", "vsplit", "dsplit", "atleast_1d",
          "atleast_2d", "atleast_3d"}


@pytest.mark.parametrize("name, shape, kwargs", CASES, ids=[
    f"{n}[{_label(s)},{','.join(f'{k}={v!r}' for k, v in kw.items())}]"[:90] + f"#{i}"
    for i, (n, s, kw) in enumerate(CASES)])
def test_shape_function(name, shape, kwargs):
    post = joined if name in SPLITS and name[:7] != "atleast" else None
    check_function(name, (x_of(shape, name),), kwargs, post=post)


# ---- joining several arrays -----------------------------------------------------------------

JOIN_CASES = [
    ("concatenate", [(2,), (3,)], {}), ("concatenate", [(3, 2), (1, 2)], {"axis": 0}),
    ("concatenate", [(3, 2), (3, 1), (3, 2)], {"axis": -1}),
    ("concatenate", [(3, 2), (2,), ()], {"axis": None}),
    ("concat", [(1, 2), (1, 2)], {"axis": 1}),
    ("stack", [(), ()], {}), ("stack", [(2,), (2,)], {"axis": -1}),
    ("stack", [(3, 2), (3, 2), (3, 2)], {"axis": 1}),
    ("hstack", [(), (2,)], {}), ("hstack", [(3, 2), (3, 1)], {}),
    ("vstack", [(2,), (1, 2), (3, 2)], {}), ("vstack", [(), ()], {}),
    ("row_stack", [(2,), (1, 2)], {}),
    ("dstack", [(2,), (1, 2)], {}), ("dstack", [(3, 2), (3, 2)], {}),
    ("column_stack", [(2,), (2,)], {}), ("column_stack", [(3, 2), (3,)], {}),
    ("broadcast_arrays", [(3, 1), (2,), ()], {}),
    ("broadcast_arrays", [(1, 2), (3, 2)], {}),
    ("meshgrid", [(2,), (3,)], {}), ("meshgrid", [(2,), (3,), (2,)], {"indexing": "ij"}),
    ("meshgrid", [(2,), (3,)], {"sparse": True}),
    ("atleast_2d", [(), (2,), (3, 2)], {}),
    ("append", [(3, 2), (1, 2)], {"axis": 0}), ("append", [(3, 2), (2,)], {}),
]
TUPLES = {"broadcast_arrays", "meshgrid", "atleast_2d"}
LIST_ARG = {"concatenate", "concat", "stack", "hstack", "vstack", "row_stack", "dstack",
            "column_stack"}


@pytest.mark.parametrize("name, shapes, kwargs", JOIN_CASES, ids=[
    f"{n}[{'&'.join(_label(s) for s in ss)}]#{i}" for i, (n, ss, kw) in enumerate(JOIN_CASES)])
def test_joining(name, shapes, kwargs):
    xs = [x_of(s, f"{name}{i}") for i, s in enumerate(shapes)]
    post = joined if name in TUPLES else None
    if name in LIST_ARG:
        def f(*zs):
            return getattr(np, name)(list(zs), **kwargs)
        f.__name__ = name
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # np.row_stack's
            _check_variadic(name, f, xs, kwargs)
    else:
        check_function(name, tuple(xs), kwargs, post=post)


def _check_variadic(name, f, xs, kwargs):
    """check_function for functions taking a list of arrays (concatenate, stack ...)."""
    want = getattr(np, name)(xs, **kwargs)
    got = cr.vjp(f, *xs)[0]
    np.testing.assert_array_equal(got, want)
    cr.check_grads(f, tuple(xs), order=2)
    jc = cr.jacfwd(lambda *zs: getattr(cnp, name)(list(zs), **kwargs),
                   tuple(range(len(xs))))(*xs)
    jn = cr.jacrev(f, tuple(range(len(xs))))(*xs)
    for a, b in zip(jc, jn, strict=True):
        np.testing.assert_array_equal(a, b)
    x32 = [x.astype(np.float32) for x in xs]
    out, vjp_fn = cr.vjp(f, *x32)
    assert out.dtype == np.float32
    assert all(c.dtype == np.float32 for c in vjp_fn(np.ones(out.shape, np.float32)))


def test_concatenate_dtype_and_traced_first_axis():
    x = x_of((3, 2), "cat")
    f = lambda z: np.concatenate(z, axis=0)  # a traced array: NumPy iterates its rows
    np.testing.assert_array_equal(cr.vjp(f, x)[0], np.concatenate(x))
    cr.check_grads(f, (x,), order=2)
    g = lambda z: np.concatenate([z, z], dtype=np.float32)
    out = cr.vjp(g, x)[0]
    assert out.dtype == np.float32
    assert cr.grad(lambda z: np.sum(g(z)))(x).dtype == np.float64


def test_block():
    rng = _rng("block")
    a, b, c, d = (normal(rng, s) for s in [(2, 2), (2, 1), (1, 3), ()])
    f = lambda a, b, c, d: np.block([[a, b], [c]])
    want = np.block([[a, b], [c]])
    np.testing.assert_array_equal(cr.vjp(f, a, b, c, d)[0], want)
    cr.check_grads(f, (a, b, c, d), order=2)
    g = lambda a, d: np.block([a[0], d, a[1]])
    np.testing.assert_array_equal(cr.vjp(g, a, d)[0], np.block([a[0], d, a[1]]))
    cr.check_grads(g, (a, d), order=2)
    h = lambda a, b: cnp.block([[[a]], [[2 * a]]])
    np.testing.assert_array_equal(cr.vjp(h, a, b)[0], np.block([[[a]], [[2 * a]]]))
    with pytest.raises(TypeError, match="tuple"):
        cr.grad(lambda z: np.sum(np.block((z, z))))(a)
    with pytest.raises(ValueError, match="depths"):
        cr.grad(lambda z: np.sum(np.block([[z], z])))(a)


# ---- pad: every mode, traced constants and ramps --------------------------------------------

PAD_CASES = [
    ((3, 2), ((1, 2), (0, 1)), "constant", {"constant_values": ((0.5, -1.0), (2.0, 3.0))}),
    ((2,), 3, "empty", {}),
    ((3, 2), ((2, 1), (1, 2)), "edge", {}),
    ((3, 2), ((4, 1), (3, 3)), "reflect", {}),
    ((3, 2), ((4, 1), (3, 3)), "symmetric", {}),
    ((3, 2), ((4, 1), (5, 3)), "wrap", {}),
    ((4,), (5, 6), "reflect", {"reflect_type": "odd"}),
    ((3, 2), ((2, 1), (1, 2)), "symmetric", {"reflect_type": "odd"}),
    ((3, 2), ((2, 1), (1, 2)), "linear_ramp", {}),
    ((3, 2), ((2, 3), (1, 2)), "linear_ramp", {"end_values": ((1.0, -2.0), (0.5, 4.0))}),
    ((1, 2), ((2, 3), (1, 2)), "linear_ramp", {"end_values": 1.0}),
    ((4, 3), ((1, 2), (2, 1)), "maximum", {}),
    ((4, 3), ((1, 2), (2, 1)), "minimum", {"stat_length": 2}),
    ((4, 3), ((1, 2), (2, 1)), "mean", {"stat_length": ((1, 3), (2, 2))}),
    ((5, 3), ((1, 2), (2, 1)), "median", {}),
    ((5,), (2, 2), "median", {"stat_length": 2}),
]


@pytest.mark.parametrize("shape, width, mode, kwargs", PAD_CASES,
                         ids=[f"{m}#{i}" for i, (_, _, m, _) in enumerate(PAD_CASES)])
def test_pad_modes(shape, width, mode, kwargs):
    rng = _rng(f"pad{mode}{shape}")
    x = rng.permutation(np.prod(shape)).reshape(shape) * 0.37 + rng.uniform(0, 0.1, shape)
    if mode == "empty":  # NumPy leaves these entries undefined; chainrule pads with zeros
        got = cr.vjp(lambda z: np.pad(z, width, mode), x)[0]
        np.testing.assert_array_equal(got[3:-3], x)
        np.testing.assert_array_equal(got[:3], 0.0)
        cr.check_grads(lambda z: np.pad(z, width, mode), (x,), order=2)
        return
    check_function("pad", (x, width, mode), kwargs)


def test_pad_traced_constant_and_end_values():
    """Through chainrule.numpy: NumPy dispatches np.pad on its first argument only, so a
    traced constant with a plain array is not seen by ``np.pad``."""
    rng = _rng("padtraced")
    x, c, e = normal(rng, (3, 2)), normal(rng, ()), normal(rng, (2,))
    f = lambda x, c: cnp.pad(x, 1, constant_values=c)
    np.testing.assert_array_equal(cr.vjp(f, x, c)[0], np.pad(x, 1, constant_values=c))
    cr.check_grads(f, (x, c), order=2)
    g = lambda x, e: cnp.pad(x, ((1, 2), (2, 0)), mode="linear_ramp", end_values=e)
    np.testing.assert_allclose(cr.vjp(g, x, e)[0],
                               np.pad(x, ((1, 2), (2, 0)), "linear_ramp", end_values=e),
                               rtol=1e-14)
    cr.check_grads(g, (x, e), order=2)


def test_pad_errors_are_numpys():
    x = np.ones((2, 2))
    for width, err in [(1.5, TypeError), (-1, ValueError)]:
        with pytest.raises(err):
            cr.grad(lambda z: np.sum(np.pad(z, width)))(x)
    with pytest.raises(ValueError, match="unsupported keyword"):
        cr.grad(lambda z: np.sum(np.pad(z, 1, mode="edge", constant_values=1)))(x)
    with pytest.raises(NotImplementedError):
        cr.grad(lambda z: np.sum(np.pad(z, 1, mode=lambda *a: None)))(x)


# ---- errors and plain values ------------------------------------------------------------------


@pytest.mark.parametrize("f, err", [
    (lambda z: np.split(z, 4), ValueError), (lambda z: np.vsplit(z[0], 1), ValueError),
    (lambda z: np.fliplr(z[0]), ValueError), (lambda z: np.rot90(z, axes=(0, 0)), ValueError),
    (lambda z: np.diag(z[None]), ValueError), (lambda z: np.resize(z, -1), ValueError),
    (lambda z: np.repeat(z, -1), ValueError), (lambda z: np.matrix_transpose(z[0]), ValueError),
    (lambda z: np.moveaxis(z, 0, 5), np.exceptions.AxisError),
    (lambda z: np.insert(np.arange(3), 1, z[0, 0]), TypeError),
])
def test_errors(f, err):
    with pytest.raises(err):
        cr.grad(lambda z: np.sum(f(z)))(np.ones((3, 2)))


def test_plain_arguments_are_numpys():
    a = np.arange(6).reshape(3, 2)
    for name, args in [("tile", (2,)), ("pad", (1,)), ("roll", (1,)), ("diag", ()),
                       ("insert", (1, 9)), ("block", ())]:
        arg = [a] if name == "block" else a
        got, want = getattr(cnp, name)(arg, *args), getattr(np, name)(arg, *args)
        np.testing.assert_array_equal(got, want)
        assert got.dtype == want.dtype


def test_tile_and_broadcast_adjoints_sum_copies():
    """The adjoint of a broadcast/tile/repeat sums over the copies (closed form)."""
    x = np.array([1.0, 2.0])
    np.testing.assert_array_equal(cr.grad(lambda z: np.sum(np.tile(z, (3, 2))))(x), [6.0, 6.0])
    np.testing.assert_array_equal(
        cr.grad(lambda z: np.sum(np.repeat(z, [3, 1]) * np.arange(4.0)))(x), [3.0, 3.0])
    np.testing.assert_array_equal(
        cr.grad(lambda z: np.sum(np.pad(z, 2, mode="edge")))(x), [3.0, 3.0])


def test_registered_functions_take_numpys_signatures():
    """Every NumPy function registered by reduce.py, shape.py and select.py is replaced by
    a function with NumPy's parameters (names, order and kinds), so any call NumPy accepts
    reaches chainrule's version unchanged."""
    import inspect

    from chainrule.numpy import (
        dispatch,
        indexing,
        manipulation,
        math,
        padding,
        sorting,
        statistics,
    )
    mods = {m.__name__ for m in (manipulation, indexing, sorting, math, padding, statistics)}
    ours = {f: impl for f, impl in dispatch.FUNCTIONS.items()
            if getattr(impl, "__module__", "") in mods}
    assert len(ours) >= 90
    for f, impl in ours.items():
        want = [(p.name, p.kind) for p in inspect.signature(f).parameters.values()]
        got = [(p.name, p.kind) for p in inspect.signature(impl).parameters.values()]
        assert got == want, f"numpy.{f.__name__}: {got} != {want}"

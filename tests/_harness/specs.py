"""Shared pieces of the rule tables: how arguments are drawn, how a case is specified.

A table (``RULES`` in ``test_rules.py`` and in each ``rules_*.py`` beside it) maps a
primitive's name to an :class:`Entry`: its specs (arguments, domains, shapes) and which
positional arguments are structural (axis, shape, index: no rule).
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

import chainrule as cr

from .rulecheck import Case

REGISTRY = cr.ops.registry()


# ---- how arguments are drawn ----------------------------------------------------------------

def normal(rng, shape):
    return rng.standard_normal(shape)


def positive(rng, shape):
    """For log, sqrt, a power's base: well inside (0, ∞)."""
    return rng.uniform(0.5, 2.0, shape)


def nonzero(rng, shape):
    """Away from 0 (abs's kink, a divisor): |x| in [0.3, 2], either sign."""
    return rng.choice([-1.0, 1.0], shape) * rng.uniform(0.3, 2.0, shape)


def distinct(rng, shape):
    """Entries at least 0.25 apart, so max/min over any axis has no tie."""
    n = int(np.prod(shape))
    vals = (rng.permutation(n) - n / 2 + rng.uniform(-0.25, 0.25, n)) * 0.5
    return vals.reshape(shape)


def with_zeros(k):
    """Nonzero entries with ``k`` exact zeros (prod's rules must be exact there): the
    derivatives of a polynomial, so central differences across the zeros are exact too."""
    def draw(rng, shape):
        x = nonzero(rng, shape)
        x.flat[rng.choice(x.size, size=k, replace=False)] = 0.0
        return x
    return draw


def wide(rng, shape):
    """Spread over ±30: the saturated tails of the logistic function."""
    return rng.uniform(-30.0, 30.0, shape)


@dataclass
class D:
    """A differentiated argument: an array of ``shape`` drawn from ``domain``."""

    shape: tuple
    domain: Callable = normal


@dataclass
class K:
    """A fixed argument drawn at random: ``make(rng)`` (a mask, a constant exponent ...)."""

    make: Callable


@dataclass
class Spec:
    label: str
    args: tuple
    kwargs: dict = field(default_factory=dict)
    valid: Callable | None = None  # a predicate on the drawn arguments; redraw until true


def spec(label, *args, valid=None, **kwargs) -> Spec:
    return Spec(label, args, kwargs, valid)


@dataclass
class Entry:
    """A primitive's row of the table: its cases and the positions that are never
    differentiable (structural arguments: shape, axis, index, dtype, a condition)."""

    specs: list
    static: tuple = ()
    variadic: bool = False
    real_only: str = ""
    """Why this primitive is checked on real arguments only (NumPy defines it for reals, or
    orders complex numbers lexicographically ...); empty: the sweep checks complex inputs
    too (tests/ops/complexcheck.py)."""
    to_complex: Callable | None = None
    """``to_complex(rng, x) -> z``: how a complex argument is drawn around a real draw
    (a Hermitian matrix for eigh ...); None: x + i·N(0, ¼)."""


NUMPY_REAL = "NumPy defines this ufunc for real arguments only (TypeError on complex)"
SPECIAL_REAL = ("chainrule's special functions are computed for real arguments only (a "
                "complex argument is a TypeError, tests/ops/test_complex.py)")


def real_only(entry: Entry, why: str) -> Entry:
    """``entry`` marked as checked on real arguments only, for the reason ``why``."""
    entry.real_only = why
    return entry


def realize(name: str, s: Spec) -> Case:
    rng = np.random.default_rng(zlib.crc32(f"{name}[{s.label}]".encode()))
    for _ in range(1000):
        args = []
        for a in s.args:
            if isinstance(a, D):
                args.append(np.asarray(a.domain(rng, a.shape), dtype=np.float64))
            elif isinstance(a, K):
                args.append(a.make(rng))
            else:
                args.append(a)
        if s.valid is None or s.valid(*args):
            break
    else:  # pragma: no cover - a table mistake, not a rule mistake
        raise RuntimeError(f"could not draw valid arguments for {name}[{s.label}]")
    diff = tuple(i for i, a in enumerate(s.args) if isinstance(a, D))
    return Case(name, s.label, REGISTRY[name], args, diff, dict(s.kwargs))


def _label(shape) -> str:
    return "x".join(map(str, shape)) if shape else "scalar"


# ---- families of cases ----------------------------------------------------------------------

# The sweep's shapes: scalar, (2,), (3, 2), (1, 2) and 4-wide ones, alone and in the
# broadcasting pairs (3,1)&(1,4), (4,)&(3,4), (1,2)&(3,2), scalar&array (both ways).
UNARY_SHAPES = [(), (2,), (4,), (3, 2), (1, 2)]
BINARY_SHAPES = [((3, 4), (3, 4)), ((3, 1), (1, 4)), ((4,), (3, 4)), ((3, 4), (4,)),
                 ((1, 2), (3, 2)), ((3, 2), (2,)), ((), (3, 4)), ((3, 4), ()), ((), ())]


def unary(domain=normal) -> list:
    return [spec(_label(s), D(s, domain)) for s in UNARY_SHAPES]


def binary(dx=normal, dy=normal, valid=None) -> list:
    return [spec(f"{_label(a)}&{_label(b)}", D(a, dx), D(b, dy), valid=valid)
            for a, b in BINARY_SHAPES]


def apart(margin):
    """Every broadcast pair of the two arguments differs by at least ``margin`` (no tie)."""
    return lambda x, y: bool(np.all(np.abs(np.subtract(x, y)) >= margin))


AXES_2D = [None, 0, 1, -1, -2, (0, 1), (1, 0), (-1, 0), ()]


def reductions(domain=normal) -> list:
    out = [spec(f"axis={ax!r},keepdims={kd}", D((3, 4), domain), axis=ax, keepdims=kd)
           for ax in AXES_2D for kd in (False, True)]
    out += [spec("scalar", D((), domain)),
            spec("4,axis=0", D((4,), domain), axis=0),
            spec("2x3x2,axis=(0,2)", D((2, 3, 2), domain), axis=(0, 2)),
            spec("2x3x2,axis=-2,keepdims", D((2, 3, 2), domain), axis=-2, keepdims=True),
            spec("default-kwargs", D((3, 4), domain))]
    return out


def softmaxes() -> list:
    return [spec("4", D((4,))),
            spec("3x4", D((3, 4))),
            spec("3x4,axis=0", D((3, 4)), axis=0),
            spec("3x4,axis=-2", D((3, 4)), axis=-2),
            spec("2x3x2,axis=1", D((2, 3, 2)), axis=1),
            spec("3x4,axis=(0,1)", D((3, 4)), axis=(0, 1)),
            spec("3x4,axis=None", D((3, 4)), axis=None)]


def mask(shape, p=0.5):
    def make(rng):
        m = rng.uniform(size=shape) < p
        m.flat[0], m.flat[-1] = True, False  # both branches are taken
        return m
    return K(make)


def _clip_valid(x, lo, hi):
    lo_ = -np.inf if lo is None else lo
    hi_ = np.inf if hi is None else hi
    return bool(np.all(np.less(lo_, np.subtract(hi_, 0.2)))
                and np.all(np.abs(np.subtract(x, lo_)) > 0.05)
                and np.all(np.abs(np.subtract(x, hi_)) > 0.05)
                and np.any(np.less(x, lo_) | np.greater(x, hi_)))


def _clip_bound(center):
    return lambda rng, shape: center + 0.2 * rng.uniform(-1, 1, shape)


def _fixed(value):
    return K(lambda rng: np.asarray(value, dtype=np.float64))


REPEATED = np.array([0, 2, 0, 0])
ROWS = np.array([1, 0, 1])
COLS = np.array([2, 2, 2])
MASK_2D = np.array([[True, False, True], [False, False, True],
                    [True, True, False], [False, True, False]])
MASK_ROWS = np.array([True, False, True, True])

GETITEM_INDICES = {
    "int": (3,),
    "negative-int": (-1,),
    "int,int": (2, 1),
    "slice": (slice(1, 3),),
    "step-slice": (slice(None, None, -2),),
    "slice,slice": (slice(None, None, 2), slice(1, None)),
    "ellipsis,newaxis": (Ellipsis, None, 0),
    "repeated-int-array": (REPEATED,),
    "repeated-pairs": (ROWS, COLS),
    "int-array,slice": (REPEATED, slice(0, 2)),
    "2d-int-array": (np.array([[0, 3], [3, 3]]),),
    "bool-mask": (MASK_2D,),
    "bool-rows": (MASK_ROWS,),
    "empty-selection": (np.zeros(4, bool),),
}


def getitems() -> list:
    out = [spec(label, D((4, 3)), idx if len(idx) > 1 else idx[0])
           for label, idx in GETITEM_INDICES.items()]
    out.append(spec("1d,repeated", D((5,)), np.array([4, 4, 1, 4])))
    return out


def scatter_adds() -> list:
    return [spec("repeated-int-array", D((4, 3)), REPEATED, (3, 3)),
            spec("repeated-pairs", D((3,)), (ROWS, COLS), (2, 3)),
            spec("slice", D((2, 3)), slice(1, 3), (4, 3)),
            spec("bool-mask", D((6,)), MASK_2D, (4, 3)),
            spec("int", D((3,)), 2, (4, 3))]


def at_sets() -> list:
    return [spec("slice", D((4, 3)), D((2, 3)), slice(1, 3)),
            spec("slice,broadcast-row", D((4, 3)), D((3,)), slice(1, 3)),
            spec("scalar-value", D((4, 3)), D(()), (slice(None), 1)),
            spec("int-array", D((4, 3)), D((2, 3)), np.array([3, 0])),
            spec("pairs", D((4, 3)), D((3,)), (np.array([0, 1, 3]), np.array([2, 0, 1]))),
            spec("bool-mask", D((4, 3)), D((6,)), MASK_2D),
            spec("bool-mask,scalar", D((4, 3)), D(()), MASK_2D),
            # repeated indices: one write lands (NumPy's last), so only it has a derivative
            spec("repeated-int-array", D((4, 3)), D((4, 3)), REPEATED),
            spec("repeated-pairs", D((4, 3)), D((3,)), (ROWS, COLS)),
            spec("repeated,broadcast", D((4, 3)), D((3,)), REPEATED),
            spec("repeated,scalar", D((4, 3)), D(()), (ROWS, COLS)),
            spec("x-only", D((4, 3)), _fixed(0.5), slice(0, 2)),
            spec("v-only", _fixed(np.arange(12.0).reshape(4, 3)), D((3,)), 1)]


def at_adds() -> list:
    return [spec("repeated-int-array", D((4, 3)), D((4, 3)), REPEATED),
            spec("repeated,broadcast", D((4, 3)), D((3,)), REPEATED),
            spec("repeated-pairs", D((4, 3)), D((3,)), (ROWS, COLS)),
            spec("repeated,scalar", D((4, 3)), D(()), (ROWS, COLS)),
            spec("slice", D((4, 3)), D((2, 3)), slice(1, 3)),
            spec("bool-mask", D((4, 3)), D((6,)), MASK_2D)]


MATMUL_SHAPES = [((3, 4), (4, 2)), ((3, 4), (4,)), ((4,), (4, 2)), ((4,), (4,)),
                 ((2, 3, 4), (4, 5)), ((2, 1, 3, 4), (5, 4, 2)), ((4,), (2, 4, 3)),
                 ((2, 3, 4), (4,)), ((1, 1), (1, 1))]


def clip_specs() -> list:
    lo, hi = _clip_bound(-0.5), _clip_bound(0.5)
    return [spec("3x4,scalar-bounds", D((3, 4)), D((), lo), D((), hi), valid=_clip_valid),
            spec("3x4,bounds-4&3x1", D((3, 4)), D((4,), lo), D((3, 1), hi), valid=_clip_valid),
            spec("scalar-x,array-bounds", D(()), D((3,), lo), D((3,), hi),
                 valid=lambda x, a, b: _clip_valid(np.full(3, x), a, b) and bool(
                     np.any((x > a) & (x < b)))),
            spec("fixed-bounds", D((3, 4)), -0.5, 0.5, valid=_clip_valid),
            spec("lo=None", D((3, 4)), None, D((4,), hi), valid=_clip_valid),
            spec("hi=None", D((3, 4)), D((), lo), None, valid=_clip_valid)]



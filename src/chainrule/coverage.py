"""What chainrule does with every public callable of ``numpy``, ``numpy.linalg``,
``numpy.fft`` and ``numpy.random``.

``python -m chainrule.coverage`` prints one status per name:

* **rule (both modes)** — registered in the dispatch tables (:mod:`chainrule.numpy.dispatch`)
  with JVP and VJP rules, or defined by ``chainrule.numpy`` itself where NumPy does not
  dispatch (``np.array`` of traced values);
* **passthrough (non-differentiable)** — computed on the plain values, returns plain arrays
  (an index, a count, a comparison, a piecewise-constant function);
* **not supported: <reason>** — a traced argument raises ``NoRuleError``, for the reason
  given (complex results, Python callbacks, in-place writes ...);
* **not applicable: <reason>** — types and classes, and NumPy utilities that never see array
  data (configuration, printing options, loading files, creating arrays from a shape).

The statuses come from the registry; *why* a name has no rule comes from the curated table
below, which classifies every name. ``--check`` (and ``tests/test_coverage.py``) fails when
a name is unclassified (NumPy added a function), when a function classified differentiable
has no rule (or is registered as a passthrough, which would be a silent zero derivative),
when a registered primitive lacks one of its modes, or when docs/coverage.md is stale.

``--conventions`` prints docs/conventions.md: chainrule's derivatives at kinks and singular
points, *computed* by running chainrule, next to JAX's, PyTorch's and HIPS autograd's.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .coverage_status import MISSING, NOT_APPLICABLE, PASSTHROUGH, RULE, UNSUPPORTED, Row

# ---- the curated classification ---------------------------------------------------------
# Every public callable of numpy (bare names), numpy.linalg ("linalg." + name), numpy.fft
# ("fft." + name) and numpy.random ("random." + name) is in one
# of four tables. Names absent from the installed NumPy are ignored (the table also serves
# NumPy 2.0-2.3).

# Differentiable (on real floating arrays): each must have a rule in both modes.
_DIFFERENTIABLE = {
    "elementwise": """
        abs absolute acos acosh add angle arccos arccosh arcsin arcsinh arctan arctan2 arctanh asin
        asinh atan atan2 atanh cbrt conj conjugate copysign cos cosh deg2rad degrees divide
        divmod exp exp2 expm1 fabs float_power fmax fmin fmod frexp hypot i0 ldexp log log10
        log1p log2 logaddexp logaddexp2 maximum minimum mod modf multiply nan_to_num negative
        nextafter positive pow power rad2deg radians real real_if_close reciprocal remainder
        sin sinc sinh sqrt square subtract tan tanh true_divide unwrap where clip interp""",
    "reductions and scans": """
        sum prod mean var std max min amax amin ptp average median percentile quantile
        nansum nanprod nanmean nanvar nanstd nanmax nanmin nanmedian nanpercentile
        nanquantile cumsum cumprod cumulative_sum cumulative_prod nancumsum nancumprod diff
        ediff1d gradient trapezoid trapz cov corrcoef""",
    "products": """
        dot vdot inner outer matmul matvec vecmat vecdot tensordot einsum kron trace cross
        convolve correlate""",
    "shape and joining": """
        reshape ravel transpose permute_dims matrix_transpose swapaxes moveaxis rollaxis
        expand_dims squeeze atleast_1d atleast_2d atleast_3d concatenate concat stack unstack
        hstack vstack row_stack dstack column_stack block append insert delete split
        array_split hsplit vsplit dsplit tile repeat resize broadcast_to broadcast_arrays
        meshgrid flip fliplr flipud roll rot90 pad diag diagflat diagonal triu tril
        trim_zeros copy astype""",
    "selection": """
        select take take_along_axis choose compress extract sort partition unique
        unique_all unique_counts unique_inverse unique_values""",
    "construction from values": """
        array asarray asanyarray ascontiguousarray asfortranarray asarray_chkfinite require
        linspace logspace geomspace vander full_like""",
    "polynomials": """
        poly polyadd polysub polymul polydiv polyder polyint polyval polyfit""",
    "weighted counts (in weights=)": """
        bincount histogram histogram2d histogramdd""",
    "numpy.linalg": """
        linalg.cholesky linalg.cond linalg.cross linalg.det linalg.diagonal linalg.eig
        linalg.eigvals linalg.eigh linalg.eigvalsh linalg.inv linalg.lstsq linalg.matmul
        linalg.matrix_norm linalg.matrix_power linalg.matrix_transpose linalg.multi_dot linalg.norm
        linalg.outer linalg.pinv linalg.qr linalg.slogdet linalg.solve linalg.svd
        linalg.svdvals linalg.tensordot linalg.tensorinv linalg.tensorsolve linalg.trace
        linalg.vecdot linalg.vector_norm""",
    "numpy.fft": """
        fft.fft fft.ifft fft.rfft fft.irfft fft.fft2 fft.ifft2 fft.rfft2 fft.irfft2 fft.fftn
        fft.ifftn fft.rfftn fft.irfftn fft.fftshift fft.ifftshift fft.fftfreq fft.rfftfreq""",
}

# No derivative (zero almost everywhere, or an integer, boolean or non-numeric result):
# those NumPy dispatches must be registered as passthroughs (chainrule.numpy.passthrough).
_NON_DIFFERENTIABLE = {
    "integer or boolean result": """
        equal not_equal greater greater_equal less less_equal logical_and logical_or
        logical_xor logical_not isfinite isinf isnan isnat signbit isneginf isposinf iscomplex
        isreal iscomplexobj isrealobj isin in1d all any allclose isclose array_equal
        array_equiv count_nonzero""",
    "indices": """
        argmax argmin nanargmax nanargmin argsort argpartition lexsort argwhere nonzero
        flatnonzero searchsorted digitize ix_ ravel_multi_index unravel_index indices
        diag_indices diag_indices_from tril_indices tril_indices_from triu_indices
        triu_indices_from mask_indices linalg.matrix_rank""",
    "piecewise constant (derivative 0 almost everywhere)": """
        sign floor ceil trunc rint fix round around floor_divide spacing heaviside""",
    "zero on real input (differentiable on complex input, docs/complex.md)": "imag",
    "integer and bitwise arithmetic": """
        bitwise_and bitwise_or bitwise_xor bitwise_not bitwise_invert bitwise_count invert
        left_shift right_shift bitwise_left_shift bitwise_right_shift gcd lcm packbits
        unpackbits""",
    "binning (the edges are a choice, treated as constants)": "histogram_bin_edges",
    "new array from a shape (the values are constants)": """
        zeros ones empty full eye identity tri arange zeros_like ones_like empty_like""",
    "window functions of a length": "bartlett blackman hamming hanning kaiser",
    "shape, size and memory queries": """
        shape ndim size isfortran isscalar iterable may_share_memory shares_memory
        broadcast_shapes""",
    "dtype utilities": """
        result_type can_cast promote_types min_scalar_type common_type mintypecode isdtype
        issubdtype typename""",
    "contraction plan": "einsum_path",
    "datetime": "busday_count busday_offset is_busday datetime_as_string datetime_data",
    "printing and strings": """
        array2string array_repr array_str base_repr binary_repr format_float_positional
        format_float_scientific compare_chararrays""",
    "saving to files": "save savez savez_compressed savetxt",
}

# Not supported, and why (a traced argument raises NoRuleError naming the function).
_UNSUPPORTED = {
    "not yet written for complex results (linalg.eig is differentiable: roots are the "
    "eigenvalues of the companion matrix)": "roots sort_complex",
    "Python callback applied to plain values (write the loop, or use chainrule "
    "functions in it)": "apply_along_axis apply_over_axes piecewise frompyfunc vectorize",
    "writes in place; use the out-of-place x.at[idx].set(v)": """
        copyto place put put_along_axis putmask fill_diagonal""",
    "set operation of two arrays: a value in both could take its derivative from either, "
    "and no library sets a convention; np.unique(np.concatenate([a, b])) expresses "
    "union1d": """
        intersect1d union1d setdiff1d setxor1d""",
    "np.matrix (a deprecated subclass); use 2-D arrays": "matrix asmatrix bmat",
    "polynomial class; use np.polyval and friends on coefficient arrays": "poly1d",
    "Hermitian transforms conjugate a complex traced value (needs complex support); "
    "irfft/rfft of the conjugate express them": "fft.hfft fft.ihfft",
    "random sampling is not differentiated: a traced argument raises, naming the sampler; "
    "reparameterise (loc + scale * np.random.randn(...))": " ".join(
        "random." + n for n in dir(np.random)
        if n[0] != "_" and n != "test" and callable(getattr(np.random, n))
        and not isinstance(getattr(np.random, n), type)),
}

# No array data in, or a type: nothing to differentiate.
_NOT_APPLICABLE = {
    "array creation from a file, buffer, iterator or function": """
        frombuffer fromfile fromiter fromstring fromregex fromfunction from_dlpack genfromtxt
        load loadtxt""",
    "configuration and error handling": """
        get_printoptions set_printoptions printoptions getbufsize setbufsize geterr seterr
        geterrcall seterrcall""",
    "information and testing": """
        get_include info show_config show_runtime test linalg.test fft.test random.test
        add_docstring add_newdoc
        add_newdoc_ufunc""",
    "iterator over arrays (iterate the traced array itself)": "nested_iters",
}

_TYPE_REASON = "type or class (dtypes, scalar types, array and iterator classes)"


def _table(groups: dict[str, str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for reason, names in groups.items():
        for name in names.split():
            if name in out:
                raise ValueError(f"chainrule.coverage: {name} is listed twice")
            out[name] = reason
    return out


DIFFERENTIABLE = _table(_DIFFERENTIABLE)
NON_DIFFERENTIABLE = _table(_NON_DIFFERENTIABLE)
UNSUPPORTED_REASONS = _table(_UNSUPPORTED)
NOT_APPLICABLE_REASONS = _table(_NOT_APPLICABLE)


def _classification(key: str) -> tuple[str, str] | None:
    """(kind, reason) of a name from the curated tables; kind is diff/nondiff/unsup/na."""
    for kind, table in (("diff", DIFFERENTIABLE), ("nondiff", NON_DIFFERENTIABLE),
                        ("unsup", UNSUPPORTED_REASONS), ("na", NOT_APPLICABLE_REASONS)):
        if key in table:
            return kind, table[key]
    return None


_dupes = (set(DIFFERENTIABLE) & set(NON_DIFFERENTIABLE)) | (
    set(UNSUPPORTED_REASONS) & (set(DIFFERENTIABLE) | set(NON_DIFFERENTIABLE))) | (
    set(NOT_APPLICABLE_REASONS) & (set(DIFFERENTIABLE) | set(NON_DIFFERENTIABLE)
                                   | set(UNSUPPORTED_REASONS)))
if _dupes:
    raise ValueError(f"chainrule.coverage: classified twice: {sorted(_dupes)}")


# ---- the report ---------------------------------------------------------------------------


def public_callables() -> list[tuple[str, str, Any]]:
    """(display name, table key, object) for every public callable of numpy and linalg."""
    out = []
    for prefix, key_prefix, mod in (("numpy.", "", np), ("numpy.linalg.", "linalg.", np.linalg),
                                    ("numpy.fft.", "fft.", np.fft),
                                    ("numpy.random.", "random.", np.random)):
        for name in sorted(dir(mod)):
            if name.startswith("_"):
                continue
            obj = getattr(mod, name)
            if callable(obj):
                out.append((prefix + name, key_prefix + name, obj))
    return out


def _lookup(table: Any, obj: Any) -> Any:
    try:
        return table.get(obj) if isinstance(table, dict) else (obj if obj in table else None)
    except TypeError:  # unhashable
        return None


def _dispatched(obj: Any) -> bool:
    """Does NumPy hand a traced argument to chainrule (through ``__array_ufunc__`` or
    ``__array_function__``)?"""
    return isinstance(obj, np.ufunc) or type(obj).__name__ == "_ArrayFunctionDispatcher"


def _namespace_own(key: str, obj: Any) -> bool:
    """Does ``chainrule.numpy`` (or ``.linalg``) define ``key`` itself, beyond the dispatch
    tables it is built from (``np.array`` of traced values)?"""
    from . import numpy as cnp
    from .numpy import dispatch
    prefix, _, rest = key.rpartition(".")
    mod, name = (getattr(cnp, prefix), rest) if prefix else (cnp, key)
    ours = vars(mod).get(name)
    if ours is None or ours is obj or not callable(ours):
        return False
    tables = (*dispatch.UFUNCS.values(), *dispatch.FUNCTIONS.values())
    return not any(ours is impl for impl in tables)


def _has_a_rule(prim: Any, mode: str) -> bool:
    """Can ``mode`` ("reverse"/"forward") differentiate at least one argument of ``prim``?"""
    rules = prim.vjps if mode == "reverse" else prim.jvps
    n = 0 if rules is None else min(len(rules), 64)  # ByArgnum: every argument, so one is enough
    return any(prim.has_rule(mode, i) for i in range(n))


def classify(display: str, key: str, obj: Any) -> Row:
    """The status of one NumPy callable, and the problem with it if there is one."""
    from .core import Primitive
    from .numpy import dispatch

    cls = _classification(key)
    if cls is None and isinstance(obj, type):
        cls = ("na", _TYPE_REASON)
    kind, reason = cls if cls is not None else (None, "")
    unclassified = None if cls is not None else (
        "unclassified: add it to a table in chainrule/coverage.py")

    impl = _lookup(dispatch.UFUNCS, obj) or _lookup(dispatch.FUNCTIONS, obj)
    if impl is not None:
        if (isinstance(impl, Primitive) and impl.nondiff) or (
                kind == "nondiff" and not isinstance(impl, Primitive)):
            # a nondiff primitive, or NumPy's signature handled by a function that returns
            # plain arrays (np.imag of a real array: zeros)
            status, detail = PASSTHROUGH, reason
        else:
            status, detail = RULE, ""
            if isinstance(impl, Primitive):
                modes = [m for m, mode in (("VJP", "reverse"), ("JVP", "forward"))
                         if not _has_a_rule(impl, mode)]
                if modes:
                    return Row(display, UNSUPPORTED, f"rule without a {'/'.join(modes)}",
                               f"primitive {impl.name} has no {'/'.join(modes)} rule")
    elif _lookup(dispatch.PASSTHROUGH, obj) is not None:
        status, detail = PASSTHROUGH, reason
    elif kind != "unsup" and _namespace_own(key, obj):
        status, detail = RULE, "through chainrule.numpy (NumPy does not dispatch it)"
    elif kind == "diff":
        hint = "" if _dispatched(obj) else (
            "; NumPy does not dispatch it, so chainrule.numpy must define it")
        return Row(display, UNSUPPORTED, f"{MISSING} ({reason})",
                   f"differentiable ({reason}) but has no rule{hint}")
    elif kind == "nondiff":
        if _dispatched(obj):
            return Row(display, UNSUPPORTED, f"{reason}, not registered as a passthrough",
                       "non-differentiable but not registered as a passthrough in "
                       "chainrule/numpy/passthrough.py (a traced argument raises)")
        return Row(display, NOT_APPLICABLE, f"{reason} (NumPy's own; not dispatched)")
    elif kind == "unsup":
        return Row(display, UNSUPPORTED, reason)
    elif kind == "na":
        return Row(display, NOT_APPLICABLE, reason)
    else:
        return Row(display, UNSUPPORTED, "no rule; not yet classified", unclassified)

    problem = unclassified
    if status == PASSTHROUGH and kind == "diff":
        problem = (f"differentiable ({reason}) but registered as a passthrough: its derivative "
                   "would silently be zero")
    elif status == PASSTHROUGH and kind == "unsup":
        problem = f"not supported ({reason}) but registered as a passthrough"
    return Row(display, status, detail, problem)


def report() -> list[Row]:
    """One :class:`Row` per public callable of numpy, numpy.linalg, numpy.fft and
    numpy.random, sorted by name."""
    from . import ops  # noqa: F401  (fills the dispatch tables)
    return [classify(*entry) for entry in public_callables()]


def problems(rows: Sequence[Row] | None = None) -> list[Row]:
    return [r for r in (report() if rows is None else rows) if r.problem]


def summary(rows: Sequence[Row]) -> dict[str, int]:
    counts = {RULE: 0, PASSTHROUGH: 0, UNSUPPORTED: 0, NOT_APPLICABLE: 0}
    for r in rows:
        counts[r.status] += 1
    return counts


def _summary_lines(rows: Sequence[Row]) -> list[str]:
    lines = [f"{len(rows)} public callables of numpy, numpy.linalg, numpy.fft and "
             "numpy.random:"]
    lines += [f"  {n:4d}  {s}" for s, n in summary(rows).items()]
    lines.append(f"  {_missing(rows):4d}  of the not supported: {MISSING}")
    return lines


def _missing(rows: Sequence[Row]) -> int:
    return sum(1 for r in rows if r.detail.startswith(MISSING))


def text(rows: Sequence[Row]) -> str:
    width = max(len(r.name) for r in rows) + 2
    lines = [r.name.ljust(width) + r.text for r in rows]
    return "\n".join([*lines, "", *_summary_lines(rows)]) + "\n"


def markdown(rows: Sequence[Row]) -> str:
    """docs/coverage.md."""
    counts = summary(rows)
    out = [
        "# NumPy coverage",
        "",
        "<!-- Generated by `python -m chainrule.coverage --write`; "
        "tests/test_coverage.py fails when it is stale. -->",
        "",
        "Every public callable of `numpy`, `numpy.linalg`, `numpy.fft` and `numpy.random` "
        f"(NumPy {np.__version__}) and "
        "what chainrule does with it. **rule (both modes)**: forward and reverse mode, through "
        "plain NumPy calls on traced values and through `chainrule.numpy`. **passthrough**: "
        "no derivative; computed on the plain values, the result is a plain array. **not "
        "supported**: a traced argument raises `NoRuleError` (never a silent zero). **not "
        "applicable**: types, and utilities that take no array data.",
        "",
        "| status | count |",
        "|---|---:|",
        *[f"| {s} | {n} |" for s, n in counts.items()],
        f"| **total** | {len(rows)} |",
        f"| of the not supported: {MISSING} | {_missing(rows)} |",
        "",
        "| function | status |",
        "|---|---|",
    ]
    out += [f"| `{r.name}` | {r.text.replace('|', '/')} |" for r in rows]
    from . import scipy_coverage  # the SciPy namespaces' section (chainrule/scipy_coverage.py)
    out += scipy_coverage.markdown_section()
    return "\n".join(out) + "\n"


# ---- conventions at kinks and singular points -----------------------------------------------
@dataclass(frozen=True)
class Convention:
    """One row of docs/conventions.md: the derivative of the NumPy expression ``expr`` (in
    ``x``, or ``x`` and ``y``) at ``at``, computed by chainrule in both modes, next to the
    other libraries' values: stored data, observed in float64 with JAX 0.10.2 (x64 enabled),
    PyTorch 2.13 and HIPS autograd 1.9.1 (``reverse a, forward b`` where their modes differ)."""

    title: str
    expr: str
    at: tuple
    jax: str
    torch: str
    autograd: str
    note: str = ""

    @property
    def names(self) -> tuple[str, ...]:
        return ("x", "y")[:len(self.at)]

    def function(self, np_module: Any = np) -> Callable[..., Any]:
        """The expression as a function of ``names``, with ``np`` bound to ``np_module``
        (NumPy for chainrule; ``autograd.numpy`` re-observes autograd's column)."""
        return eval(f"lambda {', '.join(self.names)}: {self.expr}", {"np": np_module})

    @property
    def code(self) -> str:
        at = ", ".join(f"{n} = {v}" for n, v in zip(self.names, self.at))
        return f"{self.expr}, {at}"

    def args(self) -> tuple:
        return tuple(np.array(v, dtype=np.float64) for v in self.at)


_SPLIT = "reverse nan, forward 0"

CONVENTIONS = [
    Convention("abs'(0)", "np.abs(x)", (0.0,), "1", "0", "0",
               "0 is the minimum-norm subgradient (sign(0) = 0); JAX's rule picks +1."),
    Convention("relu at 0", "np.maximum(x, 0.0)", (0.0,), "0.5", "0.5", "0.5",
               "A tie of maximum (below). The dedicated relus differ: jax.nn.relu and "
               "torch.relu give 0."),
    Convention("maximum tie", "np.maximum(x, y)", (1.0, 1.0),
               "(0.5, 0.5)", "(0.5, 0.5)", "(0.5, 0.5)", "Each argument gets half."),
    Convention("minimum tie", "np.minimum(x, y)", (1.0, 1.0),
               "(0.5, 0.5)", "(0.5, 0.5)", "(0.5, 0.5)", "Each argument gets half."),
    Convention("max ties over an axis", "np.max(x)", ([1.0, 1.0, 0.0],),
               "[0.5, 0.5, 0]", "[0.5, 0.5, 0]", "[0.5, 0.5, 0]",
               "Split evenly among the maximal entries (also amax, and with axis=). "
               "PyTorch's torch.max(x, dim), which returns indices, gives [1, 0, 0]."),
    Convention("min ties over an axis", "np.min(x)", ([0.0, 0.0, 1.0],),
               "[0.5, 0.5, 0]", "[0.5, 0.5, 0]", "[0.5, 0.5, 0]", "As max."),
    Convention("sqrt'(0)", "np.sqrt(x)", (0.0,), "inf", "inf", "inf",
               "The one-sided limit; the double where below avoids it."),
    Convention("norm at 0", "np.linalg.norm(x)", ([0.0, 0.0],), "[nan, nan]", "[0, 0]",
               "[nan, nan]",
               "Must be 0: a subgradient, and the only one that keeps the gradient of an "
               "even function odd. JAX (issues 3058, 21723) and autograd (issue 151) give "
               "0/0 = nan."),
    Convention("sort with ties", "np.sum(np.sort(x) * np.array([1.0, 2.0]))", ([1.0, 1.0],),
               "[1, 2]", "[1, 2]", "[1, 2]",
               "The stable order: the first of equal entries takes the first place. Any "
               "split sums to 3, since sort(x + c) = sort(x) + c."),
    Convention("where, untaken singular branch", "np.where(x > 0, np.sqrt(x), 0.0)", (0.0,),
               _SPLIT, _SPLIT, _SPLIT,
               "Reverse mode multiplies the untaken branch's zero adjoint by sqrt'(0): "
               "0 · inf = nan. Forward mode selects the taken branch's tangent."),
    Convention("where, the double-where pattern",
               "np.where(x > 0, np.sqrt(np.where(x > 0, x, 1.0)), 0.0)", (0.0,),
               "0", "0", "0", "Keep the untaken branch's input inside its domain."),
    Convention("clip at its lower bound", "np.clip(x, 0.0, 1.0)", (0.0,), "0.5", "1", "0",
               "x passes its derivative at the bounds, as torch.clamp does. jnp.clip is "
               "minimum(maximum(x, lo), hi), a tie at a bound: 0.5. autograd gives 0."),
    Convention("clip at its upper bound", "np.clip(x, 0.0, 1.0)", (1.0,), "0.5", "1", "0",
               "As above."),
    Convention("sign at its jump", "np.sign(x)", (0.0,), "0", "0", "0",
               "Non-differentiable: a passthrough, so the derivative is 0 everywhere."),
    Convention("floor at its jump", "np.floor(x)", (1.0,), "0", "0", "0",
               "As sign; also ceil, round, trunc, rint, comparisons."),
    Convention("prod with one zero", "np.prod(x)", ([0.0, 2.0, 3.0],),
               "[6, 0, 0]", "[6, 0, 0]", "[nan, 0, 0]",
               "Exact: the products of the other entries, without division (autograd "
               "divides: ans / x)."),
    Convention("prod with two zeros", "np.prod(x)", ([0.0, 0.0, 3.0],),
               "[0, 0, 0]", "[0, 0, 0]", "[nan, nan, 0]", "Exact, as above."),
]


def format_value(v: Any) -> str:
    """A derivative as the table shows it: 0.5, inf, nan, [6, 0, 0], (0.5, 0.5)."""
    if isinstance(v, tuple):
        return "(" + ", ".join(format_value(x) for x in v) + ")"
    arr = np.asarray(v, dtype=np.float64)
    if arr.ndim == 0:
        return f"{float(arr):g}"
    return "[" + ", ".join(f"{float(x):g}" for x in arr.ravel()) + "]"


def compute(c: Convention) -> tuple[Any, Any] | str:
    """(reverse-mode value, forward-mode value) of a convention, or why it cannot be computed."""
    from . import grad, jacfwd
    from .core import NoRuleError
    f, args = c.function(), c.args()
    argnums = tuple(range(len(args))) if len(args) > 1 else 0
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            return grad(f, argnums)(*args), jacfwd(f, argnums)(*args)
    except (NoRuleError, NotImplementedError, AttributeError) as e:
        return f"not yet supported ({type(e).__name__})"


def chainrule_value(c: Convention) -> str:
    got = compute(c)
    if isinstance(got, str):
        return got
    rev, fwd = (format_value(v) for v in got)
    return rev if rev == fwd else f"reverse {rev}, forward {fwd}"


def conventions_markdown() -> str:
    """docs/conventions.md, with chainrule's column computed now."""
    out = [
        "# Conventions at kinks and singular points",
        "",
        "<!-- Generated by `python -m chainrule.coverage --write`; tests/test_conventions.py "
        "recomputes the chainrule column and fails when this page is stale. -->",
        "",
        "Where a function has no derivative, a library must still return something. The "
        "**chainrule** column is computed by running chainrule (`grad` and `jacfwd`; one value "
        "means both modes agree) on the plain-NumPy expression. The other columns are "
        "observed values (float64) of the same expression in JAX 0.10.2 (`jax.numpy`), "
        "PyTorch 2.13 (`torch`) and HIPS autograd 1.9.1 (`autograd.numpy`), stored as data; "
        "`tests/test_conventions.py` re-observes PyTorch and autograd when they are installed.",
        "",
        "| convention | expression | chainrule | JAX | PyTorch | autograd | notes |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in CONVENTIONS:
        out.append(f"| {c.title} | `{c.code}` | {chainrule_value(c)} | {c.jax} | {c.torch} | "
                   f"{c.autograd} | {c.note} |")
    out += [
        "",
        "Notes: a derivative of `nan` or `inf` is the honest answer where the limit is "
        "infinite or the expression is 0 · inf; chainrule keeps it rather than hiding it. "
        "Non-differentiable functions (`sign`, `floor`, comparisons, `argmax` ...) return "
        "plain arrays, so their derivative is 0 (see docs/coverage.md).",
    ]
    return "\n".join(out) + "\n"


# ---- the command ----------------------------------------------------------------------------
def source_docs_dir() -> Path | None:
    """The repository's docs/ when chainrule runs from a source checkout (src/ layout, an
    editable install), else ``None``: an installed wheel has no repository to write into."""
    package = Path(__file__).resolve().parent
    root = package.parents[1]
    if package.parent.name == "src" and (root / "pyproject.toml").is_file():
        return root / "docs"
    return None


def docs_dir() -> Path:
    """The docs to read: the repository's docs/, or those the wheel ships (chainrule/docs)."""
    return source_docs_dir() or Path(__file__).resolve().parent / "docs"


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m chainrule.coverage", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    g = p.add_mutually_exclusive_group()
    g.add_argument("--markdown", action="store_true", help="print docs/coverage.md")
    g.add_argument("--conventions", action="store_true", help="print docs/conventions.md")
    g.add_argument("--check", action="store_true",
                   help="exit 1 if a function lacks its rule or the docs are stale")
    g.add_argument("--write", action="store_true", help="regenerate both pages in --docs")
    p.add_argument("--docs", type=Path, default=None, help="the docs folder (default: the "
                   "repository's docs/ in a source checkout; --write from an installed "
                   "package needs it)")
    args = p.parse_args(argv)
    docs = args.docs or docs_dir()
    if args.write and args.docs is None and source_docs_dir() is None:
        # Installed: the default would be inside site-packages, which is not the user's.
        p.error("--write from an installed chainrule needs --docs DIR, the folder to write "
                "coverage.md and conventions.md into (e.g. --docs ./docs)")
    if args.conventions:
        sys.stdout.write(conventions_markdown())
        return 0
    rows = report()
    if args.markdown:
        sys.stdout.write(markdown(rows))
        return 0
    pages = {"coverage.md": markdown(rows), "conventions.md": conventions_markdown()}
    if args.write:
        docs.mkdir(parents=True, exist_ok=True)
        for name, content in pages.items():
            (docs / name).write_text(content, encoding="utf-8")
            print(f"wrote {docs / name}")
        return 0
    if args.check:
        from . import scipy_coverage
        bad = problems(rows) + problems(scipy_coverage.rows())
        for r in bad:
            print(f"{r.name}: {r.problem}")
        stale = [name for name, content in pages.items()
                 if not (docs / name).exists()
                 or (docs / name).read_text(encoding="utf-8") != content]
        for name in stale:
            print(f"{docs / name} is stale: run python -m chainrule.coverage --write")
        print("\n".join(_summary_lines(rows)))
        print(f"{len(bad)} problems, {len(stale)} stale pages")
        return 1 if bad or stale else 0
    sys.stdout.write(text(rows))
    return 0


if __name__ == "__main__":
    from .cli import pipe_safe
    sys.exit(pipe_safe(main))

"""Numerical differentiation and gradient checking, as a report.

Finite differences, per entry i of x with step h_i:

* ``"central"`` (default): (f(x + h e_i) - f(x - h e_i)) / 2h with h_i = ε^(1/3)·max(1, |x_i|):
  truncation error ∝ h², rounding error ∝ ε/h, balanced near 1e-10 relative in float64.
* ``"forward"``: (f(x + h e_i) - f(x)) / h with h_i = ε^(1/2)·max(1, |x_i|): about 1e-8.
* ``"complex"``: Im f(x + i h e_i) / h with h = 1e-20: no subtraction, so exact to rounding,
  for functions that accept complex input and are real-analytic there.

:func:`check_grads` compares chainrule's forward and reverse mode with these differences
and with each other, and returns a :class:`GradCheckReport` (truthy when everything agrees);
on a disagreement it raises :class:`GradientCheckError`, which carries the report.
"""

from __future__ import annotations

import html
import inspect
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import ops
from .core import tree as _tree
from .transforms import _container_hint, jacfwd, jacrev, jvp, vjp

__all__ = ["numerical_grad", "numerical_jacobian", "check_grads", "GradientCheckError",
           "GradCheckReport"]

_EPS = float(np.finfo(np.float64).eps)
_METHODS = ("central", "forward", "complex")


class GradientCheckError(AssertionError):
    """A derivative disagrees with finite differences (or forward with reverse mode).

    ``.report`` is the :class:`GradCheckReport`; ``str(error)`` is its table.
    """

    def __init__(self, report: GradCheckReport | str):
        super().__init__(str(report))
        self.report = report


# ---- finite differences ---------------------------------------------------------------------

def _steps(x: np.ndarray, method: str, eps: float | None) -> np.ndarray:
    if method == "complex":
        return np.full(x.shape, 1e-20 if eps is None else eps)
    base = (_EPS ** (1 / 3) if method == "central" else _EPS ** 0.5) if eps is None else eps
    return base * np.maximum(1.0, np.abs(x))


def _as_real(out: Any, method: str, where: str) -> np.ndarray:
    out = np.asarray(out)
    if method == "complex":
        if not np.iscomplexobj(out):
            raise TypeError(f"{where}: method='complex' needs a function that carries complex "
                            "input through (it returned a real array); use 'central'.")
        return out
    return np.asarray(out, dtype=np.float64)


def _directional(f: Callable, x: np.ndarray, v: np.ndarray, h: float, method: str) -> Any:
    """The derivative of f at x along v, by ``method`` with the scalar step h."""
    if method == "central":
        return (_as_real(f(x + h * v), method, "") - _as_real(f(x - h * v), method, "")) / (2 * h)
    if method == "forward":
        return (_as_real(f(x + h * v), method, "") - _as_real(f(x), method, "")) / h
    return np.imag(_as_real(f(x + 1j * h * v), method, "numerical_jacobian")) / h


def numerical_jacobian(f: Callable, x: Any, eps: float | None = None,
                       method: str = "central") -> Any:
    """∂f/∂x by finite differences, shape ``out.shape + x.shape`` (float64).

    ``x`` may be a pytree: the result then has x's structure, each leaf holding the
    Jacobian with respect to that leaf. ``method`` is "central", "forward" or "complex";
    ``eps`` overrides the step base (see the module docstring).
    """
    if method not in _METHODS:
        raise ValueError(f"numerical_jacobian: method={method!r}; use one of {_METHODS}.")
    leaves, td = _tree.flatten(x)
    if not (len(leaves) == 1 and td.kind is None):
        jacs = []
        for k in range(len(leaves)):
            def f_k(v, k=k):
                ls = list(leaves)
                ls[k] = v
                return f(_tree.unflatten(td, ls))
            jacs.append(numerical_jacobian(f_k, leaves[k], eps, method))
        return _tree.unflatten(td, jacs)
    x = np.asarray(x, dtype=np.float64)
    h = _steps(x, method, eps)
    flat = x.ravel()
    cols = []
    for i in range(flat.size):
        e = np.zeros_like(flat)
        e[i] = 1.0
        hi = float(h.flat[i])
        if method == "central":  # the step actually taken, exactly representable
            hi = float((flat[i] + hi) - flat[i])
        cols.append(_directional(lambda v: f(v.reshape(x.shape)), flat, e, hi, method))
    if not cols:
        out_shape = np.shape(f(x))
        return np.zeros(out_shape + x.shape)
    return np.stack(cols, axis=-1).reshape(cols[0].shape + x.shape)


def numerical_grad(f: Callable, x: Any, eps: float | None = None,
                   method: str = "central") -> Any:
    """The gradient of a scalar ``f`` by finite differences, with x's pytree structure."""
    def scalar(v):
        out = np.asarray(f(v))
        if out.size != 1:
            raise TypeError(f"numerical_grad: f must return a scalar, got shape {out.shape}; "
                            "use numerical_jacobian for other outputs.")
        return out.reshape(())
    return numerical_jacobian(scalar, x, eps, method)


# ---- the report ------------------------------------------------------------------------------

@dataclass
class Worst:
    """One of the worst entries of a comparison."""

    index: tuple
    analytic: float
    numeric: float
    rel_error: float


@dataclass
class Comparison:
    """One derivative of one argument leaf compared with its reference."""

    path: str  # 'params["W"]'
    check: str  # 'reverse mode vs finite differences', ...
    ok: bool
    max_abs: float = 0.0
    max_rel: float = 0.0
    worst: list[Worst] = field(default_factory=list)
    note: str = ""


@dataclass
class Kink:
    """An entry where one-sided differences disagree: a point where f is not differentiable."""

    path: str
    index: tuple
    analytic: float
    left: float
    right: float

    @property
    def subgradient(self) -> bool:
        lo, hi = sorted((self.left, self.right))
        slack = 1e-6 * max(1.0, abs(lo), abs(hi))
        return lo - slack <= self.analytic <= hi + slack


@dataclass
class GradCheckReport:
    """What :func:`check_grads` compared; truthy when everything agreed."""

    function: str
    order: int
    modes: tuple
    comparisons: list[Comparison] = field(default_factory=list)
    kinks: list[Kink] = field(default_factory=list)
    higher: list[GradCheckReport] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.comparisons) and all(h.ok for h in self.higher)

    def __bool__(self) -> bool:
        return self.ok

    def failures(self) -> list[Comparison]:
        out = [c for c in self.comparisons if not c.ok]
        for h in self.higher:
            out.extend(h.failures())
        return out

    def __str__(self) -> str:
        status = "ok" if self.ok else "FAILED"
        lines = [f"check_grads({self.function}), order {self.order}, modes "
                 f"{', '.join(self.modes)}: {status}"]
        lines += [f"  warning: {w}" for w in self.warnings]
        rows = [("argument", "check", "max abs err", "max rel err", "")]
        for c in self.comparisons:
            rows.append((c.path, c.check, f"{c.max_abs:.2e}", f"{c.max_rel:.2e}",
                         "ok" if c.ok else "FAIL" + (f" ({c.note})" if c.note else "")))
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        for r in rows:
            lines.append("  " + "  ".join(s.ljust(w) for s, w in zip(r, widths)).rstrip())
        for c in self.comparisons:
            if not c.ok and c.worst:
                lines.append(f"  worst entries of {c.path} ({c.check}):")
                lines.append("    index (output..., input...)   analytic             numeric"
                             "   rel error")
                for w in c.worst:
                    lines.append(f"    {str(w.index):<29} {w.analytic:>10.10g} "
                                 f"{w.numeric:>19.10g}   {w.rel_error:.2e}")
        for k in self.kinks:
            verdict = ("a subgradient (between the one-sided derivatives)" if k.subgradient
                       else "outside the one-sided derivatives")
            lines.append(f"  non-differentiable point: {k.path}{list(k.index)}: left derivative "
                         f"{k.left:.6g}, right {k.right:.6g}; chainrule's convention gives "
                         f"{k.analytic:.6g}, {verdict}")
        for h in self.higher:
            lines.extend("  " + line for line in str(h).splitlines())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        status = "ok" if self.ok else "FAILED"
        head = ("<tr><th>argument</th><th>check</th><th>max abs err</th><th>max rel err</th>"
                "<th></th></tr>")
        body = "".join(
            f"<tr><td>{html.escape(c.path)}</td><td>{html.escape(c.check)}</td>"
            f"<td>{c.max_abs:.2e}</td><td>{c.max_rel:.2e}</td>"
            f"<td>{'ok' if c.ok else '<b>FAIL</b>'}</td></tr>" for c in self.comparisons)
        extra = "".join(f"<pre>{html.escape(str(h))}</pre>" for h in self.higher)
        kinks = "".join(f"<p>non-differentiable point at {html.escape(k.path)}"
                        f"{list(k.index)}: left {k.left:.6g}, right {k.right:.6g}, "
                        f"chainrule {k.analytic:.6g}</p>" for k in self.kinks)
        return (f"<div><p><b>check_grads({html.escape(self.function)})</b>, order "
                f"{self.order}: {status}</p><table>{head}{body}</table>{kinks}{extra}</div>")


# ---- checking --------------------------------------------------------------------------------

def _compare(path: str, check: str, got: Any, want: Any, atol: float,
             rtol: float) -> Comparison:
    got = np.asarray(got, dtype=np.float64)
    want = np.asarray(want, dtype=np.float64)
    if got.shape != want.shape:
        return Comparison(path, check, False, np.inf, np.inf,
                          note=f"shape {got.shape}, expected {want.shape}")
    err = np.abs(got - want)
    rel = err / np.maximum(np.abs(want), 1e-300)
    bad = ~(err <= atol + rtol * np.abs(want))  # NaN counts as bad
    c = Comparison(path, check, not bad.any(),
                   float(np.nanmax(err, initial=0.0)) if err.size else 0.0,
                   float(np.nanmax(np.where(np.abs(want) > atol, rel, 0.0), initial=0.0))
                   if err.size else 0.0)
    if not c.ok:
        order = np.argsort(np.where(bad, np.nan_to_num(err, nan=np.inf), -1.0).ravel())[::-1]
        for flat in order[:5]:
            if not bad.flat[flat]:
                break
            idx = np.unravel_index(flat, got.shape) if got.ndim else ()
            c.worst.append(Worst(tuple(int(i) for i in idx), float(got[idx]), float(want[idx]),
                                 float(rel[idx])))
    return c


def _arg_names(f: Callable, n: int) -> list[str]:
    try:
        params = list(inspect.signature(f).parameters.values())
    except (TypeError, ValueError):
        params = []
    names = []
    for i in range(n):
        p = params[i] if i < len(params) else None
        ok = p is not None and p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
        names.append(p.name if ok else f"args[{i}]")
    return names


def _differences(f_leaf: Callable, x: np.ndarray, eps: float | None) -> tuple:
    """Central, left and right difference Jacobians of f at x, from one set of evaluations.

    The one-sided ones are accurate to O(h) only, which is plenty to tell a kink (they
    differ by O(1)) from a smooth point (they differ by O(h·f'')).
    """
    h = _steps(x, "central", eps).ravel()
    flat = x.ravel()
    f0 = np.asarray(f_leaf(x), dtype=np.float64)
    central, left, right = [], [], []
    for i in range(flat.size):
        up, down = flat.copy(), flat.copy()
        up[i] += h[i]
        down[i] -= h[i]
        fp = np.asarray(f_leaf(up.reshape(x.shape)), dtype=np.float64)
        fm = np.asarray(f_leaf(down.reshape(x.shape)), dtype=np.float64)
        central.append((fp - fm) / (up[i] - down[i]))
        right.append((fp - f0) / (up[i] - flat[i]))
        left.append((f0 - fm) / (flat[i] - down[i]))
    shape = f0.shape + x.shape
    return tuple(np.stack(d, axis=-1).reshape(shape) if d else np.zeros(shape)
                 for d in (central, left, right))


def check_grads(f: Callable, args: Sequence[Any], order: int = 1,
                modes: Sequence[str] = ("fwd", "rev"), atol: float = 1e-5,
                rtol: float = 1e-3, eps: float | None = None, *, seed: int = 0,
                full_check_size: int = 64) -> GradCheckReport:
    """Check ``f``'s derivatives with respect to every argument; return the report.

    ``args`` is a tuple of arguments (arrays or pytrees of float arrays); ``f`` may return
    any real shape. For each argument leaf:

    * up to ``full_check_size`` entries: the whole Jacobian from forward mode (``jacfwd``)
      and reverse mode (``jacrev``) against central differences, entry by entry, and the two
      modes against each other;
    * larger: seeded random directions — the JVP against a directional difference and the
      dot-product test <u, J v> (forward) = <Jᵀu, v> (reverse) — falling back to the
      entry-by-entry check of that leaf when one fails, to say where.

    An entry where the left and right differences disagree is a point where ``f`` is not
    differentiable: it is reported with chainrule's convention there, not as a failure.
    ``order=2`` also checks the derivatives of the derivative rules (the VJP and the JVP as
    functions of the primals). float32 arguments are checked in float64 (with a warning).
    Raises :class:`GradientCheckError` (carrying the report) on any disagreement.
    """
    modes = tuple(modes)
    for m in modes:
        if m not in ("fwd", "rev"):
            raise ValueError(f"check_grads: unknown mode {m!r}; use ('fwd', 'rev') or one.")
    name = getattr(f, "__name__", type(f).__name__)
    report = GradCheckReport(name, order, modes)
    f = _flat_output(f)
    args = list(args)
    promoted = []
    for k, a in enumerate(args):
        def promote(x, k=k):
            if not isinstance(x, np.ndarray) and np.asarray(x).dtype.kind == "O":
                raise TypeError(_container_hint(f"check_grads({name}): argument {k}", x))
            x = np.asarray(x)
            if x.dtype.kind != "f":
                raise TypeError(f"check_grads({name}): argument {k} has dtype {x.dtype}; only "
                                "real floating arguments can be checked.")
            if x.dtype != np.float64:
                promoted.append(k)
            return x.astype(np.float64)
        args[k] = _tree.tree_map(promote, a)
    if promoted:
        msg = (f"arguments {sorted(set(promoted))} were promoted to float64 for the check: "
               "finite differences in lower precision cannot resolve the derivative")
        report.warnings.append(msg)
        warnings.warn(f"check_grads({name}): {msg}", stacklevel=2)

    rng = np.random.default_rng(seed)
    names = _arg_names(f, len(args))
    for k in range(len(args)):
        leaves, td = _tree.flatten(args[k])
        paths = _tree.paths(args[k], names[k])
        for j, (leaf, path) in enumerate(zip(leaves, paths)):
            def f_leaf(v, k=k, j=j):
                ls = list(leaves)
                ls[j] = v
                a = list(args)
                a[k] = _tree.unflatten(td, ls)
                return f(*a)
            _check_leaf(report, f_leaf, leaf, path, modes, atol, rtol, eps, rng,
                        full_check_size)

    if order >= 2:
        out = f(*args)
        if "rev" in modes:
            u = _tree.tree_map(  # in the output's own dtype (f may cast to float32)
                lambda o: rng.standard_normal(np.shape(o)).astype(np.asarray(o).dtype), out)

            def vjp_of(*xs):
                return vjp(f, *xs)[1](u)
            for k in range(len(args)):
                def vjp_k(*xs, k=k):
                    return vjp_of(*xs)[k]
                vjp_k.__name__ = f"vjp({name}) for {names[k]}"
                report.higher.append(_nested(vjp_k, args, order - 1, modes, atol, rtol, eps,
                                             seed, full_check_size))
        if "fwd" in modes:
            vs = tuple(_tree.tree_map(lambda a: rng.standard_normal(np.shape(a)), a)
                       for a in args)

            def jvp_of(*xs):
                return jvp(f, xs, vs)[1]
            jvp_of.__name__ = f"jvp({name})"
            report.higher.append(_nested(jvp_of, args, order - 1, modes, atol, rtol, eps,
                                         seed, full_check_size))
    if not report.ok:
        raise GradientCheckError(report)
    return report


def _flat_output(f: Callable) -> Callable:
    """``f`` with a pytree output (a dict of gradients, say) joined into one vector."""
    def flat(*args: Any) -> Any:
        out = f(*args)
        leaves, td = _tree.flatten(out)
        if td.kind is None:
            return out
        return ops.concatenate_pieces(*[ops.reshape(leaf, (-1,)) for leaf in leaves])
    flat.__name__ = getattr(f, "__name__", "f")
    flat.__wrapped__ = f  # type: ignore[attr-defined]  (argument names for the report)
    return flat


def _nested(g: Callable, args: list, order: int, modes: tuple, atol: float, rtol: float,
            eps: float | None, seed: int, full: int) -> GradCheckReport:
    try:
        return check_grads(g, args, order, modes, atol, rtol, eps, seed=seed,
                           full_check_size=full)
    except GradientCheckError as e:
        return e.report


def _check_leaf(report: GradCheckReport, f_leaf: Callable, x: np.ndarray, path: str,
                modes: tuple, atol: float, rtol: float, eps: float | None,
                rng: np.random.Generator, full: int) -> None:
    if x.size > full:
        if _random_directions(report, f_leaf, x, path, modes, atol, rtol, eps, rng):
            return
        # a random direction disagreed: check this leaf entry by entry, to say where
        report.comparisons[:] = [c for c in report.comparisons if c.path != path]
    numeric, left, right = _differences(f_leaf, x, eps)
    n_out = numeric.size // max(x.size, 1)
    gap = np.abs(right - left).reshape(n_out, x.size)
    scale = (np.abs(right) + np.abs(left)).reshape(n_out, x.size)
    kink_cols = np.nonzero(np.any(gap > 1e-3 + 1e-2 * scale, axis=0))[0]
    analytic = {}
    if "fwd" in modes:
        analytic["forward mode vs finite differences"] = jacfwd(f_leaf)(x)
    if "rev" in modes:
        analytic["reverse mode vs finite differences"] = jacrev(f_leaf)(x)
    smooth = np.ones(x.size, bool)
    smooth[kink_cols] = False
    for i in kink_cols:
        a = np.asarray(next(iter(analytic.values())), np.float64).reshape(n_out, x.size)[:, i]
        j = int(np.argmax(gap[:, i]))
        idx = tuple(int(k) for k in np.unravel_index(int(i), x.shape))
        report.kinks.append(Kink(path, idx, float(a[j]),
                                 float(left.reshape(n_out, x.size)[j, i]),
                                 float(right.reshape(n_out, x.size)[j, i])))
    for check, a in analytic.items():
        a2 = np.asarray(a, np.float64).reshape(n_out, x.size)
        n2 = numeric.reshape(n_out, x.size)
        c = _compare(path, check, np.where(smooth, a2, n2).reshape(numeric.shape), numeric,
                     atol, rtol)
        if len(kink_cols):
            c.note = f"{len(kink_cols)} non-differentiable point(s) left out"
        report.comparisons.append(c)
    if len(analytic) == 2:
        fwd, rev = analytic.values()
        report.comparisons.append(_compare(path, "forward vs reverse mode", fwd, rev,
                                           atol, rtol))


def _random_directions(report: GradCheckReport, f_leaf: Callable, x: np.ndarray, path: str,
                       modes: tuple, atol: float, rtol: float, eps: float | None,
                       rng: np.random.Generator) -> bool:
    """Seeded random-direction checks of a large leaf; True when all agree."""
    ok = True
    out = np.asarray(f_leaf(x))
    for _ in range(2):
        v = rng.standard_normal(x.shape)
        h = (_EPS ** (1 / 3) if eps is None else eps) * max(1.0, float(np.max(np.abs(x))))
        numeric = _directional(lambda z: f_leaf(z), x, v, h, "central")
        u = rng.standard_normal(out.shape)
        if "fwd" in modes:
            jv = jvp(f_leaf, (x,), (v,))[1]
            c = _compare(path, "JVP vs directional difference (random v)", jv, numeric,
                         atol, rtol)
            report.comparisons.append(c)
            ok &= c.ok
        if "rev" in modes:
            (jtu,) = vjp(f_leaf, x)[1](u)
            c = _compare(path, "<u, J v> from VJP vs from difference (random u, v)",
                         np.vdot(jtu, v), np.vdot(u, numeric), atol, rtol)
            report.comparisons.append(c)
            ok &= c.ok
        if len(modes) == 2:
            (jtu,) = vjp(f_leaf, x)[1](u)
            c = _compare(path, "dot-product test <u, J v> = <Jᵀu, v>",
                         np.vdot(jtu, v), np.vdot(u, jvp(f_leaf, (x,), (v,))[1]), atol, rtol)
            report.comparisons.append(c)
            ok &= c.ok
    return bool(ok)


# ---- how the step size matters -----------------------------------------------------------------

STUDY_STEPS = tuple(10.0 ** -k for k in range(1, 17))


def step_size_study(f: Callable = np.sin, df: Callable = np.cos, x: float = 1.0,
                    steps: Sequence[float] = STUDY_STEPS) -> dict[str, list[float]]:
    """The error |numeric - exact| of each method at each step size, for a smooth scalar
    ``f`` with known derivative ``df`` at ``x``: forward falls as h until rounding (ε/h)
    takes over near h = √ε, central as h² until h ≈ ε^(1/3), complex step never rises."""
    exact = float(df(x))
    out: dict[str, list[float]] = {m: [] for m in _METHODS}
    for h in steps:
        for m in _METHODS:
            got = float(_directional(lambda v: f(v), np.array([x]), np.array([1.0]), h, m)[0])
            out[m].append(abs(got - exact))
    return out


def step_size_page(path: str | None = None, plot: str | None = None) -> str:
    """The docs page of the step-size study (written to ``path`` if given; a PNG plot to
    ``plot`` when matplotlib is installed)."""
    errs = step_size_study()
    lines = [
        "# Finite differences: how the step size matters",
        "",
        "Computed by chainrule itself (`chainrule.check.step_size_page('docs/"
        "finite-differences.md')`;",
        "a test checks this page is current): the error of each method for d/dx sin(x) at "
        "x = 1 (exact: cos 1),",
        "against the step h. `numerical_grad` uses central",
        "differences with h = ε^(1/3)·max(1, |x|) ≈ 6e-6 by default, forward differences "
        "with √ε ≈ 1.5e-8,",
        "and the complex step with h = 1e-20.",
        "",
        "| h | forward | central | complex step |",
        "|---:|---:|---:|---:|",
    ]
    for i, h in enumerate(STUDY_STEPS):
        lines.append(f"| {h:.0e} | {errs['forward'][i]:.1e} | {errs['central'][i]:.1e} | "
                     f"{errs['complex'][i]:.1e} |")
    lines += ["", "Forward differences lose to rounding below h ≈ 1e-8 (error ≈ ε/h), central "
              "ones below h ≈ 1e-5;", "the complex step has no subtraction, so it stays at "
              "rounding level however small h is.", "",
              "![error against step size](finite-differences.png)", ""]
    text = "\n".join(lines)
    if path is not None:
        with open(path, "w", encoding="utf-8") as fh:
            fh.write(text)
    if plot is not None:
        try:
            import matplotlib
            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            return text
        fig, ax = plt.subplots(figsize=(6, 4))
        for m in _METHODS:
            ax.loglog(STUDY_STEPS, np.maximum(errs[m], 1e-18), marker="o", label=m)
        ax.set_xlabel("step h")
        ax.set_ylabel("|error|")
        ax.set_title("d/dx sin(x) at x = 1")
        ax.legend()
        fig.savefig(plot, dpi=100, bbox_inches="tight")
        plt.close(fig)
    return text

"""The SciPy section of the coverage report: every public name of ``chainrule.scipy.special``
and every method of the ``chainrule.scipy.stats`` distributions, with what it differentiates.

The statuses come from the objects themselves, not from SciPy (which need not be
installed): a primitive's rules argument by argument (an argument whose rule raises
:class:`~chainrule.ops.gamma_beta.NoParameterRule` is named with its reason), a function
composed of primitives, a piecewise-constant passthrough. A primitive with a differentiable
argument missing a mode, or with no differentiable argument at all, is a problem that
``python -m chainrule.coverage --check`` reports (and tests/test_scipy_coverage.py fails on).
"""

from __future__ import annotations

import inspect
from typing import Any

from .coverage_status import NOT_APPLICABLE, PASSTHROUGH, RULE, UNSUPPORTED, Row

__all__ = ["rows", "markdown_section"]

# SciPy's methods of a distribution, in SciPy's order.
_METHODS = ("pdf", "logpdf", "pmf", "logpmf", "cdf", "logcdf", "sf", "logsf", "entropy",
            "mean", "var")
# The CDFs of these go through the incomplete beta/gamma functions (no shape derivative).
_CDF_NOTE = {
    "t": "in x, loc, scale; not in df (the incomplete beta function's shapes: raises)",
    "gamma": "in x, loc, scale; not in a (the incomplete gamma function's shape: raises)",
    "chi2": "in x, loc, scale; not in df (the incomplete gamma function's shape: raises)",
    "beta": "in x, loc, scale; not in a, b (the incomplete beta function's shapes: raises)",
    "poisson": "in mu (k is a count: constant)",
}
_CDFS = ("cdf", "logcdf", "sf", "logsf")
_UNSUPPORTED_METHODS = {
    ("multivariate_normal", "cdf"): "SciPy integrates numerically (Genz's method); no "
                                    "differentiable counterpart",
    ("multivariate_normal", "logcdf"): "as cdf",
}


def _arity(p: Any) -> int:
    try:
        params = inspect.signature(p.impl).parameters.values()
    except (TypeError, ValueError):  # pragma: no cover - every impl here is a Python function
        return 1
    return sum(1 for q in params if q.kind == q.POSITIONAL_OR_KEYWORD
               and q.default is inspect.Parameter.empty)


def _primitive_row(display: str, p: Any) -> Row:
    from .ops.gamma_beta import NoParameterRule
    if p.nondiff:
        return Row(display, PASSTHROUGH, "piecewise constant (derivative 0)")
    names = list(inspect.signature(p.impl).parameters)[:_arity(p)]
    diff, without, one_mode = [], [], []
    for i, name in enumerate(names):
        rev, fwd = p.has_rule("reverse", i), p.has_rule("forward", i)
        vjp = p.vjps[i] if p.vjps is not None else None
        if isinstance(vjp, NoParameterRule):
            why = "no closed form" if "closed form" in vjp.advice else "an integer"
            without.append(f"{name} ({why}: raises)")
        elif rev and fwd:
            diff.append(name)
        elif rev or fwd:
            one_mode.append(name)
    if one_mode:
        return Row(display, UNSUPPORTED, "rule in one mode only",
                   f"primitive {p.name}: argument(s) {one_mode} have a rule in one mode only")
    if not diff:
        return Row(display, UNSUPPORTED, "no rule", f"primitive {p.name} has no rule")
    detail = "in " + ", ".join(diff) if len(names) > 1 or without else ""
    if without:
        detail += "; not in " + ", ".join(without)
    return Row(display, RULE, detail)


def _special_rows() -> list[Row]:
    from .core import Primitive
    from .scipy import special
    out = []
    for name in sorted(special.__all__):
        obj = getattr(special, name)
        display = f"scipy.special.{name}"
        if isinstance(obj, Primitive):
            out.append(_primitive_row(display, obj))
        elif callable(obj):
            out.append(Row(display, RULE, "composite of chainrule primitives"))
        else:  # pragma: no cover - __all__ lists functions only
            out.append(Row(display, NOT_APPLICABLE, "not a function"))
    return out


def _stats_rows() -> list[Row]:
    from .scipy import stats
    out = []
    for dist_name in sorted(stats.__all__):
        dist = getattr(stats, dist_name)
        for method in _METHODS:
            if not callable(getattr(dist, method, None)):
                continue
            display = f"scipy.stats.{dist_name}.{method}"
            if (dist_name, method) in _UNSUPPORTED_METHODS:
                out.append(Row(display, UNSUPPORTED, _UNSUPPORTED_METHODS[dist_name, method]))
            elif method in _CDFS and dist_name in _CDF_NOTE:
                out.append(Row(display, RULE, _CDF_NOTE[dist_name]))
            else:
                out.append(Row(display, RULE, "composite of chainrule primitives"))
    return out


def rows() -> list[Row]:
    """One row per public name of chainrule.scipy.special and per distribution method."""
    return _special_rows() + _stats_rows()


def markdown_section(rs: list[Row] | None = None) -> list[str]:
    """The lines of docs/coverage.md's SciPy section."""
    rs = rows() if rs is None else rs
    counts: dict[str, int] = {}
    for r in rs:
        counts[r.status] = counts.get(r.status, 0) + 1
    out = [
        "",
        "## SciPy: `chainrule.scipy.special` and `chainrule.scipy.stats`",
        "",
        "Every public function of `chainrule.scipy.special` and every method of the "
        "`chainrule.scipy.stats` distributions (SciPy's names and signatures; SciPy is not "
        "needed). **rule (both modes)** names the arguments it differentiates in where there "
        "are several; an argument listed after *not in* raises `NoRuleError` saying why "
        "(an integer order, or a derivative with no closed form).",
        "",
        "| status | count |",
        "|---|---:|",
        *[f"| {s} | {n} |" for s, n in counts.items()],
        f"| **total** | {len(rs)} |",
        "",
        "| function | status |",
        "|---|---|",
    ]
    out += [f"| `{r.name}` | {r.text.replace('|', '/')} |" for r in rs]
    return out

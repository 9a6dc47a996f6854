"""The SciPy section of the coverage report (chainrule/scipy_coverage.py): every public name
of chainrule.scipy.special and every distribution method has a row, none differentiable
lacks a rule, the rows say what a traced argument really does, and docs/coverage.md
carries the section."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import chainrule as cr
from chainrule import coverage, scipy_coverage
from chainrule.core import NoRuleError, Primitive
from chainrule.ops import bessel
from chainrule.scipy import special, stats

ROWS = scipy_coverage.rows()
BY_NAME = {r.name: r for r in ROWS}


def test_every_special_function_and_distribution_method_has_one_row():
    names = [r.name for r in ROWS]
    assert len(names) == len(set(names))
    assert {f"scipy.special.{n}" for n in special.__all__} <= set(names)
    for d in stats.__all__:
        for m in ("pdf", "logpdf", "entropy") if d not in ("poisson",) else ("pmf", "logpmf"):
            assert f"scipy.stats.{d}.{m}" in names


def test_no_differentiable_scipy_function_lacks_a_rule():
    bad = [f"{r.name}: {r.problem}" for r in ROWS if r.problem]
    assert not bad, "\n".join(bad)


def test_the_new_functions_are_listed_with_the_arguments_they_differentiate():
    assert BY_NAME["scipy.special.gammainc"].text == (
        "rule (both modes) — in x; not in a (no closed form: raises)")
    assert BY_NAME["scipy.special.jn"].text == (
        "rule (both modes) — in x; not in n (an integer: raises)")
    assert BY_NAME["scipy.special.betaln"].text == "rule (both modes) — in a, b"
    assert BY_NAME["scipy.special.gammasgn"].status == coverage.PASSTHROUGH
    assert BY_NAME["scipy.stats.multivariate_normal.cdf"].status == coverage.UNSUPPORTED


@pytest.mark.parametrize("name", [r.name for r in ROWS if r.name.startswith("scipy.special.")
                                  and isinstance(getattr(special, r.name.split(".")[-1]),
                                                 Primitive)])
def test_a_listed_argument_without_a_rule_really_raises_and_the_others_differentiate(name):
    """Each primitive's 'not in' arguments raise NoRuleError under grad; its last argument
    (x) differentiates (or, for a passthrough, gives 0)."""
    p = getattr(special, name.split(".")[-1])
    row = BY_NAME[name]
    n = scipy_coverage._arity(p)
    x0 = {"logit": 0.3, "erfinv": 0.3, "erfcinv": 0.7, "ndtri": 0.3}.get(p.name, 0.6)
    args = [2.0] * (n - 1) + [x0]
    if p.name == "polygamma":
        args[0] = 1
    if p.name in ("betainc",):
        args = [2.0, 3.0, 0.4]
    def at(i):
        return lambda v: p(*args[:i], v, *args[i + 1:])

    g = cr.grad(at(n - 1))(np.float64(args[-1]))
    assert np.isfinite(g)
    if row.status == coverage.PASSTHROUGH:
        assert g == 0.0
    not_in = row.detail.split("not in ", 1)[1] if "not in " in row.detail else ""
    for i, pname in enumerate(list(inspect.signature(p.impl).parameters)[:n - 1]):
        if f"{pname} (" in not_in:
            with pytest.raises(NoRuleError):
                cr.grad(at(i))(np.float64(args[i]))


def test_a_one_mode_rule_is_reported(monkeypatch):
    monkeypatch.setattr(bessel.j0, "jvps", None)
    row = {r.name: r for r in scipy_coverage.rows()}["scipy.special.j0"]
    assert "one mode only" in row.problem


def test_the_docs_page_carries_the_scipy_section():
    page = coverage.markdown(coverage.report())
    assert "## SciPy: `chainrule.scipy.special` and `chainrule.scipy.stats`" in page
    for r in ROWS:
        assert f"| `{r.name}` |" in page

"""docs/conventions.md: chainrule's derivatives at kinks and singular points.

The page's chainrule column is computed by running chainrule; this test recomputes it (the
page cannot go stale), checks the conventions chainrule has chosen against their closed
forms, and, where PyTorch and HIPS autograd are installed, re-observes their stored columns.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from chainrule import coverage

ROWS = {c.title: c for c in coverage.CONVENTIONS}
INF, NAN = np.inf, np.nan


def computed(title):
    got = coverage.compute(ROWS[title])
    if isinstance(got, str):
        pytest.skip(f"{title}: {got}")
    return got


def test_page_is_current():
    page = (coverage.docs_dir() / "conventions.md").read_text(encoding="utf-8")
    assert page == coverage.conventions_markdown(), (
        "docs/conventions.md is stale: run python -m chainrule.coverage --write")


def test_page_has_one_row_per_convention_and_every_library():
    page = coverage.conventions_markdown()
    header = "| convention | expression | chainrule | JAX | PyTorch | autograd | notes |"
    assert header in page
    for c in coverage.CONVENTIONS:
        row = next(line for line in page.splitlines() if line.startswith(f"| {c.title} |"))
        assert row.count(" | ") == 6 and f"`{c.expr}, " in row


def test_the_issue_s_conventions_are_all_there():
    wanted = ["abs'(0)", "relu at 0", "maximum tie", "minimum tie", "max ties over an axis",
              "min ties over an axis", "sqrt'(0)", "norm at 0", "sort with ties",
              "where, untaken singular branch", "where, the double-where pattern",
              "clip at its lower bound", "clip at its upper bound", "sign at its jump",
              "floor at its jump", "prod with one zero", "prod with two zeros"]
    assert set(wanted) <= set(ROWS)


# ---- the conventions chainrule chose: closed forms, not the code's output --------------------

EXPECTED = {
    "abs'(0)": 0.0,                        # sign(0) = 0, the minimum-norm subgradient
    "relu at 0": 0.5,                      # a tie of maximum(x, 0)
    "maximum tie": (0.5, 0.5),
    "minimum tie": (0.5, 0.5),
    "max ties over an axis": [0.5, 0.5, 0.0],
    "min ties over an axis": [0.5, 0.5, 0.0],
    "sqrt'(0)": INF,                       # 1 / (2 sqrt(x)) as x -> 0+
    "norm at 0": [0.0, 0.0],               # issue 3: a subgradient, 0
    "where, the double-where pattern": 0.0,
    "clip at its lower bound": 1.0,        # x passes its derivative at the bounds
    "clip at its upper bound": 1.0,
    "sign at its jump": 0.0,
    "floor at its jump": 0.0,
    "prod with one zero": [6.0, 0.0, 0.0],  # d/dx_i Π x = Π_{j≠i} x_j
    "prod with two zeros": [0.0, 0.0, 0.0],
}


def assert_value(got, want):
    if isinstance(want, tuple):
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert_value(g, w)
    else:
        np.testing.assert_array_equal(np.asarray(got, dtype=float), np.asarray(want, float))


@pytest.mark.parametrize("title", sorted(EXPECTED))
def test_chosen_convention_in_both_modes(title):
    rev, fwd = computed(title)
    assert_value(rev, EXPECTED[title])
    assert_value(fwd, EXPECTED[title])


def test_where_with_an_untaken_singular_branch():
    """Reverse mode: 0 · sqrt'(0) = 0 · inf = nan (the reason for the double where);
    forward mode selects the taken branch's tangent, 0. JAX and PyTorch do the same."""
    rev, fwd = computed("where, untaken singular branch")
    assert np.isnan(rev)
    assert fwd == 0.0


def test_sort_with_ties_keeps_the_total():
    """Whatever the tie order, sort(x + c·1) = sort(x) + c·1, so the derivative along 1
    is Σ w = 3, and each tied entry gets one of the weights (or a share of them)."""
    rev, fwd = computed("sort with ties")
    for g in (rev, fwd):
        assert np.sum(g) == 3.0
        assert sorted(np.asarray(g).tolist()) in ([1.0, 2.0], [1.5, 1.5])
    np.testing.assert_array_equal(rev, fwd)


def test_modes_agree_except_where_the_math_makes_them_differ():
    for c in coverage.CONVENTIONS:
        value = coverage.chainrule_value(c)
        if "forward" in c.jax:  # where the mode split is inherent (JAX splits too)
            assert value == c.jax, c.title
        else:
            assert "forward" not in value, f"{c.title}: {value}"


def test_format_value():
    assert coverage.format_value(np.float64(0.5)) == "0.5"
    assert coverage.format_value(np.array([6.0, 0.0, -0.0])) == "[6, 0, -0]"
    assert coverage.format_value((np.inf, np.nan)) == "(inf, nan)"


def test_an_unsupported_function_is_reported_not_raised():
    c = coverage.Convention("no rule", "np.union1d(x, x)[0]", ([1.0, 2.0],), "-", "-", "-")
    assert coverage.chainrule_value(c).startswith("not yet supported")


def test_conventions_command_prints_the_page(capsys):
    assert coverage.main(["--conventions"]) == 0
    assert capsys.readouterr().out == coverage.conventions_markdown()


# ---- the stored columns, re-observed where the libraries are installed -----------------------

def _fmt_all(values):
    return values[0] if values[0] == values[1] else f"reverse {values[0]}, forward {values[1]}"


def test_autograd_column_is_what_autograd_does():
    """Reverse mode for every row; forward mode (make_jvp) where the input is a scalar, so
    that the directional derivative is the derivative."""
    anp = pytest.importorskip("autograd.numpy")
    autograd = pytest.importorskip("autograd")
    for c in coverage.CONVENTIONS:
        f, args = c.function(anp), c.args()
        argnums = tuple(range(len(args))) if len(args) > 1 else 0
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            rev = coverage.format_value(autograd.grad(f, argnums)(*args))
            fwd = rev
            if len(args) == 1 and np.ndim(args[0]) == 0:
                fwd = coverage.format_value(autograd.make_jvp(f)(args[0])(np.ones(()))[1])
        assert _fmt_all((rev, fwd)) == c.autograd, c.title


TORCH = {
    "abs'(0)": lambda t, x: t.abs(x),
    "relu at 0": lambda t, x: t.maximum(x, t.zeros_like(x)),
    "maximum tie": lambda t, x, y: t.maximum(x, y),
    "minimum tie": lambda t, x, y: t.minimum(x, y),
    "max ties over an axis": lambda t, x: t.max(x),
    "min ties over an axis": lambda t, x: t.min(x),
    "sqrt'(0)": lambda t, x: t.sqrt(x),
    "norm at 0": lambda t, x: t.linalg.norm(x),
    "sort with ties": lambda t, x: t.sum(t.sort(x).values * t.tensor([1.0, 2.0], dtype=x.dtype)),
    "where, untaken singular branch": lambda t, x: t.where(x > 0, t.sqrt(x), t.zeros_like(x)),
    "where, the double-where pattern":
        lambda t, x: t.where(x > 0, t.sqrt(t.where(x > 0, x, t.ones_like(x))), t.zeros_like(x)),
    "clip at its lower bound": lambda t, x: t.clamp(x, 0.0, 1.0),
    "clip at its upper bound": lambda t, x: t.clamp(x, 0.0, 1.0),
    "sign at its jump": lambda t, x: t.sign(x),
    "floor at its jump": lambda t, x: t.floor(x),
    "prod with one zero": lambda t, x: t.prod(x),
    "prod with two zeros": lambda t, x: t.prod(x),
}


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_pytorch_column_is_what_pytorch_does():
    torch = pytest.importorskip("torch")
    from torch.func import grad, jacfwd
    assert set(TORCH) == set(ROWS)
    for c in coverage.CONVENTIONS:
        args = tuple(torch.tensor(a) for a in c.args())
        argnums = tuple(range(len(args))) if len(args) > 1 else 0
        f = lambda *a, c=c: TORCH[c.title](torch, *a)
        values = []
        for transform in (grad, jacfwd):
            got = transform(f, argnums)(*args)
            got = tuple(g.numpy() for g in got) if isinstance(got, tuple) else got.numpy()
            values.append(coverage.format_value(got))
        assert _fmt_all(values) == c.torch, c.title

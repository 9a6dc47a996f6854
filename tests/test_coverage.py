"""The coverage report: every public callable of numpy and numpy.linalg has a status, no
differentiable function lacks a rule, docs/coverage.md is current, and the statuses match
what chainrule actually does with a traced argument."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule import coverage
from chainrule.core import NoRuleError, Tracer, full_unwrap
from chainrule.numpy import dispatch

ROWS = coverage.report()
BY_NAME = {r.name: r for r in ROWS}


def public_names() -> set[str]:
    """Computed here, independently of coverage.public_callables."""
    out = set()
    for prefix, mod in (("numpy.", np), ("numpy.linalg.", np.linalg), ("numpy.fft.", np.fft),
                        ("numpy.random.", np.random)):
        out |= {prefix + n for n in dir(mod) if n[0] != "_" and callable(getattr(mod, n))}
    return out


def listing(rows) -> str:
    return "\n".join(f"  {r.name}: {r.problem}" for r in rows)


# ---- the report is complete and clean -------------------------------------------------------

def test_every_public_callable_has_exactly_one_row():
    names = [r.name for r in ROWS]
    assert len(names) == len(set(names))
    assert set(names) == public_names()
    statuses = {coverage.RULE, coverage.PASSTHROUGH, coverage.UNSUPPORTED,
                coverage.NOT_APPLICABLE}
    assert {r.status for r in ROWS} <= statuses


def test_every_public_callable_is_classified():
    """A function NumPy adds fails here until it is classified in chainrule/coverage.py."""
    bad = [r for r in ROWS if r.problem and r.problem.startswith("unclassified")]
    assert not bad, "unclassified NumPy callables:\n" + listing(bad)


def test_no_differentiable_function_lacks_a_rule():
    """Issue 3's requirement: zero differentiable functions without a rule in both modes."""
    bad = [r for r in ROWS if r.problem and not r.problem.startswith("unclassified")]
    assert not bad, (f"{len(bad)} NumPy functions lack what their classification requires "
                     "(add the rule, or fix chainrule/coverage.py's table):\n" + listing(bad))


def test_docs_page_is_current():
    path = coverage.docs_dir() / "coverage.md"
    page = path.read_text(encoding="utf-8")
    version = re.search(r"\(NumPy ([^)]+)\)", page)
    if version and version.group(1) != np.__version__:
        pytest.skip(f"docs/coverage.md was generated with NumPy {version.group(1)}")
    assert page == coverage.markdown(ROWS), (
        "docs/coverage.md is stale: run python -m chainrule.coverage --write")


# ---- the classification follows issue 3 -------------------------------------------------------

ISSUE_3_DIFFERENTIABLE = """
    sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh exp exp2 expm1
    log log2 log10 log1p sqrt cbrt square reciprocal power float_power hypot arctan2
    logaddexp logaddexp2 fmax fmin copysign remainder fmod sinc deg2rad maximum minimum abs
    sum prod mean var std max min amax amin ptp nansum nanmean cumsum cumprod average
    dot vdot inner outer matmul tensordot einsum kron trace diagonal
    linalg.inv linalg.solve linalg.det linalg.slogdet linalg.cholesky linalg.qr linalg.eigh
    linalg.svd linalg.norm linalg.pinv linalg.matrix_power linalg.lstsq
    reshape ravel transpose swapaxes moveaxis expand_dims squeeze atleast_1d atleast_2d
    atleast_3d concatenate stack hstack vstack dstack column_stack split array_split tile
    repeat broadcast_to flip fliplr flipud roll rot90 pad diag diagflat triu tril
    where clip select take take_along_axis choose compress sort partition array asarray
""".split()

ISSUE_3_NON_DIFFERENTIABLE = """
    argmax argmin argsort sign floor ceil isfinite isnan greater less equal not_equal zeros
    ones arange zeros_like ones_like nonzero count_nonzero any all
""".split()


@pytest.mark.parametrize("name", ISSUE_3_DIFFERENTIABLE)
def test_issue_3_functions_are_classified_differentiable(name):
    assert name in coverage.DIFFERENTIABLE


@pytest.mark.parametrize("name", ISSUE_3_NON_DIFFERENTIABLE)
def test_issue_3_non_differentiable_functions_are_not(name):
    assert name not in coverage.DIFFERENTIABLE
    assert name in coverage.NON_DIFFERENTIABLE


def test_classification_tables_are_disjoint():
    tables = [coverage.DIFFERENTIABLE, coverage.NON_DIFFERENTIABLE,
              coverage.UNSUPPORTED_REASONS, coverage.NOT_APPLICABLE_REASONS]
    for i, a in enumerate(tables):
        for b in tables[i + 1:]:
            assert not set(a) & set(b)


# ---- the check can fail ---------------------------------------------------------------------

def test_a_new_numpy_function_is_reported_unclassified(monkeypatch):
    monkeypatch.setattr(np, "brand_new_function", lambda x: x, raising=False)
    row = {r.name: r for r in coverage.report()}["numpy.brand_new_function"]
    assert row.problem.startswith("unclassified")


def fake_differentiable(monkeypatch):
    """A function NumPy might add, classified differentiable, with nothing registered."""
    def smooth(x):
        return x * 2.0

    monkeypatch.setattr(np, "smooth", smooth, raising=False)
    monkeypatch.setitem(coverage.DIFFERENTIABLE, "smooth", "a test")
    return smooth


def row_of(name):
    return {r.name: r for r in coverage.report()}[name]


def test_a_differentiable_passthrough_is_reported(monkeypatch):
    """Registering it as a passthrough would make its derivative silently zero."""
    smooth = fake_differentiable(monkeypatch)
    monkeypatch.setattr(dispatch, "PASSTHROUGH", dispatch.PASSTHROUGH | {smooth})
    row = row_of("numpy.smooth")
    assert row.status == coverage.PASSTHROUGH
    assert "silently" in row.problem


def test_a_missing_rule_and_a_missing_mode_are_reported(monkeypatch):
    smooth = fake_differentiable(monkeypatch)
    row = row_of("numpy.smooth")
    assert row.status == coverage.UNSUPPORTED and "no rule" in row.problem
    half = cr.primitive(smooth).defvjp(lambda g, ans, x: 2.0 * g)  # no JVP
    monkeypatch.setitem(dispatch.FUNCTIONS, smooth, half)
    row = row_of("numpy.smooth")
    assert row.status == coverage.UNSUPPORTED and "JVP" in row.problem
    half.defjvp(lambda t, ans, x: 2.0 * t)
    assert row_of("numpy.smooth") == coverage.Row("numpy.smooth", coverage.RULE)


def test_a_non_differentiable_function_must_be_a_passthrough(monkeypatch):
    monkeypatch.setattr(dispatch, "PASSTHROUGH", dispatch.PASSTHROUGH - {np.argwhere})
    row = row_of("numpy.argwhere")
    assert "passthrough" in row.problem


# ---- the command ------------------------------------------------------------------------------

def test_command_prints_every_name_and_the_counts(capsys):
    assert coverage.main([]) == 0
    out = capsys.readouterr().out
    for r in ROWS[:5] + ROWS[-5:]:
        assert r.name in out
    counts = coverage.summary(ROWS)
    assert sum(counts.values()) == len(ROWS)
    assert f"{counts[coverage.RULE]:4d}  {coverage.RULE}" in out
    assert f"{len(ROWS)} public callables" in out


def test_markdown_lists_every_name(capsys):
    assert coverage.main(["--markdown"]) == 0
    out = capsys.readouterr().out
    table = [line for line in out.splitlines() if line.startswith("| `numpy.")]
    assert len(table) == len(ROWS)
    assert "| `numpy.linalg.matrix_rank` | passthrough" in out


def test_write_then_check(tmp_path, capsys):
    assert coverage.main(["--write", "--docs", str(tmp_path)]) == 0
    assert (tmp_path / "coverage.md").read_text() == coverage.markdown(ROWS)
    capsys.readouterr()
    code = coverage.main(["--check", "--docs", str(tmp_path)])
    out = capsys.readouterr().out
    assert "0 stale pages" in out
    assert code == (1 if coverage.problems(ROWS) else 0)
    (tmp_path / "coverage.md").write_text("old\n")
    assert coverage.main(["--check", "--docs", str(tmp_path)]) == 1
    assert "coverage.md is stale" in capsys.readouterr().out


# ---- the statuses are what happens to a traced argument ------------------------------------

def on_traced(fn, x):
    """``fn`` applied to ``x`` traced (inside grad): what it returned."""
    box = []

    def f(t):
        box.append(fn(t))
        return np.sum(t)

    cr.grad(f)(x)
    return box[0]


def contains_tracer(obj) -> bool:
    if isinstance(obj, Tracer):
        return True
    if isinstance(obj, (tuple, list)):
        return any(contains_tracer(o) for o in obj)
    return False


def same(a, b):
    if isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for u, v in zip(a, b):
            same(u, v)
    elif isinstance(a, str):
        assert a == b
    else:
        np.testing.assert_array_equal(a, b)


X = np.array([[0.25, -1.5, 0.75], [2.0, -0.5, 0.75]])
SORTED = np.array([-1.0, 0.0, 0.5, 2.0])


def float_ufuncs(status):
    out = []
    for r in ROWS:
        if r.status == status and r.name.count(".") == 1:
            u = getattr(np, r.name[6:])
            if isinstance(u, np.ufunc) and u.signature is None and any(
                    t.startswith("d" * u.nin) for t in u.types):
                out.append(r.name[6:])
    return sorted(set(out))


@pytest.mark.parametrize("name", float_ufuncs(coverage.PASSTHROUGH))
def test_passthrough_ufunc_returns_plain_numpy_values(name):
    u = getattr(np, name)
    args = [X * (i + 1) for i in range(u.nin)]
    got = on_traced(lambda t: u(t, *args[1:]), args[0])
    assert not contains_tracer(got)
    with np.errstate(all="ignore"):
        same(got, u(*args))


@pytest.mark.parametrize("name", float_ufuncs(coverage.RULE))
def test_rule_ufunc_returns_a_traced_value(name):
    u = getattr(np, name)
    args = [np.abs(X) * 0.3 + 0.1 * (i + 1) for i in range(u.nin)]
    with np.errstate(all="ignore"):
        got = on_traced(lambda t: u(t, *args[1:]), args[0])
        assert contains_tracer(got)
        want = u(*args)
        for a, b in zip(got, want) if u.nout > 1 else [(got, want)]:
            np.testing.assert_allclose(full_unwrap(a), b, rtol=1e-12, equal_nan=True)


PASSTHROUGH_CALLS = {
    "argmax": lambda t: np.argmax(t, axis=1),
    "argsort": lambda t: np.argsort(t, axis=0),
    "argpartition": lambda t: np.argpartition(t, 1, axis=1),
    "lexsort": lambda t: np.lexsort(t),
    "nanargmin": lambda t: np.nanargmin(t),
    "argwhere": lambda t: np.argwhere(t > 0),
    "nonzero": lambda t: np.nonzero(t),
    "flatnonzero": lambda t: np.flatnonzero(t),
    "searchsorted": lambda t: np.searchsorted(SORTED, t),
    "digitize": lambda t: np.digitize(t, SORTED),
    "diag_indices_from": lambda t: np.diag_indices_from(t[:, :2]),
    "tril_indices_from": lambda t: np.tril_indices_from(t),
    "linalg.matrix_rank": lambda t: np.linalg.matrix_rank(t),
    "isclose": lambda t: np.isclose(t, 0.75),
    "allclose": lambda t: np.allclose(t, t),
    "array_equiv": lambda t: np.array_equiv(t, X),
    "isin": lambda t: np.isin(t, [0.75, 2.0]),
    "count_nonzero": lambda t: np.count_nonzero(t > 0, axis=0),
    "isneginf": lambda t: np.isneginf(t),
    "isreal": lambda t: np.isreal(t),
    "iscomplexobj": lambda t: np.iscomplexobj(t),
    "round": lambda t: np.round(t, 1),
    "fix": lambda t: np.fix(t),
    "imag": lambda t: np.imag(t),
    "histogram_bin_edges": lambda t: np.histogram_bin_edges(t, bins=3),
    "zeros_like": lambda t: np.zeros_like(t),
    "ones_like": lambda t: np.ones_like(t),
    "empty_like": lambda t: np.empty_like(t).shape,
    "result_type": lambda t: np.result_type(t, np.float32),
    "min_scalar_type": lambda t: np.min_scalar_type(t),
    "shares_memory": lambda t: np.shares_memory(t, X),
    "einsum_path": lambda t: np.einsum_path("ij,kj->ik", t, t)[0],
    "array_str": lambda t: np.array_str(t),
    "array_repr": lambda t: np.array_repr(t),
    "array2string": lambda t: np.array2string(t, precision=2),
}


@pytest.mark.parametrize("name", sorted(PASSTHROUGH_CALLS))
def test_passthrough_function_returns_plain_numpy_values(name):
    assert BY_NAME["numpy." + name].status == coverage.PASSTHROUGH
    fn = PASSTHROUGH_CALLS[name]
    got = on_traced(fn, X)
    assert not contains_tracer(got)
    same(got, fn(X))


def test_save_of_a_traced_array_writes_its_values():
    buf = io.BytesIO()
    on_traced(lambda t: np.save(buf, t), X)
    buf.seek(0)
    np.testing.assert_array_equal(np.load(buf), X)


UNSUPPORTED_CALLS = {
    "copyto": lambda t: np.copyto(np.zeros_like(X), t),
    "intersect1d": lambda t: np.intersect1d(t, X),
    "union1d": lambda t: np.union1d(t, X),
    "sort_complex": lambda t: np.sort_complex(t),
    "apply_along_axis": lambda t: np.apply_along_axis(np.sum, 0, t),
    "put_along_axis": lambda t: np.put_along_axis(X.copy(), np.zeros((2, 1), int), t[:, :1], 1),
}


@pytest.mark.parametrize("name", sorted(UNSUPPORTED_CALLS))
def test_unsupported_function_raises_instead_of_a_silent_zero(name):
    assert BY_NAME["numpy." + name].status == coverage.UNSUPPORTED
    with pytest.raises(NoRuleError, match=name.split(".")[-1]):
        on_traced(UNSUPPORTED_CALLS[name], X)


def test_array_and_asarray_of_traced_lists_differentiate():
    assert BY_NAME["numpy.array"].status == coverage.RULE
    f = lambda a, b: np.sum(cnp.array([[a, 2.0 * b], [b, a * b]]) ** 2)
    g = cr.grad(f, argnums=(0, 1))(1.5, -0.5)
    # d/da (a² + 4b² + b² + a²b²) = 2a + 2ab²; d/db = 8b + 2b + 2a²b
    np.testing.assert_allclose(g, (2 * 1.5 + 2 * 1.5 * 0.25, 10 * -0.5 + 2 * 2.25 * -0.5))
    h = cr.grad(lambda a: np.sum(cnp.asarray([a, a]) * np.array([1.0, 3.0])))(0.5)
    np.testing.assert_allclose(h, 4.0)


# ---- full_like: its fill value is differentiable ---------------------------------------------

def test_full_like_with_a_traced_fill_value_differentiates():
    """np.full_like(traced_like, v) and chainrule.numpy.full_like(like, v): ā_v = Σ ā."""
    assert BY_NAME["numpy.full_like"].status == coverage.RULE
    like = np.zeros((3, 2))
    w = np.arange(6.0).reshape(3, 2)
    f = lambda v: np.sum(cnp.full_like(like, v) * w)
    np.testing.assert_allclose(cr.grad(f)(0.7), 15.0)  # Σ of the weights 0..5
    np.testing.assert_allclose(cr.jvp(f, (0.7,), (2.0,))[1], 30.0)
    both = lambda x, v: np.sum(np.full_like(x, v) * w)  # NumPy's dispatch: x is traced
    gx, gv = cr.grad(both, argnums=(0, 1))(like + 1.0, 0.7)
    np.testing.assert_array_equal(gx, np.zeros((3, 2)))
    np.testing.assert_allclose(gv, 15.0)
    cr.check_grads(lambda v: cnp.full_like(like, v) ** 3, (np.float64(0.7),), order=2)
    g32 = cr.grad(lambda v: np.sum(cnp.full_like(like.astype(np.float32), v)))(np.float32(0.5))
    assert g32.dtype == np.float32 and g32 == 6.0
    shaped = cr.grad(lambda v: np.sum(cnp.full_like(like, v, shape=(4,))))(0.5)
    np.testing.assert_allclose(shaped, 4.0)


def test_full_like_of_a_traced_array_is_plain():
    got = on_traced(lambda t: np.full_like(t, 3.0), X)
    assert not contains_tracer(got)
    np.testing.assert_array_equal(got, np.full_like(X, 3.0))
    ints = on_traced(lambda t: cnp.full_like(np.zeros(3, int), t[0, 0]), X)
    assert not contains_tracer(ints) and ints.dtype.kind == "i"


def test_full_like_of_a_plain_array_with_a_traced_value_is_not_silent():
    """NumPy dispatches full_like on its prototype only; with a plain prototype it writes
    the traced value with np.copyto, which refuses (chainrule.numpy.full_like works)."""
    with pytest.raises(NoRuleError, match="copyto"):
        on_traced(lambda t: np.full_like(np.zeros(3), t[0, 0]), X)

"""The checker: finite differences, and check_grads catching wrong rules (meta-tests)."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

X = np.array([0.3, -1.2, 2.0])


# ---- numerical differentiation ---------------------------------------------------------------

@pytest.mark.parametrize("method, tol", [("central", 1e-9), ("forward", 1e-6),
                                         ("complex", 1e-14)])
def test_numerical_grad_accuracy_by_method(method, tol):
    f = lambda x: np.sum(np.exp(np.sin(x)) * x)
    exact = np.exp(np.sin(X)) * (np.cos(X) * X + 1)
    got = cr.numerical_grad(f, X, method=method)
    np.testing.assert_allclose(got, exact, rtol=tol, atol=tol)


def test_numerical_jacobian_shape_and_pytrees():
    f = lambda p: np.outer(p["a"], p["b"]).ravel()
    p = {"a": np.array([1.0, 2.0]), "b": np.array([3.0, 4.0, 5.0])}
    jac = cr.numerical_jacobian(f, p)
    assert set(jac) == {"a", "b"} and jac["a"].shape == (6, 2) and jac["b"].shape == (6, 3)
    # d(a_i b_j)/d a_k = b_j [i == k]
    np.testing.assert_allclose(jac["a"].reshape(2, 3, 2)[1, :, 1], p["b"], rtol=1e-9)
    np.testing.assert_allclose(jac["b"].reshape(2, 3, 3)[1, 2, 2], 2.0, rtol=1e-9)


def test_step_is_scaled_to_each_entry():
    # at |x| = 1e6 a fixed step of 6e-6 would be lost to rounding; the scaled one is not
    big = np.array([1e6, -3e5])
    got = cr.numerical_grad(lambda x: np.sum(x ** 2), big)
    np.testing.assert_allclose(got, 2 * big, rtol=1e-8)


def test_complex_method_refuses_a_function_that_drops_the_imaginary_part():
    with pytest.raises(TypeError, match="complex"):
        cr.numerical_grad(lambda x: np.sum(np.abs(x) ** 2).real, X, method="complex")


def test_unknown_method():
    with pytest.raises(ValueError, match="central"):
        cr.numerical_grad(lambda x: x.sum(), X, method="backward")


# ---- check_grads on correct functions ----------------------------------------------------------

def test_report_is_truthy_and_names_arguments_by_path():
    def loss(params, x):
        return cnp.tanh(x @ params["W"] + params["b"]).sum()
    params = {"W": np.arange(6.0).reshape(3, 2) / 7, "b": np.array([0.1, -0.2])}
    report = cr.check_grads(loss, (params, X), order=2)
    assert report and report.ok
    paths = {c.path for c in report.comparisons}
    assert {"params['W']", "params['b']", "x"} <= paths
    text = str(report)
    assert "params['W']" in text and "ok" in text and "order 2" in text
    assert "<table>" in report._repr_html_()


def test_large_inputs_use_random_directions():
    report = cr.check_grads(lambda x: cnp.sin(x) * x, (np.linspace(-1, 1, 300),))
    checks = {c.check for c in report.comparisons}
    assert any("random" in c for c in checks)
    assert any("dot-product" in c for c in checks)


def test_float32_is_checked_in_float64_with_a_warning():
    with pytest.warns(UserWarning, match="float64"):
        report = cr.check_grads(lambda x: cnp.exp(x), (X.astype(np.float32),))
    assert report.ok and report.warnings


# ---- check_grads catching wrong rules ----------------------------------------------------------

def _sin_with(vjp=None, jvp=None, name="sin_under_test"):
    p = cr.primitive(lambda x: np.sin(x), name=name)
    p.defvjp(vjp or (lambda g, ans, x: g * cnp.cos(x)))
    p.defjvp(jvp or (lambda t, ans, x: t * cnp.cos(x)))
    return p


def test_a_wrong_first_order_rule_is_caught_at_the_right_argument_and_entry():
    # the VJP is wrong only for the second entry's sign region (x < 0)
    wrong = _sin_with(vjp=lambda g, ans, x: g * cnp.cos(x) * cnp.where(x < 0, 2.0, 1.0))

    def f(a, b):
        return wrong(b) * a

    with pytest.raises(cr.GradientCheckError) as info:
        cr.check_grads(f, (np.array(1.5), X))
    report = info.value.report
    bad = report.failures()
    assert bad and all(c.path == "b" for c in bad)
    rev = next(c for c in bad if c.check.startswith("reverse"))
    # Jacobian entries are (output index, input index): only ∂out[1]/∂b[1] is wrong, as
    # X[1] = -1.2 is the only negative entry
    assert [w.index for w in rev.worst] == [(1, 1)]
    assert rev.worst[0].analytic == pytest.approx(2 * 1.5 * np.cos(-1.2))
    assert rev.worst[0].numeric == pytest.approx(1.5 * np.cos(-1.2), rel=1e-6)
    assert isinstance(info.value, AssertionError) and "worst entries of b" in str(info.value)


def test_a_wrong_forward_rule_is_caught_in_forward_mode_only():
    wrong = _sin_with(jvp=lambda t, ans, x: t * cnp.sin(x))
    with pytest.raises(cr.GradientCheckError):
        cr.check_grads(wrong, (X,), modes=("fwd",))
    assert cr.check_grads(wrong, (X,), modes=("rev",))


def test_correct_first_order_but_wrong_second_order_is_caught_by_order_2():
    # the rule's value is right, but it is not differentiable again correctly:
    # cos is computed through stop_gradient, so its own derivative is lost
    sneaky = _sin_with(vjp=lambda g, ans, x: g * cr.stop_gradient(cnp.cos(x)),
                       jvp=lambda t, ans, x: t * cr.stop_gradient(cnp.cos(x)))
    assert cr.check_grads(sneaky, (X,), order=1)
    with pytest.raises(cr.GradientCheckError) as info:
        cr.check_grads(sneaky, (X,), order=2)
    assert info.value.report.higher and not all(h.ok for h in info.value.report.higher)


def test_a_kink_is_reported_as_such_not_as_a_failure():
    report = cr.check_grads(lambda x: cnp.absolute(x) * 2.0, (np.array([0.0, 1.0, -2.0]),))
    assert report.ok
    assert len(report.kinks) == 1
    k = report.kinks[0]
    assert k.index == (0,) and k.left == pytest.approx(-2) and k.right == pytest.approx(2)
    assert k.analytic == 0.0 and k.subgradient
    assert "non-differentiable point" in str(report)


def test_mismatch_away_from_kinks_still_fails_when_a_kink_is_present():
    wrong = _sin_with(vjp=lambda g, ans, x: 3 * g * cnp.cos(x))
    with pytest.raises(cr.GradientCheckError):
        cr.check_grads(lambda x: wrong(x) + cnp.absolute(x), (np.array([0.0, 0.5]),))


# ---- the step-size study ---------------------------------------------------------------------

def test_step_size_study_shows_the_textbook_behaviour():
    from chainrule.check import STUDY_STEPS, step_size_study
    errs = step_size_study()
    h = np.array(STUDY_STEPS)
    fwd, cen, cpx = (np.array(errs[m]) for m in ("forward", "central", "complex"))
    # truncation regime: forward error ∝ h, central ∝ h²
    assert 0.5 < fwd[2] / fwd[3] / 10 < 2 and 0.5 < cen[1] / cen[2] / 100 < 2
    # rounding regime: both blow up at tiny steps, the complex step does not
    assert fwd[-1] > 1e-3 and cen[-1] > 1e-3 and cpx[-1] < 1e-15
    # best steps: around sqrt(eps) for forward, eps^(1/3) for central
    assert 1e-9 <= h[np.argmin(fwd)] <= 1e-7 and 1e-6 <= h[np.argmin(cen)] <= 1e-4


def test_step_size_page_is_current():
    import pathlib

    from chainrule.check import step_size_page
    page = pathlib.Path(__file__).resolve().parents[1] / "docs" / "finite-differences.md"
    assert page.read_text(encoding="utf-8") == step_size_page(), (
        "docs/finite-differences.md is stale: regenerate it with "
        "chainrule.check.step_size_page('docs/finite-differences.md')")


def test_an_unregistered_dataclass_argument_points_to_register_dataclass():
    import dataclasses

    @dataclasses.dataclass
    class Params:
        W: np.ndarray

    with pytest.raises(TypeError, match=r"argument 0 is a Params object.*register_dataclass"):
        cr.check_grads(lambda p: (p.W ** 2).sum(), (Params(np.ones(2)),))

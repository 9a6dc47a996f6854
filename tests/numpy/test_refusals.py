"""Foreign callables on traced values: named as the user wrote them, with what to use instead."""

import numpy as np
import pytest

import chainrule as cr
from chainrule.numpy.refusals import ufunc_name

special = pytest.importorskip("scipy.special")


def test_scipys_gammaln_is_named_scipy_special_and_points_to_chainrules():
    with pytest.raises(cr.NoRuleError) as e:
        cr.grad(lambda x: special.gammaln(x).sum())(np.ones(2))
    msg = str(e.value)
    assert msg.startswith("scipy.special.gammaln has no chainrule derivative rule")
    assert "numpy.gammaln" not in msg
    assert "from chainrule.scipy.special import gammaln" in msg


def test_the_chainrule_equivalent_it_points_to_differentiates():
    from chainrule.scipy.special import gammaln
    # d/dx log Γ(x) = ψ(x); at x = 1, ψ(1) = -γ (Euler's constant)
    assert cr.grad(gammaln)(1.0) == pytest.approx(-0.5772156649015329, rel=1e-12)


def test_a_scipy_ufunc_chainrule_lacks_gets_the_generic_advice():
    name = next((n for n in ("ellipkm1", "kolmogorov", "struve") if hasattr(special, n)), None)
    import chainrule.scipy.special as crs
    assert not hasattr(crs, name)
    with pytest.raises(cr.NoRuleError) as e:
        cr.grad(lambda x: getattr(special, name)(x).sum())(np.full(2, 0.5))
    assert str(e.value).startswith(f"scipy.special.{name} has no")
    assert "chainrule.primitive" in str(e.value)


def test_numpy_ufuncs_keep_their_numpy_name():
    assert ufunc_name(np.sin) == "numpy.sin"
    assert ufunc_name(special.gammaln) == "scipy.special.gammaln"
    with pytest.raises(cr.NoRuleError, match=r"^numpy.add.accumulate has no"):
        cr.grad(lambda x: np.add.accumulate(x).sum())(np.ones(2))


def test_np_vectorize_on_a_traced_value_teaches_the_array_form():
    leaky = np.vectorize(lambda t: t if t > 0 else 0.1 * t)
    with pytest.raises(TypeError) as e:
        cr.grad(lambda x: leaky(x).sum())(np.array([1.0, -1.0]))
    msg = str(e.value)
    assert msg.startswith("np.vectorize cannot take a traced value")
    assert "np.where(x > 0, x, 0.1 * x)" in msg and "elementwise_grad" in msg
    # the array form it suggests: d/dx Σ where(x > 0, x, 0.1x) = (1, 0.1)
    g = cr.grad(lambda x: np.where(x > 0, x, 0.1 * x).sum())(np.array([1.0, -1.0]))
    np.testing.assert_allclose(g, [1.0, 0.1])


def test_np_asarray_outside_vectorize_keeps_its_own_error():
    with pytest.raises(TypeError, match="cannot convert a traced value to a NumPy array"):
        cr.grad(lambda x: np.asarray(x).sum())(np.ones(2))

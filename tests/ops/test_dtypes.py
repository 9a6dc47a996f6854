"""The one dtype policy (ops/dtypes.py) on every conversion path a user reaches."""

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp

COMPLEX_PATHS = {
    "x.astype": lambda x: x.astype(np.complex128),
    "np.astype": lambda x: np.astype(x, np.complex128),
    "cnp.asarray(dtype=complex)": lambda x: cnp.asarray(x, dtype=complex),
    "cnp.array(list, dtype=complex)": lambda x: cnp.array([x[0], x[1]], dtype=complex),
}


@pytest.mark.parametrize("path", sorted(COMPLEX_PATHS))
def test_a_complex_target_differentiates_exactly_never_a_silent_zero(path):
    """d/dx Re(Σ (1 + 2i)·complex(x)) = 1 per entry and d/dx Im(...) = 2: complex is a
    differentiable dtype (docs/complex.md), on every conversion path."""
    f = COMPLEX_PATHS[path]
    x = np.array([0.5, -1.5])
    np.testing.assert_allclose(cr.grad(lambda v: ((1 + 2j) * f(v)).sum().real)(x), [1.0, 1.0])
    np.testing.assert_allclose(cr.grad(lambda v: ((1 + 2j) * f(v)).sum().imag)(x), [2.0, 2.0])


def test_complex_to_real_keeps_the_real_part_with_numpys_warning():
    """z.astype(float) = Re z, with NumPy's ComplexWarning (as NumPy and HIPS autograd);
    its gradient is that of Re: d/dz Σ Re(z)² = 2 Re z (∂/∂x - i ∂/∂y)."""
    z = np.array([1.0 + 2.0j, -0.5 + 3.0j])
    with pytest.warns(np.exceptions.ComplexWarning):
        g = cr.grad(lambda v: (v.astype(np.float64) ** 2).sum())(z)
    assert g.dtype == np.complex128
    np.testing.assert_allclose(g, 2 * z.real)


def test_a_floating_target_keeps_the_derivative():
    """d/dx Σ float32(x)·x = 2x, the cotangent cast back to float64."""
    x = np.array([1.5, -2.0])
    g = cr.grad(lambda v: (v.astype(np.float32) * v).sum())(x)
    assert g.dtype == np.float64
    np.testing.assert_allclose(g, 2 * x, rtol=1e-6)


def test_an_integer_target_is_a_plain_array_with_derivative_zero():
    """d/dx Σ int(x)·x = int(x) (the int factor is a constant: its derivative is 0)."""
    x = np.array([1.5, -2.0])

    def f(v):
        k = v.astype(np.int64)
        assert not isinstance(k, cr.core.Tracer) and k.dtype == np.int64
        return (k * v).sum()
    np.testing.assert_array_equal(cr.grad(f)(x), [1.0, -2.0])

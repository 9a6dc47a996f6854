"""chainrule.scipy.integrate.odeint: values against SciPy's LSODA, derivatives against a
closed form and finite differences (both modes), and the adjoint method's promise: the
recorded tape does not grow with the number of steps."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.ode import IntegrationStats
from chainrule.ode import odeint as ode_odeint
from chainrule.scipy.integrate import ODEError, odeint

si = pytest.importorskip("scipy.integrate")

TIGHT = {"rtol": 1e-11, "atol": 1e-11}


def lotka_volterra(y, t, a, b):
    """A nonlinear, time-dependent system with two parameters."""
    rates = cnp.stack([a * y[0] - b * y[0] * y[1], -y[1] + 0.5 * y[0] * y[1]])
    return rates * (1 + 0.1 * cnp.sin(t))


Y0, T = np.array([1.0, 0.5]), np.linspace(0.0, 3.0, 5)
A, B = np.array(1.2), np.array(0.8)


def test_odeint_matches_scipy_on_a_nonlinear_time_dependent_system():
    want = si.odeint(lotka_volterra, Y0, T, (A, B), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(odeint(lotka_volterra, Y0, T, (A, B), **TIGHT), want,
                               rtol=1e-9, atol=1e-10)
    # SciPy's default tolerances: both solvers are within them of the true solution
    np.testing.assert_allclose(odeint(lotka_volterra, Y0, T, (A, B)), want, rtol=1e-6)


def test_odeint_with_tfirst_decreasing_times_and_a_matrix_state():
    y0 = np.array([[1.0, 2.0], [0.5, -1.0]])
    t = np.linspace(2.0, 0.0, 4)
    m = np.array([[0.0, 1.0], [-1.0, 0.0]])

    def rotate(t, y, m):
        return m @ y * cnp.cos(t)

    got = odeint(rotate, y0, t, (m,), tfirst=True, **TIGHT)
    want = si.odeint(lambda y, t, m: rotate(t, y.reshape(2, 2), m).ravel(), y0.ravel(), t,
                     (m,), rtol=1e-12, atol=1e-12).reshape(4, 2, 2)
    assert got.shape == (4, 2, 2)
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-10)


def decay(y, t, k):
    return -k * y


def decay_loss(y0, t, k):
    """L = Σ_i y(t_i) for dy/dt = -k y: y(t) = y0 e^{-k (t - t₀)}."""
    return cnp.sum(odeint(decay, y0, t, (k,), **TIGHT))


@pytest.mark.parametrize("transform", [cr.grad, cr.jacfwd])
def test_exponential_decay_gradients_are_the_closed_forms(transform):
    """∂L/∂y0 = Σ e^{-k τ_i}, ∂L/∂k = -Σ τ_i y0 e^{-k τ_i} (τ_i = t_i - t₀),
    ∂L/∂t_i = -k y(t_i) for i ≥ 1 and ∂L/∂t₀ = k Σ_{i≥1} y(t_i)."""
    y0, k, t = np.array(1.5), np.array(0.7), np.array([0.2, 0.5, 1.0, 2.5])
    tau = t - t[0]
    y = y0 * np.exp(-k * tau)
    g_y0, g_t, g_k = transform(decay_loss, (0, 1, 2))(y0, t, k)
    np.testing.assert_allclose(g_y0, np.sum(np.exp(-k * tau)), rtol=1e-9)
    np.testing.assert_allclose(g_k, -np.sum(tau * y), rtol=1e-9)
    np.testing.assert_allclose(g_t, np.r_[k * y[1:].sum(), -k * y[1:]], rtol=1e-8)


def test_lotka_volterra_derivatives_match_finite_differences_in_both_modes():
    def loss(y0, t, a, b):
        return cnp.sum(odeint(lotka_volterra, y0, t, (a, b), rtol=1e-10, atol=1e-10) ** 2)

    cr.check_grads(loss, (Y0, np.array([0.0, 0.7, 1.5]), A, B))


def test_vector_output_jacobians_agree_between_the_modes():
    """jacfwd (sensitivities) and jacrev (adjoint) compute the same Jacobian of y(t) in y0."""
    def final(y0):
        return odeint(lotka_volterra, y0, T[:3], (A, B), rtol=1e-10, atol=1e-10)[-1]

    np.testing.assert_allclose(cr.jacfwd(final)(Y0), cr.jacrev(final)(Y0), rtol=1e-7)


def test_the_tape_does_not_grow_with_the_number_of_steps():
    """Tighter tolerances take many more steps, forward and backward, but the reverse
    trace records the same operations: the steps are never on the tape."""
    seen = []
    for tol in (1e-4, 1e-11):
        stats = IntegrationStats()
        traces = []

        def loss(k, tol=tol, stats=stats, traces=traces):
            traces.append(k._trace)
            return cnp.sum(ode_odeint(lotka_volterra, Y0, T, (k, B), rtol=tol, atol=tol,
                                      stats=stats))

        cr.grad(loss)(A)
        seen.append((len(traces[0].tape), stats.steps, stats.backward_steps))
    (tape_loose, fwd_loose, bwd_loose), (tape_tight, fwd_tight, bwd_tight) = seen
    assert fwd_tight > 5 * fwd_loose and bwd_tight > 5 * bwd_loose
    assert tape_loose == tape_tight


def test_full_output_counts_the_steps():
    y, info = odeint(decay, 1.0, [0.0, 1.0], (2.0,), full_output=1)
    assert info["nst"] > 0 and info["nfe"] >= 6 * info["nst"]
    assert y[-1] == pytest.approx(np.exp(-2.0), rel=1e-7)


def test_a_second_derivative_says_it_has_no_rule():
    with pytest.raises(cr.NoRuleError, match="odeint_adjoint|odeint_tangent"):
        cr.hessian(lambda k: decay_loss(np.array(1.0), np.array([0.0, 1.0]), k))(np.array(0.5))


def test_non_monotone_times_are_refused():
    with pytest.raises(ValueError, match="monotone"):
        odeint(decay, 1.0, [0.0, 1.0, 0.5], (1.0,))


def test_a_blow_up_is_reported():
    """dy/dt = y² from y(0) = 1 blows up at t = 1."""
    with pytest.raises(ODEError, match="underflowed|mxstep"):
        odeint(lambda y, t: y ** 2, 1.0, [0.0, 2.0])


def mlp_dynamics(y, t, params):
    """autograd's ode_net idiom: the parameters are a list of (W, b) pairs (a pytree)."""
    h = y
    for w, b in params[:-1]:
        h = cnp.tanh(h @ w + b)
    w, b = params[-1]
    return h @ w + b


def _mlp_params(seed):
    rng = np.random.default_rng(seed)
    return [(0.5 * rng.standard_normal((2, 4)), 0.1 * rng.standard_normal(4)),
            (0.5 * rng.standard_normal((4, 2)), 0.1 * rng.standard_normal(2))]


def test_pytree_args_are_differentiated_leaf_by_leaf():
    params, t = _mlp_params(0), np.linspace(0.0, 1.0, 4)

    def loss(params):
        return cnp.sum(odeint(mlp_dynamics, Y0, t, (params,), **TIGHT) ** 2)

    grads = cr.grad(loss)(params)
    assert [tuple(np.shape(g) for g in pair) for pair in grads] == [((2, 4), (4,)),
                                                                    ((4, 2), (2,))]
    cr.check_grads(loss, (params,))


def test_gradients_in_args_match_autograds_odeint():
    """autograd's odeint (LSODA, its own adjoint) and ours agree to the tolerances. autograd
    needs its own traced tuple for args (autograd.builtins.tuple, as its ode_net example);
    chainrule takes a plain tuple."""
    autograd = pytest.importorskip("autograd")
    ag_integrate = pytest.importorskip("autograd.scipy.integrate")
    ag_tuple = pytest.importorskip("autograd.builtins").tuple
    flat = np.concatenate([np.ravel(x) for pair in _mlp_params(1) for x in pair])
    t = np.linspace(0.0, 1.0, 4)

    def make_loss(odeint_, np_, tuple_=tuple):
        def dynamics(y, t, p):
            h = np_.tanh(np_.dot(y, np_.reshape(p[:8], (2, 4))) + p[8:12])
            return np_.dot(h, np_.reshape(p[12:20], (4, 2))) + p[20:22]
        return lambda y0, p: np_.sum(odeint_(dynamics, y0, t, tuple_((p,)), rtol=1e-11,
                                             atol=1e-11) ** 2)

    want = autograd.grad(make_loss(ag_integrate.odeint, autograd.numpy, ag_tuple),
                         (0, 1))(Y0, flat)
    got = cr.grad(make_loss(odeint, cnp), (0, 1))(Y0, flat)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-8)

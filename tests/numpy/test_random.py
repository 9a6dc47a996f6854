"""``chainrule.numpy.random``: NumPy's sampling, undifferentiated, refusing traced arguments."""

from __future__ import annotations

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp


def test_both_spellings_import_and_share_numpys_global_state():
    """``import chainrule.numpy.random as npr`` and ``cnp.random``: seeding either seeds
    NumPy's own generator, so the draws are NumPy's draws."""
    import chainrule.numpy.random as npr
    assert cnp.random is npr
    npr.seed(7)
    ours = npr.randn(3)
    np.random.seed(7)
    np.testing.assert_array_equal(ours, np.random.randn(3))
    assert npr.RandomState is np.random.RandomState
    assert npr.default_rng(0).normal() == np.random.default_rng(0).normal()


def test_a_traced_argument_to_a_sampler_names_it_and_says_how_to_reparameterise():
    with pytest.raises(TypeError, match=r"numpy\.random\.normal was given a traced value "
                                        r"\(argument 0\).*loc \+ scale \* np\.random\.randn"):
        cr.grad(lambda m: cnp.random.normal(m, 1.0))(0.5)
    with pytest.raises(TypeError, match=r"numpy\.random\.uniform .*high="):
        cr.grad(lambda h: cnp.random.uniform(0.0, high=h))(2.0)


def test_the_reparameterised_sample_differentiates():
    """z = μ + σ ε with ε ~ N(0, 1) drawn with plain arguments: ∂z/∂μ = 1, ∂z/∂σ = ε."""
    def sample(mu, sigma):
        cnp.random.seed(3)
        return mu + sigma * cnp.random.randn()
    np.random.seed(3)
    eps = np.random.randn()
    assert cr.grad(sample, argnums=(0, 1))(0.2, 1.5) == pytest.approx((1.0, eps))

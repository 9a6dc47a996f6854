import numpy as np
import pytest

from chainrule import landscape as ls


def _path():
    rng = np.random.default_rng(0)
    base = {"V": rng.standard_normal((3, 4)), "W": rng.standard_normal((4, 2))}
    a, b = ls.direction(base, 1, None), ls.direction(base, 2, None)
    t = np.linspace(0, 1, 12)
    # a curved path ending at base, plus a little noise off the plane
    return [ls.vectors.axpy(ls.vectors.axpy(ls.vectors.axpy(base, 1 - s, a), (1 - s) ** 2, b),
                            1e-3, ls.direction(base, 10 + i, None)) for i, s in enumerate(t)]


def test_the_pca_plane_explained_variance_matches_an_svd_of_the_path():
    path = _path()
    tp = ls.trajectory_plane(path)
    M = ls.vectors.stack_points(path) - ls.ravel(path[-1])[0]
    ev = np.linalg.eigvalsh(M @ M.T)[::-1]  # σ_k² are the eigenvalues of the Gram matrix
    np.testing.assert_allclose(tp.explained_variance, ev[:2] / ev.sum(), rtol=1e-10)
    assert tp.explained_variance.sum() > 0.99  # the path is (almost) planar


def test_the_projected_path_is_the_coordinates_along_unit_pca_directions():
    path = _path()
    tp = ls.trajectory_plane(path)
    assert ls.vectors.norm(tp.d1) == pytest.approx(1.0)
    assert abs(ls.vectors.dot(tp.d1, tp.d2)) < 1e-12
    i = 3
    diff = ls.vectors.axpy(path[i], -1.0, path[-1])
    assert tp.coords[i, 0] == pytest.approx(ls.vectors.dot(diff, tp.d1), abs=1e-12)
    assert np.allclose(tp.coords[-1], 0)  # the final point is the origin


def test_a_path_of_two_points_is_refused():
    with pytest.raises(ValueError, match="at least 3"):
        ls.trajectory_plane(_path()[:2])

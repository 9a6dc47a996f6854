"""Rule table for the linear-algebra primitives (merged into test_rules.py's sweep).

Matrices are drawn well conditioned: U diag(s) Vᵀ with random orthogonal U, V and singular
values spread over [1, 3] at least 0.25 apart (no near-degeneracy, condition number ≤ 3);
symmetric inputs as Q diag(w) Qᵀ with eigenvalues at least 0.5 apart. The decompositions
(eigh, svd, qr, cholesky) are checked on their packed outputs, eigenvectors and singular
vectors included: for distinct eigenvalues/singular values NumPy's signs are locally
constant, so finite differences see the same branch the rules differentiate. Their
gauge-invariant checks, batches of every function and NumPy's values are in
tests/numpy/test_linalg.py. ``matmul`` is in test_rules.py's own table.
"""

from __future__ import annotations

import numpy as np

from _harness.specs import D, Entry, K, _fixed, _label, spec


def _orthogonal(rng, n, batch=()):
    q, r = np.linalg.qr(rng.standard_normal(tuple(batch) + (n, n)))
    return q * np.sign(np.diagonal(r, axis1=-2, axis2=-1))[..., None, :]


def _spread(rng, batch, k, lo, hi):
    """k values in [lo, hi], at least (hi - lo) / (2k) apart, in random order."""
    step = (hi - lo) / k
    vals = lo + step * (np.arange(k) + rng.uniform(0.25, 0.75, tuple(batch) + (k,)))
    return rng.permuted(vals, axis=-1)


def wellcond(rng, shape):
    """U diag(s) Vᵀ with distinct singular values in [1, 3]."""
    *batch, m, n = shape
    k = min(m, n)
    u = _orthogonal(rng, m, batch)[..., :k]
    v = _orthogonal(rng, n, batch)[..., :k]
    s = _spread(rng, batch, k, 1.0, 3.0)
    return (u * s[..., None, :]) @ np.swapaxes(v, -1, -2)


def negdet(rng, shape):
    """Well conditioned with det < 0 (slogdet's sign -1)."""
    a = wellcond(rng, shape)
    sign = np.sign(np.linalg.det(a))[..., None, None]
    return a * np.where(np.arange(shape[-2])[:, None] == 0, -sign, 1.0)


def spd(rng, shape):
    """Symmetric positive definite, eigenvalues in [1, 3]."""
    *batch, n, _ = shape
    q = _orthogonal(rng, n, batch)
    return (q * _spread(rng, batch, n, 1.0, 3.0)[..., None, :]) @ np.swapaxes(q, -1, -2)


def sym(rng, shape):
    """Symmetric, eigenvalues of both signs at least 0.5 apart."""
    *batch, n, _ = shape
    q = _orthogonal(rng, n, batch)
    return (q * _spread(rng, batch, n, -n, n)[..., None, :]) @ np.swapaxes(q, -1, -2)


def sym_lower(rng, shape):
    """``sym`` below the diagonal, noise above it (eigh/cholesky must never read it)."""
    a = sym(rng, shape)
    return np.tril(a) + np.triu(rng.standard_normal(shape), 1)


def spd_lower(rng, shape):
    """``spd`` below the diagonal, noise above it (cholesky reads the lower triangle)."""
    a = spd(rng, shape)
    return np.tril(a) + np.triu(rng.standard_normal(shape), 1)


def spd_upper(rng, shape):
    """``spd`` above the diagonal, noise below it (cholesky(upper=True) reads that one)."""
    a = spd(rng, shape)
    return np.triu(a) + np.tril(rng.standard_normal(shape), -1)


SQUARE = [(1, 1), (2, 2), (3, 3), (2, 3, 3), (2, 1, 2, 2)]
RECT = [(3, 3), (4, 2), (2, 4), (2, 3, 2), (2, 2, 3), (1, 1), (3, 1), (1, 3)]


def _squares(domain, shapes=SQUARE, suffix="", **kw):
    return [spec(_label(s) + suffix, D(s, domain), **kw) for s in shapes]


def _einsums():
    cases = [
        ("ij,jk->ik", (3, 4), (4, 2)),
        ("ij,jk->ki", (3, 4), (4, 2)),
        ("i,i->", (4,), (4,)),
        ("i,j->ij", (3,), (4,)),
        ("ij,ij->ij", (3, 1), (1, 4)),          # broadcasting along explicit letters
        ("ij,j->i", (3, 4), (4,)),
        ("bij,bjk->bik", (2, 3, 4), (2, 4, 2)),
        ("Aij,jk->Aik", (2, 3, 4), (4, 2)),     # a spelled-out ellipsis
        ("Aij,Ajk->Aik", (2, 3, 4), (1, 4, 2)),  # broadcast batch
        ("ij,k->i", (3, 4), (2,)),              # letters summed in one operand only
        ("ii->i", (3, 3), None),                # a diagonal
        ("ii->", (3, 3), None),                 # a trace
        ("iij->ij", (3, 3, 2), None),
        ("ii,ij->j", (3, 3), (3, 4)),
        ("ij->", (3, 4), None),
        ("ijk->kji", (2, 3, 4), None),
        ("i->i", (4,), None),
        (",ij->ij", (), (3, 4)),                # a scalar operand
        ("->", (), None),
    ]
    out = []
    for sub, a, b in cases:
        args = (D(a),) if b is None else (D(a), D(b))
        out.append(spec(sub, *args, subscripts=sub))
    out += [
        spec("ij,jk,kl->il", D((2, 3)), D((3, 4)), D((4, 2)), subscripts="ij,jk,kl->il"),
        spec("ij,jk,kl->il,optimize", D((2, 3)), D((3, 4)), D((4, 2)),
             subscripts="ij,jk,kl->il", optimize=True),
        spec("i,ij,j->,fixed-middle", D((3,)), _fixed(np.arange(12.0).reshape(3, 4)),
             D((4,)), subscripts="i,ij,j->"),
        spec("ij,jk->ik,fixed-left", _fixed(np.ones((2, 3))), D((3, 2)),
             subscripts="ij,jk->ik"),
    ]
    return out


def _solves():
    a = wellcond
    return [
        spec("3x3,b=3", D((3, 3), a), D((3,))),
        spec("3x3,b=3x2", D((3, 3), a), D((3, 2))),
        spec("1x1,b=1", D((1, 1), a), D((1,))),
        spec("2x3x3,b=3", D((2, 3, 3), a), D((3,))),
        spec("2x3x3,b=2x3x2", D((2, 3, 3), a), D((2, 3, 2))),
        spec("2x3x3,b=3x1", D((2, 3, 3), a), D((3, 1))),
        spec("3x3,b=2x3x2", D((3, 3), a), D((2, 3, 2))),
        spec("2x1x2x2,b=3x2x1", D((2, 1, 2, 2), a), D((3, 2, 1))),
        spec("fixed-a", K(lambda rng: wellcond(rng, (3, 3))), D((3, 2))),
        spec("fixed-b", D((3, 3), a), _fixed([1.0, -2.0, 0.5])),
    ]


RULES = {
    "einsum": Entry(_einsums(), variadic=True),
    "inv": Entry(_squares(wellcond)),
    "det": Entry(_squares(wellcond) + [spec("negative-det", D((3, 3), negdet)),
                                       spec("2x3x3,negative-det", D((2, 3, 3), negdet))]),
    "logabsdet": Entry(_squares(wellcond) + [spec("negative-det", D((3, 3), negdet)),
                                             spec("2x3x3,negative-det", D((2, 3, 3), negdet))]),
    "solve": Entry(_solves()),
    "pinv": Entry([spec(_label(s), D(s, wellcond)) for s in RECT]
                  + [spec("4x2,rcond", D((4, 2), wellcond), rcond=1e-10),
                     spec("2x4,rtol", D((2, 4), wellcond), rtol=1e-8)]),
    "cholesky": Entry(_squares(spd) + _squares(spd, [(3, 3), (2, 3, 3)], ",upper=True",
                                               upper=True) + [
        spec("lower-read-only,3x3", D((3, 3), spd_lower)),
        spec("upper-read-only,upper=True", D((3, 3), spd_upper), upper=True)]),
    "qr": Entry([spec(_label(s), D(s, wellcond))
                 for s in [(1, 1), (2, 2), (3, 3), (4, 3), (3, 1), (4, 2), (2, 4, 2),
                           (2, 3, 3)]]),
    "eigh": Entry(_squares(sym) + [spec("lower-read-only,3x3", D((3, 3), sym_lower)),
                                   spec("UPLO=U,3x3", D((3, 3), sym), UPLO="U"),
                                   spec("UPLO=U,2x3x3", D((2, 3, 3), sym), UPLO="U")]),
    "svd": Entry([spec(_label(s), D(s, wellcond)) for s in RECT]),
}


def _hermitian(rng, x):
    """A Hermitian matrix around the real symmetric x: x + i (Y - Yᵀ)/2 (eigh, cholesky)."""
    y = 0.5 * rng.standard_normal(np.shape(x))
    return x + 0.5j * (y - np.swapaxes(y, -1, -2))


def _hermitian_pd(rng, x):
    """A Hermitian positive definite matrix around the real SPD x (a small skew part)."""
    y = 0.2 * rng.standard_normal(np.shape(x))
    return x + 0.5j * (y - np.swapaxes(y, -1, -2))


RULES["cholesky"].to_complex = _hermitian_pd
RULES["eigh"].real_only = ("complex eigenvectors have a free phase (LAPACK's is not the "
                           "derivative's gauge): checked through phase-invariant functions "
                           "in tests/ops/test_complex.py")
RULES["svd"].real_only = RULES["eigh"].real_only


def real_spectrum(rng, shape):
    """A non-symmetric matrix with real eigenvalues well apart: W diag(λ) W⁻¹ with W
    well conditioned (real eigenvectors: unique up to sign, so finite differences of V
    are well defined)."""
    *batch, n, _ = shape
    w = wellcond(rng, shape)
    lam = _spread(rng, batch, n, -n, n)
    return (w * lam[..., None, :]) @ np.linalg.inv(w)


RULES["eig"] = Entry(
    _squares(real_spectrum, [(1, 1), (2, 2), (3, 3), (2, 3, 3)]),
    real_only=RULES["eigh"].real_only)

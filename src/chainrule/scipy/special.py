"""``chainrule.scipy.special``: stable, differentiable special functions (SciPy not needed).

Signatures and values follow SciPy (``softmax``/``log_softmax``/``logsumexp`` default to
``axis=None``, all entries). Each function is a chainrule primitive (or, for ``logsumexp``
with weights ``b``, a composite of primitives), so it differentiates in forward and reverse
mode to any order. Conventions at singular points are in each primitive's docstring
(:mod:`chainrule.ops.special`); in short:

* ``logsumexp`` of an all -inf slice is -inf with derivative 0 (entries at -inf carry no
  weight); ``softmax`` there is 0 and ``log_softmax`` -inf, with finite derivatives;
* ``xlogy``/``xlog1py`` are 0 where x = 0, and so is their derivative in y;
* ``entr`` is -inf below 0, with derivative 0 there and +inf at 0.

The gamma and beta family (``rgamma``, ``gammasgn``, ``beta``, ``betaln``,
``multigammaln``; :mod:`chainrule.ops.gamma_beta`), the regularized incomplete gamma and
beta functions (``gammainc``, ``gammaincc``, ``betainc``; :mod:`chainrule.ops.incomplete`)
and the Bessel functions (``j0 j1 jn y0 y1 yn iv ive``; :mod:`chainrule.ops.bessel`, ``i0
i1`` in :mod:`chainrule.ops.special`) are computed in NumPy from published series,
continued fractions and asymptotic expansions, to about 1e-13 of SciPy's values. They
differentiate in x to any order. Derivatives with no closed form — gammainc/gammaincc in a,
betainc in a and b, iv/ive in v — and in the integer orders of jn/yn raise
:class:`~chainrule.core.NoRuleError` saying which argument and what to do (pass it as a
constant); beta and betaln differentiate in both arguments (digamma).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..core import full_unwrap
from ..ops import bessel as _bessel
from ..ops import elementwise as _ew
from ..ops import gamma_beta as _gb
from ..ops import incomplete as _inc
from ..ops import special as _sf
from ..ops import special as _special
from ..ops.axes import normalize_axis as _normalize_axis
from ..ops.reduce import sum as _sum
from ..ops.shape import reshape as _reshape

expit = _special.logistic
log_expit = _special.log_expit
logit = _special.logit
erf = _sf.erf
erfc = _sf.erfc
erfinv = _sf.erfinv
erfcinv = _sf.erfcinv
gammaln = _sf.gammaln
gamma = _sf.gamma
digamma = _sf.digamma
psi = _sf.digamma
polygamma = _sf.polygamma
xlogy = _sf.xlogy
xlog1py = _sf.xlog1py
entr = _sf.entr
ndtr = _sf.ndtr
ndtri = _sf.ndtri
log_ndtr = _sf.log_ndtr
i0 = _sf.i0
i1 = _sf.i1
rgamma = _gb.rgamma
gammasgn = _gb.gammasgn
beta = _gb.beta
betaln = _gb.betaln
gammainc = _inc.gammainc
gammaincc = _inc.gammaincc
betainc = _inc.betainc
j0 = _bessel.j0
j1 = _bessel.j1
jn = _bessel.jn
y0 = _bessel.y0
y1 = _bessel.y1
yn = _bessel.yn
iv = _bessel.iv
ive = _bessel.ive


def multigammaln(a: Any, d: int) -> Any:
    """log Γ_d(a), the log of the multivariate gamma function:
    d(d - 1)/4 log π + Σ_{j=1}^{d} log Γ(a + (1 - j)/2), for a > (d - 1)/2 (as SciPy, which
    raises otherwise). Differentiable in a: ∂/∂a = Σ_j ψ(a + (1 - j)/2). ``d`` is a positive
    integer (structural)."""
    if int(d) != d or d < 1:
        raise ValueError(f"multigammaln(a, d): d must be a positive integer, got {d!r}")
    d = int(d)
    av = np.asarray(full_unwrap(a))
    if np.any(av <= 0.5 * (d - 1)):
        raise ValueError(f"multigammaln(a, d={d}): every a must be greater than (d - 1)/2 = "
                         f"{0.5 * (d - 1)} (got a minimum of {av.min()})")
    out = 0.25 * d * (d - 1) * np.log(np.pi)
    for j in range(1, d + 1):
        out = out + gammaln(a + 0.5 * (1 - j))
    return out


def _weighted_logsumexp(a: Any, b: Any, axis: Any, keepdims: bool) -> tuple[Any, Any]:
    """log |Σ b e^a| and the sign of Σ b e^a (a plain array), as a composite:
    m + log|Σ b e^{a - m}| with m the (constant) largest finite a of each slice, so that
    ā_a = ā b e^{a - m} / Σ b e^{a - m} and ā_b = ā e^{a - m} / Σ b e^{a - m}. Where the sum
    is 0 (all a = -inf, or weights that cancel) the value is -inf with derivative 0."""
    av, bv = full_unwrap(a), full_unwrap(b)
    shp = np.broadcast_shapes(np.shape(av), np.shape(bv))
    axes = _normalize_axis(axis, len(shp))
    m = np.maximum.reduce(np.broadcast_to(np.asarray(av), shp), axis=axes, keepdims=True)
    m = np.where(np.isfinite(m), m, 0).astype(np.result_type(av, 0.0), copy=False)
    s = _sum(b * _ew.exp(a - m), axis=axes, keepdims=True)
    sv = full_unwrap(s)
    zero = np.equal(sv, 0)
    if zero.any():
        s = _ew.where(zero, 1, s)
    out = _ew.log(_ew.absolute(s)) + m
    if zero.any():
        out = _ew.where(zero, -np.inf, out)
    sign = np.sign(sv)
    if not keepdims:
        kept = tuple(n for i, n in enumerate(shp) if i not in axes)
        out, sign = _reshape(out, kept), sign.reshape(kept)
    return out, sign


def logsumexp(a: Any, axis: Any = None, b: Any = None, keepdims: bool = False,
              return_sign: bool = False) -> Any:
    """log Σ exp(a) over ``axis`` (of Σ b exp(a) with weights ``b``, which may be negative),
    stable for large |a|. With ``return_sign`` returns (log|Σ|, sign of Σ) — the sign is a
    plain array (no derivative); without it a negative sum gives NaN, as SciPy."""
    if b is None:
        out = _special.logsumexp(a, axis=axis, keepdims=keepdims)
        if not return_sign:
            return out
        ov = np.asarray(full_unwrap(out))
        one, zero, nan = (ov.dtype.type(v) for v in (1, 0, np.nan))
        sign = np.where(np.isneginf(ov), zero, np.where(np.isnan(ov), nan, one))
        return out, sign[()] if sign.ndim == 0 else sign
    out, sign = _weighted_logsumexp(a, b, axis, keepdims)
    if return_sign:
        return out, sign
    if np.any(sign < 0):
        out = _ew.where(sign < 0, np.nan, out)
    return out


def softmax(x: Any, axis: Any = None) -> Any:
    """exp(x) / Σ exp(x) over ``axis`` (all entries by default, as SciPy)."""
    return _special.softmax(x, axis=axis)


def log_softmax(x: Any, axis: Any = None) -> Any:
    """x - logsumexp(x) over ``axis`` (all entries by default, as SciPy)."""
    return _special.log_softmax(x, axis=axis)


__all__ = ["expit", "logit", "log_expit", "logsumexp", "softmax", "log_softmax", "erf", "erfc",
           "erfinv", "erfcinv", "gammaln", "gamma", "digamma", "psi", "polygamma", "xlogy",
           "xlog1py", "entr", "ndtr", "ndtri", "log_ndtr", "i0", "i1", "rgamma", "gammasgn",
           "beta", "betaln", "gammainc", "gammaincc", "betainc", "multigammaln", "j0", "j1",
           "jn", "y0", "y1", "yn", "iv", "ive"]

"""Jacobians and Hessians in one batched pass (vmap over the basis), against the hand floor.

Problems (float64, one BLAS thread):

* the 200×200 Jacobian of ``tanh(A @ x)``: hand-derived ``(1 - t²)[:, None] * A``; chainrule
  ``jacfwd`` and ``jacrev``; HIPS autograd ``jacobian`` (reverse, one VJP per output) and
  ``torch.func.jacrev``/``jacfwd`` when installed. Target: chainrule ≤ 20× hand.
* 200×1 and 1×200 shapes (``tanh(a x)`` of a scalar x; ``sum(tanh(A @ x))`` of 200 inputs):
  the right mode (forward for one input, reverse for one output) within 3× of hand.
* the Hessian of ``f(x) = Σ tanh(A x)`` at n = 100: hand ``Aᵀ diag(-2 t (1 - t²)) A``;
  chainrule ``hessian`` (forward over reverse, one batched pass); autograd ``hessian``;
  ``torch.func.hessian``. Target: chainrule ≤ 20× hand.

Run: ``python benchmarks/bench_jacobian.py [--rounds N] [--quick] [--markdown]``.
"""

from __future__ import annotations

import _harness as H  # first: pins BLAS to one thread before NumPy loads

# isort: split
import sys
from typing import Any

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp

ROUNDS = 9
SAMPLE_MS = 150.0
TARGET_FULL = 20.0
TARGET_THIN = 3.0
HAND = "hand-derived NumPy"


def _peers(tables: list, title: str, key: str, cs: list[H.Contender], want: Any,
           args: Any, targets: list[tuple[str, str, float]], notes: list[str]) -> None:
    for c in cs[1:]:
        H.assert_close(c.name, c.fn(), want, rtol=1e-10, atol=1e-12)
    stats = H.measure(cs, HAND, rounds=args.rounds, sample_s=args.sample_ms / 1e3,
                      warmup_s=args.warmup_s)
    tg = [H.Target(label, stats[name].ratio, limit) for label, name, limit in targets]
    tables.append(H.stats_table(key, title, stats, HAND, notes=notes, targets=tg))


def run(args: Any) -> list[H.Table]:
    rng = np.random.default_rng(0)
    ag = H.optional("autograd")
    torch = H.optional("torch")
    tables: list[H.Table] = []

    # ---- 200 x 200 ---------------------------------------------------------------------
    n = 200
    A = rng.standard_normal((n, n)) / np.sqrt(n)
    x = rng.standard_normal(n)

    def hand_full() -> np.ndarray:
        t = np.tanh(A @ x)
        return (1 - t * t)[:, None] * A

    f = lambda v: cnp.tanh(A @ v)  # noqa: E731
    jf, jr = cr.jacfwd(f), cr.jacrev(f)
    cs = [H.Contender(HAND, hand_full), H.Contender("chainrule jacfwd", lambda: jf(x)),
          H.Contender("chainrule jacrev", lambda: jr(x))]
    if ag is not None:
        import autograd.numpy as anp
        ja = ag.jacobian(lambda v: anp.tanh(anp.dot(A, v)))
        cs.append(H.Contender("autograd jacobian", lambda: ja(x)))
    if torch is not None:
        from torch.func import jacfwd as tjf
        from torch.func import jacrev as tjr
        At, xt = torch.from_numpy(A), torch.from_numpy(x)
        tf = lambda v: torch.tanh(At @ v)  # noqa: E731
        cs.append(H.Contender("torch.func jacrev", lambda: tjr(tf)(xt).numpy()))
        cs.append(H.Contender("torch.func jacfwd", lambda: tjf(tf)(xt).numpy()))
    _peers(tables, f"Jacobian of tanh(A @ x), {n}x{n}, float64", "jacobian_full", cs,
           hand_full(), args,
           [("jacfwd / hand", "chainrule jacfwd", TARGET_FULL),
            ("jacrev / hand", "chainrule jacrev", TARGET_FULL)],
           ["one batched pass over the basis: jacfwd = vmap(jvp), jacrev = vmap(vjp) on one "
            "tape"])

    # ---- 200 x 1 and 1 x 200 -------------------------------------------------------------
    a = rng.standard_normal(n)
    s = np.float64(0.3)
    tall = lambda v: cnp.tanh(a * v)  # noqa: E731
    jt = cr.jacfwd(tall)
    cs = [H.Contender(HAND, lambda: a * (1 - np.tanh(a * s) ** 2)),
          H.Contender("chainrule jacfwd", lambda: jt(s))]
    _peers(tables, f"Jacobian {n}x1 of tanh(a x), scalar x (forward mode)", "jacobian_tall",
           cs, cs[0].fn(), args, [("jacfwd / hand", "chainrule jacfwd", TARGET_THIN)], [])
    wide = lambda v: cnp.sum(cnp.tanh(A @ v))  # noqa: E731
    jw = cr.jacrev(wide)
    cs = [H.Contender(HAND, lambda: (1 - np.tanh(A @ x) ** 2) @ A),
          H.Contender("chainrule jacrev", lambda: jw(x))]
    _peers(tables, f"Jacobian 1x{n} of sum(tanh(A @ x)) (reverse mode)", "jacobian_wide",
           cs, cs[0].fn(), args, [("jacrev / hand", "chainrule jacrev", TARGET_THIN)], [])

    # ---- Hessian n = 100 -----------------------------------------------------------------
    m = 100
    B = rng.standard_normal((m, m)) / np.sqrt(m)
    y = rng.standard_normal(m)

    def hand_hess() -> np.ndarray:
        t = np.tanh(B @ y)
        return B.T @ ((-2 * t * (1 - t * t))[:, None] * B)

    h = cr.hessian(lambda v: cnp.sum(cnp.tanh(B @ v)))
    cs = [H.Contender(HAND, hand_hess), H.Contender("chainrule hessian", lambda: h(y))]
    if ag is not None:
        import autograd.numpy as anp
        ha = ag.hessian(lambda v: anp.sum(anp.tanh(anp.dot(B, v))))
        cs.append(H.Contender("autograd hessian", lambda: ha(y)))
    if torch is not None:
        from torch.func import hessian as th
        Bt, yt = torch.from_numpy(B), torch.from_numpy(y)
        cs.append(H.Contender("torch.func hessian",
                              lambda: th(lambda v: torch.tanh(Bt @ v).sum())(yt).numpy()))
    _peers(tables, f"Hessian of sum(tanh(B @ x)), n = {m}, float64", "hessian", cs,
           hand_hess(), args, [("hessian / hand", "chainrule hessian", TARGET_FULL)],
           ["forward over reverse: jacfwd(jacrev(f)), each one batched pass"])
    return tables


def main(argv: list[str] | None = None) -> int:
    args = H.parse_args(__doc__.splitlines()[0], argv, rounds=ROUNDS, sample_ms=SAMPLE_MS)
    return H.report("jacobian", run(args), args)


if __name__ == "__main__":
    sys.exit(main())

"""A 784-256-256-10 ReLU MLP: value and gradient of the softmax cross-entropy.

Batch 256, biases on every layer, mean softmax cross-entropy from the logits with a stable
logsumexp; the gradient is taken with respect to all six parameters (W1, b1, W2, b2, W3,
b3), held in a dict. float32 and float64 are separate tables.

Here the matrix products dominate, so the time a library adds per operation matters
little; what counts is doing no more array work than a careful hand-written backward pass.

Contenders:

* numpy (hand-derived): the baseline. A forward pass that keeps what the backward pass
  needs and a backward pass that allocates nothing it need not (in-place updates of
  buffers it owns; the ReLU backward is ``g * (h > 0)``, done in place).
* chainrule: ``import chainrule.numpy as cnp``, ``cnp.maximum(h, 0)`` for the ReLU,
  ``chainrule.scipy.special.logsumexp``; ``chainrule.value_and_grad`` over the dict.
* autograd: ``autograd.numpy``, the same model (logsumexp written out: autograd's own
  needs SciPy).
* torch: CPU tensors made from the NumPy arrays without copying, ``torch.relu`` and
  ``torch.logsumexp``, ``backward()``.

Before timing, every contender's value and gradients are checked against the hand-derived
ones (``allclose``), so the benchmark cannot time a wrong computation.

Target (the issue): chainrule at most 1.10x the hand-derived NumPy, in both dtypes.

Run: ``python benchmarks/bench_mlp784.py [--rounds N] [--quick] [--markdown]``.
"""

from __future__ import annotations

import _harness as H  # first: pins BLAS to one thread before NumPy loads

# isort: split
import sys
from typing import Any

import numpy as np

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.scipy.special import logsumexp

SIZES = (784, 256, 256, 10)
BATCH = 256
BASELINE = "numpy (hand-derived)"
CHAINRULE = "chainrule"
TARGET = 1.10
TOLERANCE = {np.float32: dict(rtol=2e-4, atol=2e-6), np.float64: dict(rtol=1e-9, atol=1e-12)}

ROUNDS = 200  # default interleaved rounds
SAMPLE_MS = 5.0  # default sample length (one call)


def make_problem(dtype: Any, seed: int = 0) -> tuple[dict[str, np.ndarray], np.ndarray,
                                                     np.ndarray]:
    """He-initialised parameters, standard-normal inputs, one-hot labels, all in dtype."""
    rng = np.random.default_rng(seed)
    params = {}
    for i, (n_in, n_out) in enumerate(zip(SIZES[:-1], SIZES[1:], strict=True), start=1):
        params[f"W{i}"] = (rng.standard_normal((n_in, n_out)) * np.sqrt(2 / n_in)).astype(dtype)
        params[f"b{i}"] = (0.1 * rng.standard_normal(n_out)).astype(dtype)
    X = rng.standard_normal((BATCH, SIZES[0])).astype(dtype)
    Y = np.eye(SIZES[-1], dtype=dtype)[rng.integers(0, SIZES[-1], BATCH)]
    return params, X, Y


def hand_value_and_grad(p: dict[str, np.ndarray], X: np.ndarray, Y: np.ndarray):
    """Forward, keeping the activations; backward, reusing buffers this function owns."""
    B = X.shape[0]
    h1 = X @ p["W1"]
    h1 += p["b1"]
    np.maximum(h1, 0, out=h1)  # a1 = relu(h1), in place: a1 > 0 exactly where h1 > 0
    h2 = h1 @ p["W2"]
    h2 += p["b2"]
    np.maximum(h2, 0, out=h2)
    z = h2 @ p["W3"]
    z += p["b3"]
    # loss = mean(logsumexp(z) - <z, y>), with logsumexp stabilised by the row maximum
    m = z.max(axis=1, keepdims=True)
    e = z - m
    np.exp(e, out=e)
    s = e.sum(axis=1, keepdims=True)
    lse = np.log(s)
    lse += m
    loss = (lse.sum() - np.vdot(z, Y)) / B
    # dz = (softmax(z) - y) / B
    e /= s
    e -= Y
    e *= 1 / B
    dz = e
    g = {"W3": h2.T @ dz, "b3": dz.sum(axis=0)}
    da = dz @ p["W3"].T
    da *= h2 > 0  # relu backward: g * (h > 0)
    g["W2"] = h1.T @ da
    g["b2"] = da.sum(axis=0)
    da1 = da @ p["W2"].T
    da1 *= h1 > 0
    g["W1"] = X.T @ da1
    g["b1"] = da1.sum(axis=0)
    return loss, g


def chainrule_loss(p, X, Y):
    a1 = cnp.maximum(X @ p["W1"] + p["b1"], 0)
    a2 = cnp.maximum(a1 @ p["W2"] + p["b2"], 0)
    z = a2 @ p["W3"] + p["b3"]
    return cnp.mean(logsumexp(z, axis=1) - cnp.sum(z * Y, axis=1))


def contenders(args: Any, dtype: Any) -> list[H.Contender]:
    params, X, Y = make_problem(dtype)
    out = [H.Contender(BASELINE, lambda: hand_value_and_grad(params, X, Y))]
    vg = cr.value_and_grad(chainrule_loss)
    out.append(H.Contender(CHAINRULE, lambda: vg(params, X, Y)))

    autograd = None if args.no_autograd else H.optional("autograd")
    if autograd is not None:
        import autograd.numpy as anp

        def autograd_loss(p, X, Y):
            a1 = anp.maximum(anp.dot(X, p["W1"]) + p["b1"], 0)
            a2 = anp.maximum(anp.dot(a1, p["W2"]) + p["b2"], 0)
            z = anp.dot(a2, p["W3"]) + p["b3"]
            m = anp.max(z, axis=1, keepdims=True)
            lse = anp.log(anp.sum(anp.exp(z - m), axis=1)) + m[:, 0]
            return anp.mean(lse - anp.sum(z * Y, axis=1))

        vg_ag = autograd.value_and_grad(autograd_loss)
        out.append(H.Contender("autograd", lambda: vg_ag(params, X, Y)))

    torch = None if args.no_torch else H.optional("torch")
    if torch is not None:
        Xt, Yt = torch.from_numpy(X), torch.from_numpy(Y)

        def torch_vg():
            pt = {k: torch.from_numpy(v).requires_grad_(True) for k, v in params.items()}
            a1 = torch.relu(Xt @ pt["W1"] + pt["b1"])
            a2 = torch.relu(a1 @ pt["W2"] + pt["b2"])
            z = a2 @ pt["W3"] + pt["b3"]
            loss = torch.mean(torch.logsumexp(z, dim=1) - torch.sum(z * Yt, dim=1))
            loss.backward()
            return loss.item(), {k: t.grad.numpy() for k, t in pt.items()}

        out.append(H.Contender("torch (CPU, eager)", torch_vg))
    return out


def run_dtype(args: Any, dtype: Any) -> H.Table:
    name = np.dtype(dtype).name
    cs = contenders(args, dtype)
    want = cs[0].fn()
    for c in cs[1:]:
        H.assert_close(f"{c.name} ({name})", c.fn(), want, **TOLERANCE[dtype])
    stats = H.measure(cs, BASELINE, rounds=args.rounds, sample_s=args.sample_ms / 1e3,
                      warmup_s=args.warmup_s)
    targets = [H.Target(f"chainrule / hand-derived NumPy ({name})", stats[CHAINRULE].ratio,
                        TARGET)]
    notes = ["Gradients w.r.t. W1, b1, W2, b2, W3, b3 (a dict); every contender's value and "
             "gradients were checked against the hand-derived ones before timing.",
             "faults/call: minor page faults per call (median), i.e. freshly mapped memory; "
             "they depend on the allocator's heap state and make a visible share of the "
             "time when they occur (see README)."]
    extra = [("faults/call", lambda s: f"{s.faults:.0f}")]
    return H.stats_table(
        f"mlp784_{name}", f"784-256-256-10 ReLU MLP, batch {BATCH}, softmax cross-entropy, "
        f"{name}: value and gradient", stats, BASELINE, extra, notes=notes, targets=targets)


def run(args: Any) -> list[H.Table]:
    return [run_dtype(args, np.float32), run_dtype(args, np.float64)]


def main(argv: list[str] | None = None) -> int:
    args = H.parse_args(__doc__.splitlines()[0], argv, rounds=ROUNDS, sample_ms=SAMPLE_MS)
    return H.report("mlp784", run(args), args)


if __name__ == "__main__":
    sys.exit(main())

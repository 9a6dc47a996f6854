"""Weight-space symmetries: different parameters, the same function.

Given one optimum there are many equivalent ones (the lecture's "exponentially many
optima"). For the hidden layer ``l`` between weights ``W_l`` (its units are the columns, the
output axis) and ``W_{l+1}`` (its units are the rows):

* :func:`permute_hidden` — reorder the units: columns of ``W_l`` (and ``b_l``) and rows of
  ``W_{l+1}`` by the same permutation (M! copies per layer of M units);
* :func:`negate_hidden` — for an odd activation (tanh, identity): ``h(-q) = -h(q)``, so
  negating a unit's incoming and outgoing weights changes nothing. The logistic is not odd:
  ``σ(-q) = 1 - σ(q)``, so the negated unit contributes ``-w(1 - σ(q)) = w σ(q) - w``; the
  next layer's bias must absorb ``+w`` (``b_{l+1} += W_{l+1}[u, :]``). That is done where
  the next layer has a bias, and refused (a ``ValueError``) where it has none, e.g. the
  lecture's model: its bias is an input column, which cannot absorb a shift of the logits;
* :func:`rescale_hidden` — for a positively homogeneous activation (ReLU, leaky ReLU):
  ``relu(c q) = c relu(q)`` for ``c > 0``, so scaling a unit's incoming weights (and bias)
  by ``c`` and its outgoing ones by ``1/c`` changes nothing.

Layouts: the lecture's dict ``{"V": D × M, "W": M × C}`` (hidden layer 0 between V and W),
a list ``[W_0, W_1, ...]`` of weight matrices for deeper nets (``x @ W_0``, ...), and
``chainrule.nn.MLP`` parameters (``{"0": {"W", "b"}, "1": {..., "k": {"W", "b"}}, ...}``).
Batch-norm layers and skip connections are refused: a residual stream ties the units of
several layers together, and the running statistics (in the model *state*) would have to
move as well. The input is never modified; the result is a new pytree.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["permute_hidden", "negate_hidden", "rescale_hidden", "split_units", "hidden_sizes"]

ODD = ("tanh", "identity")
SHIFTED = ("logistic", "sigmoid")


def _copy(tree: Any) -> Any:
    if isinstance(tree, dict):
        return {k: _copy(v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(_copy(v) for v in tree)
    return np.array(tree, copy=True)


def _slots(params: Any, who: str, model: Any = None) -> tuple[Any, list[tuple[Any, Any, Any]]]:
    """A copy of ``params`` and its linear layers in order, as (container, weight key,
    bias key or None) into the copy."""
    if model is not None:
        from chainrule import nn
        if any(isinstance(m, nn.Residual) for m in getattr(model, "layers", [])):
            raise ValueError(f"{who}: the model has skip connections (nn.Residual); a residual "
                             "stream ties the units of several layers, which this function "
                             "does not move together. Use a model without residual=True.")
    out = _copy(params)
    if isinstance(out, dict) and set(out) == {"V", "W"}:
        return out, [(out, "V", None), (out, "W", None)]
    if isinstance(out, list) and all(isinstance(w, np.ndarray) and w.ndim == 2 for w in out):
        return out, [(out, i, None) for i in range(len(out))]
    if isinstance(out, dict) and all(isinstance(k, str) and k.isdigit() for k in out):
        slots: list[tuple[Any, Any, Any]] = []
        for k in sorted(out, key=int):
            block = out[k]
            if "W" in block:
                slots.append((block, "W", "b" if "b" in block else None))
                continue
            for kk in sorted(block, key=int):
                sub = block[kk]
                if "gamma" in sub:
                    raise ValueError(f"{who}: the parameters contain batch normalization "
                                     f"(block {k!r}); its running statistics live in the "
                                     "model state, which would have to move too. Use a model "
                                     "with batchnorm=False.")
                if "W" in sub:
                    slots.append((sub, "W", "b" if "b" in sub else None))
        if slots:
            return out, slots
    raise TypeError(f"{who}: params must be the lecture's {{'V': D x M, 'W': M x C}}, a list "
                    "of 2-D weight matrices, or chainrule.nn.MLP parameters; got a "
                    f"{type(params).__name__}.")


def _layer(slots: list, layer: int, who: str) -> tuple[Any, Any]:
    if not isinstance(layer, (int, np.integer)) or not 0 <= layer < len(slots) - 1:
        raise ValueError(f"{who}: layer must be a hidden layer 0 … {len(slots) - 2} (hidden "
                         f"layer l sits between weight l and weight l+1), got {layer!r}.")
    return slots[layer], slots[layer + 1]


def _units(units: Any, m: int, who: str) -> np.ndarray:
    u = np.atleast_1d(np.asarray(units))
    if u.dtype.kind not in "iu" or u.ndim != 1 or np.any(u < 0) or np.any(u >= m) or (
            np.unique(u).size != u.size):
        raise ValueError(f"{who}: units must be distinct indices in 0 … {m - 1}, got "
                         f"{units!r}.")
    return u


def hidden_sizes(params: Any) -> list[int]:
    """The number of units of each hidden layer."""
    _, slots = _slots(params, "hidden_sizes")
    return [int(c[w].shape[-1]) for c, w, _ in slots[:-1]]


def permute_hidden(params: Any, layer: int, perm: Any, *, model: Any = None) -> Any:
    """The parameters with the units of hidden ``layer`` reordered: new unit ``j`` is old
    unit ``perm[j]``. The network computes the same function."""
    out, slots = _slots(params, "permute_hidden", model)
    (c0, w0, b0), (c1, w1, _) = _layer(slots, layer, "permute_hidden")
    m = c0[w0].shape[-1]
    p = np.asarray(perm)
    if p.shape != (m,) or not np.array_equal(np.sort(p), np.arange(m)):
        raise ValueError(f"permute_hidden: perm must be a permutation of 0 … {m - 1} (layer "
                         f"{layer} has {m} units), got {perm!r}.")
    c0[w0] = c0[w0][..., p]
    if b0 is not None:
        c0[b0] = c0[b0][..., p]
    c1[w1] = c1[w1][p, :]
    return out


def negate_hidden(params: Any, layer: int, units: Any, *, activation: str = "tanh",
                  model: Any = None) -> Any:
    """The parameters with ``units`` of hidden ``layer`` negated (incoming and outgoing
    weights, and the unit's bias). Exact for odd activations (``"tanh"``, ``"identity"``);
    for ``"logistic"`` the next layer's bias is shifted by the outgoing weights (σ(-q) =
    1 - σ(q)), and a layer without a bias is an error."""
    out, slots = _slots(params, "negate_hidden", model)
    (c0, w0, b0), (c1, w1, b1) = _layer(slots, layer, "negate_hidden")
    u = _units(units, c0[w0].shape[-1], "negate_hidden")
    if activation not in ODD + SHIFTED:
        raise ValueError(f"negate_hidden: activation {activation!r} is not odd; negation is "
                         f"exact for {ODD} and, with an output-bias shift, for the logistic. "
                         "For ReLU use rescale_hidden (positive c only).")
    if activation in SHIFTED:
        if b1 is None:
            raise ValueError("negate_hidden: with the logistic, σ(-q) = 1 - σ(q), so negating "
                             "a unit shifts the next layer's input by its outgoing weights; "
                             f"layer {layer + 1} has no bias to absorb that shift (the "
                             "lecture's layout has none), so no exact negation exists here. "
                             "Use tanh, or a model with biases.")
        c1[b1] = c1[b1] + c1[w1][u, :].sum(axis=0)
    c0[w0][..., u] *= -1
    if b0 is not None:
        c0[b0][..., u] *= -1
    c1[w1][u, :] *= -1
    return out


def rescale_hidden(params: Any, layer: int, units: Any, c: Any, *, model: Any = None) -> Any:
    """The parameters with ``units`` of hidden ``layer`` rescaled: incoming weights and bias
    × c, outgoing weights ÷ c (``c > 0``, a number or one per unit). Exact for positively
    homogeneous activations (ReLU, leaky ReLU, identity): relu(c q) = c relu(q)."""
    out, slots = _slots(params, "rescale_hidden", model)
    (c0, w0, b0), (c1, w1, _) = _layer(slots, layer, "rescale_hidden")
    u = _units(units, c0[w0].shape[-1], "rescale_hidden")
    s = np.broadcast_to(np.asarray(c, dtype=np.float64), u.shape)
    if not np.all(s > 0):
        raise ValueError(f"rescale_hidden: c must be positive (relu(c q) = c relu(q) holds for "
                         f"c > 0 only), got {c!r}.")
    c0[w0][..., u] *= s
    if b0 is not None:
        c0[b0][..., u] *= s
    c1[w1][u, :] /= s[:, None]
    return out


def split_units(params: Any, layer: int, copies: int, *, model: Any = None) -> Any:
    """Each unit of hidden ``layer`` replaced by ``copies`` identical units, each with
    ``1/copies`` of its outgoing weights: the same function with ``copies`` × as many units.

    The new point is fixed by every permutation within a group of copies. The gradient of
    a group's copies is then the same for all of them (and 1/copies of the original unit's
    gradient for the incoming weights), so a critical point of the small network becomes a
    critical point of the large one — typically a saddle, since pulling the copies apart
    lowers the loss (the lecture's "break the symmetry of hidden units")."""
    if not isinstance(copies, (int, np.integer)) or copies < 1:
        raise ValueError(f"split_units: copies must be a positive int, got {copies!r}.")
    out, slots = _slots(params, "split_units", model)
    (c0, w0, b0), (c1, w1, _) = _layer(slots, layer, "split_units")
    c0[w0] = np.repeat(c0[w0], copies, axis=-1)
    if b0 is not None:
        c0[b0] = np.repeat(c0[b0], copies, axis=-1)
    c1[w1] = np.repeat(c1[w1], copies, axis=0) / copies
    return out

"""Optimisers on any parameter pytree: the lecture's gradient descent and what came after it.

Functional, like the rest of chainrule (optax style)::

    opt = optim.Adam(1e-3)
    opt_state = opt.init(params)
    params, opt_state = opt.update(params, grads, opt_state)

``params`` and ``grads`` are pytrees of the same structure (what ``cr.grad`` returns for a
pytree argument). ``update`` never modifies its arguments: it returns new parameter arrays
and a new state. The optimiser state is a dict of arrays (the step count and one pytree per
slot, shaped like ``params``), so it can be saved with :func:`chainrule.train.save_checkpoint`.

HIPS autograd's drivers are here too, with autograd's signatures and arithmetic, so that
``from autograd.misc.optimizers import adam`` becomes ``from chainrule.optim import adam``:
:func:`adam`, :func:`sgd` and :func:`rmsprop` take ``gradient(x, i)``, a starting pytree
``x0``, an optional ``callback(x, i, g)`` and ``num_iters``, and return the final ``x``.

Every optimiser class takes

* ``lr``: a number or a *schedule*, a function ``step -> learning rate`` where ``step`` counts
  the updates made before this one (the first update uses ``schedule(0)``, as in optax);
* ``mask``: a pytree of booleans shaped like ``params`` (or a prefix of it: one boolean for a
  whole subtree, e.g. ``{"encoder": False, "head": True}``); ``False`` freezes a parameter,
  which then comes back as the very same array, bit for bit. :func:`freeze` and
  :func:`trainable` build masks from paths;
* ``clip_norm``: if given, the gradients of the trainable parameters are first rescaled so
  their global norm is at most ``clip_norm`` (:func:`clip_by_global_norm`).

The update rules follow PyTorch's documented algorithms (``torch.optim``); each class says
which convention it uses where conventions differ. The arithmetic is written with NumPy
operators and ufuncs, so an update can itself be differentiated (e.g. with respect to the
parameters, MAML style) when the arrays are chainrule tracers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .core import Tracer
from .core import tree as _tree

__all__ = [
    "Optimizer", "GD", "SGD", "Momentum", "Nesterov", "Adam", "AdamW", "RMSProp",
    "global_norm", "clip_by_global_norm", "freeze", "trainable",
    "constant", "step_decay", "exponential_decay", "cosine_decay", "warmup",
    "sgd", "rmsprop", "adam",
]

Schedule = Callable[[int], float]


# ---- norms and clipping ---------------------------------------------------------------------

def _sum_squares(leaves: Sequence[Any]) -> Any:
    total: Any = 0.0
    for g in leaves:
        if g is None:
            continue
        total = total + np.sum(g * g)
    return total


def global_norm(tree: Any) -> float:
    """The Euclidean norm of all leaves of ``tree`` together: ``sqrt(sum_i ||leaf_i||^2)``."""
    total = 0.0
    for g in _tree.leaves(tree):
        if g is None:
            continue
        if type(g) is np.ndarray and g.dtype.kind == "f":
            flat = g.ravel()
            total += float(flat @ flat)
        else:
            total += float(np.sum(np.square(np.abs(g))))
    return math.sqrt(total)


def _clip_leaves(leaves: list, max_norm: float) -> list:
    norm = np.sqrt(_sum_squares(leaves))
    if norm > max_norm:  # a plain bool, also for tracers
        scale = max_norm / norm
        return [g if g is None else g * scale for g in leaves]
    return leaves


def clip_by_global_norm(grads: Any, max_norm: float) -> Any:
    """Rescale ``grads`` so their global norm is at most ``max_norm``.

    ``g <- g * max_norm / ||g||`` when ``||g|| > max_norm``, unchanged otherwise (optax's
    ``clip_by_global_norm``; PyTorch's ``clip_grad_norm_`` adds 1e-6 to the norm, we do not, so
    a clipped gradient has norm ``max_norm`` exactly, up to rounding).
    """
    if not max_norm > 0:
        raise ValueError(f"clip_by_global_norm: max_norm must be positive, got {max_norm!r}.")
    leaves, td = _tree.flatten(grads)
    return _tree.unflatten(td, _clip_leaves(leaves, max_norm))


# ---- masks -----------------------------------------------------------------------------------

def _is_bool(m: Any) -> bool:
    return isinstance(m, (bool, np.bool_)) or (
        isinstance(m, np.ndarray) and m.shape == () and m.dtype == np.bool_)


def _expand_mask(mask: Any, params: Any, where: str, out: list) -> None:
    """Append one bool per leaf of ``params`` (in flatten order) as ``mask`` prescribes."""
    if _is_bool(mask):
        out.extend([bool(mask)] * len(_tree.leaves(params)))
        return
    tp = type(params)
    if tp is dict:
        if type(mask) is not dict or set(mask) != set(params):
            have = sorted(map(str, mask)) if type(mask) is dict else type(mask).__name__
            raise ValueError(
                f"mask{where}: expected a bool or a dict with the keys "
                f"{sorted(map(str, params))} (the parameters' keys), got {have}. A mask has "
                "the structure of the parameters, or a bool for a whole subtree.")
        for k in params:
            _expand_mask(mask[k], params[k], f"{where}[{k!r}]", out)
        return
    if tp in (list, tuple):
        if type(mask) not in (list, tuple) or len(mask) != len(params):
            raise ValueError(
                f"mask{where}: expected a bool or a {tp.__name__} of length {len(params)} "
                f"like the parameters, got {type(mask).__name__}.")
        for i, (m, p) in enumerate(zip(mask, params)):
            _expand_mask(m, p, f"{where}[{i}]", out)
        return
    if params is None:
        return
    m_leaves, m_td = _tree.flatten(mask)
    p_leaves, p_td = _tree.flatten(params)
    if m_td != p_td or not all(_is_bool(m) for m in m_leaves):
        raise ValueError(
            f"mask{where}: expected a bool or a pytree of bools with the parameters' "
            f"structure, got {type(mask).__name__}.")
    out.extend(bool(m) for m in m_leaves)


def _split_path(path: Any) -> tuple:
    """A path into a pytree: ``"encoder/0/W"``, ``("encoder", 0, "W")`` or a single key."""
    if isinstance(path, str):
        return tuple(p for p in path.split("/") if p != "")
    if isinstance(path, (tuple, list)):
        return tuple(path)
    return (path,)


def _child(node: Any, key: Any, path: tuple) -> Any:
    if type(node) is dict:
        if key in node:
            return node[key]
        if isinstance(key, str) and key.lstrip("-").isdigit() and int(key) in node:
            return node[int(key)]
        raise KeyError(f"path {'/'.join(map(str, path))!r}: no key {key!r} here; the keys "
                       f"are {list(node)}.")
    if isinstance(node, (list, tuple)):
        try:
            return node[int(key)]
        except (ValueError, IndexError):
            raise KeyError(f"path {'/'.join(map(str, path))!r}: {key!r} is not an index "
                           f"of this {type(node).__name__} of length {len(node)}.") from None
    raise KeyError(f"path {'/'.join(map(str, path))!r}: cannot step into "
                   f"a {type(node).__name__} with {key!r}.")


def _get_path(tree: Any, path: Any) -> Any:
    parts = _split_path(path)
    node = tree
    for key in parts:
        node = _child(node, key, parts)
    return node


def _set_path(tree: Any, path: Any, value: Any) -> Any:
    """A copy of ``tree`` (containers only; leaves shared) with the subtree at ``path``
    replaced by ``value``."""
    parts = _split_path(path)

    def go(node: Any, i: int) -> Any:
        if i == len(parts):
            return value
        child = _child(node, parts[i], parts)
        new = go(child, i + 1)
        if type(node) is dict:
            key = parts[i] if parts[i] in node else int(parts[i])
            return {k: (new if k == key else v) for k, v in node.items()}
        items = list(node)
        items[int(parts[i])] = new
        return type(node)(items) if type(node) in (list, tuple) else type(node)(*items)

    return go(tree, 0)


def _mask_tree(params: Any, default: bool, paths: tuple) -> Any:
    mask = _tree.tree_map(lambda _: default, params)
    for path in paths:
        sub = _get_path(params, path)
        mask = _set_path(mask, path, _tree.tree_map(lambda _: not default, sub))
    return mask


def freeze(params: Any, *paths: Any) -> Any:
    """A mask that freezes the subtrees at ``paths`` and trains everything else.

    A path is ``"encoder/0"``, ``("encoder", 0)`` or a single key: ``freeze(params, "body")``.
    """
    return _mask_tree(params, True, paths)


def trainable(params: Any, *paths: Any) -> Any:
    """A mask that trains only the subtrees at ``paths`` (fine-tuning a head)."""
    return _mask_tree(params, False, paths)


# ---- schedules -------------------------------------------------------------------------------

def constant(lr: float) -> Schedule:
    """``lr`` at every step."""
    def schedule(step: int) -> float:
        return lr
    schedule.__qualname__ = f"constant({lr})"
    return schedule


def step_decay(lr: float, step_size: int, gamma: float = 0.1) -> Schedule:
    """``lr * gamma ** (step // step_size)`` (PyTorch's ``StepLR``, counted in updates)."""
    if step_size < 1:
        raise ValueError(f"step_decay: step_size must be at least 1, got {step_size}.")

    def schedule(step: int) -> float:
        return lr * gamma ** (int(step) // step_size)
    return schedule


def exponential_decay(lr: float, rate: float) -> Schedule:
    """``lr * rate ** step`` (PyTorch's ``ExponentialLR`` with ``gamma = rate``)."""
    def schedule(step: int) -> float:
        return lr * rate ** int(step)
    return schedule


def cosine_decay(lr: float, total_steps: int, final: float = 0.0) -> Schedule:
    """Cosine annealing from ``lr`` to ``final`` over ``total_steps``, then ``final``:
    ``final + (lr - final) * (1 + cos(pi * min(step, T) / T)) / 2`` (Loshchilov & Hutter's
    SGDR without restarts; PyTorch's ``CosineAnnealingLR`` with ``T_max = T``)."""
    if total_steps < 1:
        raise ValueError(f"cosine_decay: total_steps must be at least 1, got {total_steps}.")

    def schedule(step: int) -> float:
        s = min(int(step), total_steps)
        return final + (lr - final) * 0.5 * (1.0 + math.cos(math.pi * s / total_steps))
    return schedule


def warmup(schedule_or_lr: float | Schedule, steps: int) -> Schedule:
    """Linear warm-up over ``steps`` updates, then the wrapped schedule.

    For ``step < steps`` the rate is ``base(0) * (step + 1) / steps`` (so the first update is
    already non-zero and update ``steps - 1`` uses the full ``base(0)``); afterwards it is
    ``base(step - steps)``: the wrapped schedule starts when the warm-up ends.
    """
    base = schedule_or_lr if callable(schedule_or_lr) else constant(schedule_or_lr)
    if steps < 0:
        raise ValueError(f"warmup: steps must be non-negative, got {steps}.")

    def schedule(step: int) -> float:
        step = int(step)
        if step < steps:
            return base(0) * (step + 1) / steps
        return base(step - steps)
    return schedule


# ---- the optimisers ---------------------------------------------------------------------------

def _scalar(x: Any) -> Any:
    """A learning rate as a Python float (NumPy scalars would promote float32 parameters)."""
    if isinstance(x, Tracer):
        return x
    return float(x)


class Optimizer:
    """Base class: structure checks, masks, clipping, the step count and the schedule.

    Subclasses set ``slots`` (names of per-parameter state trees, initialised to zeros) and
    implement ``_step(p, g, slots, lr, t) -> (new_p, new_slots)`` for one leaf, where ``t`` is
    the 1-based number of this update and ``slots`` a tuple of arrays in ``slots`` order.
    """

    slots: tuple[str, ...] = ()

    def __init__(self, lr: float | Schedule, *, mask: Any = None,
                 clip_norm: float | None = None) -> None:
        if not callable(lr) and not (isinstance(lr, Tracer) or lr >= 0):
            raise ValueError(f"{type(self).__name__}: the learning rate must be non-negative, "
                             f"got {lr!r}.")
        if clip_norm is not None and not clip_norm > 0:
            raise ValueError(f"{type(self).__name__}: clip_norm must be positive or None, "
                             f"got {clip_norm!r}.")
        self.lr = lr
        self.mask = mask
        self.clip_norm = clip_norm

    # the learning rate of update number ``step`` (0-based)
    def learning_rate(self, step: int) -> Any:
        return _scalar(self.lr(step) if callable(self.lr) else self.lr)

    def init(self, params: Any) -> dict:
        """The initial state: ``{"step": 0, slot: zeros like params, ...}``."""
        state: dict[str, Any] = {"step": np.zeros((), np.int64)}
        for name in self.slots:
            state[name] = _tree.tree_map(_zeros_like, params)
        return state

    def _mask_leaves(self, params: Any, n: int) -> list[bool]:
        if self.mask is None:
            return [True] * n
        out: list[bool] = []
        _expand_mask(self.mask, params, "", out)
        return out

    def update(self, params: Any, grads: Any, state: dict) -> tuple[Any, dict]:
        """One step: returns ``(new_params, new_state)``; the arguments are left unchanged."""
        name = type(self).__name__
        p_leaves, p_td = _tree.flatten(params)
        g_leaves, g_td = _tree.flatten(grads)
        if g_td != p_td:
            raise ValueError(
                f"{name}.update: grads and params have different structures; pass the "
                "gradient of the loss with respect to exactly these params "
                "(cr.grad(loss)(params, ...)).")
        if not isinstance(state, dict) or "step" not in state or any(
                s not in state for s in self.slots):
            raise ValueError(f"{name}.update: state must come from {name}.init(params) "
                             f"(a dict with keys {['step', *self.slots]}).")
        slot_leaves = []
        for s in self.slots:
            leaves, td = _tree.flatten(state[s])
            if td != p_td:
                raise ValueError(f"{name}.update: state[{s!r}] does not have the params' "
                                 f"structure; was the state made by init for other params?")
            slot_leaves.append(leaves)
        keep = self._mask_leaves(params, len(p_leaves))
        for p, g in zip(p_leaves, g_leaves):
            if g is not None and np.shape(g) != np.shape(p):
                raise ValueError(f"{name}.update: a gradient of shape {np.shape(g)} for a "
                                 f"parameter of shape {np.shape(p)}.")
        if self.clip_norm is not None:
            live = [g if k else None for g, k in zip(g_leaves, keep)]
            clipped = _clip_leaves(live, self.clip_norm)
            g_leaves = [c if k else g for g, c, k in zip(g_leaves, clipped, keep)]
        step = int(state["step"])
        lr = self.learning_rate(step)
        new_p = list(p_leaves)
        new_slots = [list(ls) for ls in slot_leaves]
        for i, (p, g) in enumerate(zip(p_leaves, g_leaves)):
            if not keep[i] or g is None:
                continue
            p2, s2 = self._step(p, g, tuple(ls[i] for ls in slot_leaves), lr, step + 1)
            new_p[i] = p2
            for j, s in enumerate(s2):
                new_slots[j][i] = s
        new_state: dict[str, Any] = {"step": np.asarray(step + 1, np.int64)}
        for s, ls in zip(self.slots, new_slots):
            new_state[s] = _tree.unflatten(p_td, ls)
        return _tree.unflatten(p_td, new_p), new_state

    def _step(self, p: Any, g: Any, slots: tuple, lr: Any, t: int) -> tuple[Any, tuple]:
        raise NotImplementedError

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items()
                           if v is not None and k not in ("mask", "slots"))
        return f"{type(self).__name__}({fields})"


def _zeros_like(p: Any) -> np.ndarray:
    if isinstance(p, Tracer):
        return np.zeros(p.shape, p.dtype)
    p = np.asarray(p)
    return np.zeros(p.shape, p.dtype if p.dtype.kind in "fc" else np.float64)


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (PyTorch's ``torch.optim.SGD``).

    With learning rate γ, momentum μ, dampening τ, weight decay λ, for t = 1, 2, ...::

        g_t <- g_t + λ θ_{t-1}                      (if λ != 0: L2 penalty, coupled)
        b_t <- g_t                                  (t = 1)
        b_t <- μ b_{t-1} + (1 - τ) g_t              (t > 1)
        g_t <- g_t + μ b_t  if nesterov  else  b_t  (if μ != 0)
        θ_t <- θ_{t-1} - γ g_t

    This is PyTorch's form (the velocity accumulates gradients, the learning rate multiplies
    it), not Sutskever et al.'s ``v <- μ v + γ g``; the two agree for a constant γ. Use it
    with minibatches (:func:`chainrule.data.minibatches`); :class:`GD` is the same rule fed the
    whole training set.
    """

    def __init__(self, lr: float | Schedule, momentum: float = 0.0, dampening: float = 0.0,
                 nesterov: bool = False, weight_decay: float = 0.0, *, mask: Any = None,
                 clip_norm: float | None = None) -> None:
        super().__init__(lr, mask=mask, clip_norm=clip_norm)
        if momentum < 0 or weight_decay < 0:
            raise ValueError(f"{type(self).__name__}: momentum and weight_decay must be "
                             f"non-negative, got {momentum!r} and {weight_decay!r}.")
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError(f"{type(self).__name__}: Nesterov momentum needs momentum > 0 "
                             "and dampening = 0 (as in PyTorch).")
        self.momentum = momentum
        self.dampening = dampening
        self.nesterov = nesterov
        self.weight_decay = weight_decay
        self.slots = ("momentum",) if momentum != 0 else ()

    def _step(self, p: Any, g: Any, slots: tuple, lr: Any, t: int) -> tuple[Any, tuple]:
        if self.weight_decay:
            g = g + self.weight_decay * p
        if not self.momentum:
            return p - lr * g, ()
        (b,) = slots
        b = g if t == 1 else self.momentum * b + (1.0 - self.dampening) * g
        d = g + self.momentum * b if self.nesterov else b
        return p - lr * d, (b,)


class GD(SGD):
    """Gradient descent, the lecture's loop: ``θ <- θ - lr * ∇f(θ)`` on the full batch.

    The lecture's ``GD(X, Y, M, lr=.1, eps=1e-9, max_iters=100000)`` is
    ``chainrule.train.fit(loss, params, GD(0.1), [(X, Y)], epochs=max_iters, grad_eps=eps)``.
    """

    def __init__(self, lr: float | Schedule = 0.1, *, weight_decay: float = 0.0,
                 mask: Any = None, clip_norm: float | None = None) -> None:
        super().__init__(lr, weight_decay=weight_decay, mask=mask, clip_norm=clip_norm)


class Momentum(SGD):
    """Heavy-ball momentum (Polyak), PyTorch's convention: ``b <- β b + g`` (``b_1 = g_1``),
    ``θ <- θ - lr b``. ``SGD(lr, momentum=beta)``."""

    def __init__(self, lr: float | Schedule, beta: float = 0.9, *, weight_decay: float = 0.0,
                 mask: Any = None, clip_norm: float | None = None) -> None:
        super().__init__(lr, momentum=beta, weight_decay=weight_decay, mask=mask,
                         clip_norm=clip_norm)


class Nesterov(SGD):
    """Nesterov momentum, PyTorch's form: ``b <- β b + g`` (``b_1 = g_1``),
    ``θ <- θ - lr (g + β b)``. ``SGD(lr, momentum=beta, nesterov=True)``."""

    def __init__(self, lr: float | Schedule, beta: float = 0.9, *, weight_decay: float = 0.0,
                 mask: Any = None, clip_norm: float | None = None) -> None:
        super().__init__(lr, momentum=beta, nesterov=True, weight_decay=weight_decay,
                         mask=mask, clip_norm=clip_norm)


class Adam(Optimizer):
    """Adam (Kingma & Ba, 2015), PyTorch's ``torch.optim.Adam`` (without amsgrad)::

        g_t <- g_t + λ θ_{t-1}                      (weight_decay λ != 0: coupled L2)
        m_t <- β1 m_{t-1} + (1 - β1) g_t
        v_t <- β2 v_{t-1} + (1 - β2) g_t²
        m̂_t <- m_t / (1 - β1^t),  v̂_t <- v_t / (1 - β2^t)       (bias correction)
        θ_t <- θ_{t-1} - γ m̂_t / (sqrt(v̂_t) + ε)                (ε outside the root)
    """

    slots = ("m", "v")

    def __init__(self, lr: float | Schedule = 1e-3, b1: float = 0.9, b2: float = 0.999,
                 eps: float = 1e-8, weight_decay: float = 0.0, *, mask: Any = None,
                 clip_norm: float | None = None) -> None:
        super().__init__(lr, mask=mask, clip_norm=clip_norm)
        if not (0 <= b1 < 1 and 0 <= b2 < 1):
            raise ValueError(f"{type(self).__name__}: b1 and b2 must lie in [0, 1), got "
                             f"{b1!r} and {b2!r}.")
        self.b1, self.b2, self.eps, self.weight_decay = b1, b2, eps, weight_decay

    def _moments(self, g: Any, slots: tuple, t: int) -> tuple[Any, Any, Any]:
        m, v = slots
        m = self.b1 * m + (1.0 - self.b1) * g
        v = self.b2 * v + (1.0 - self.b2) * (g * g)
        m_hat = m / (1.0 - self.b1 ** t)
        v_hat = v / (1.0 - self.b2 ** t)
        return m_hat / (np.sqrt(v_hat) + self.eps), m, v

    def _step(self, p: Any, g: Any, slots: tuple, lr: Any, t: int) -> tuple[Any, tuple]:
        if self.weight_decay:
            g = g + self.weight_decay * p
        d, m, v = self._moments(g, slots, t)
        return p - lr * d, (m, v)


class AdamW(Adam):
    """AdamW (Loshchilov & Hutter, 2019), PyTorch's ``torch.optim.AdamW``: the weight decay is
    decoupled from the gradient and scaled by the learning rate, applied before Adam's step::

        θ <- θ_{t-1} - γ λ θ_{t-1}
        θ_t <- θ - γ m̂_t / (sqrt(v̂_t) + ε)      (m, v from the raw gradient, as in Adam)

    Defaults as PyTorch: ``lr=1e-3, weight_decay=1e-2``.
    """

    def __init__(self, lr: float | Schedule = 1e-3, weight_decay: float = 1e-2,
                 b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8, *, mask: Any = None,
                 clip_norm: float | None = None) -> None:
        super().__init__(lr, b1=b1, b2=b2, eps=eps, mask=mask, clip_norm=clip_norm)
        self.weight_decay = weight_decay  # decoupled: used by _step below, not added to g

    def _step(self, p: Any, g: Any, slots: tuple, lr: Any, t: int) -> tuple[Any, tuple]:
        d, m, v = self._moments(g, slots, t)
        p = p * (1.0 - lr * self.weight_decay)
        return p - lr * d, (m, v)


class RMSProp(Optimizer):
    """RMSProp (Hinton's lecture 6e), PyTorch's ``torch.optim.RMSprop`` with ``alpha = rho``::

        g_t <- g_t + λ θ_{t-1}                      (weight_decay λ != 0)
        v_t <- ρ v_{t-1} + (1 - ρ) g_t²
        ṽ_t <- v_t - (ḡ_t)²  with  ḡ_t <- ρ ḡ_{t-1} + (1 - ρ) g_t   (centered only)
        b_t <- μ b_{t-1} + g_t / (sqrt(ṽ_t) + ε);  θ_t <- θ_{t-1} - γ b_t   (momentum μ > 0)
        θ_t <- θ_{t-1} - γ g_t / (sqrt(ṽ_t) + ε)                             (otherwise)

    ε is added after the square root (PyTorch; TensorFlow adds it inside). ``rho`` defaults
    to Hinton's (and Keras') 0.9; PyTorch's default ``alpha`` is 0.99.
    """

    def __init__(self, lr: float | Schedule = 1e-3, rho: float = 0.9, eps: float = 1e-8,
                 momentum: float = 0.0, centered: bool = False, weight_decay: float = 0.0, *,
                 mask: Any = None, clip_norm: float | None = None) -> None:
        super().__init__(lr, mask=mask, clip_norm=clip_norm)
        if not 0 <= rho < 1:
            raise ValueError(f"RMSProp: rho must lie in [0, 1), got {rho!r}.")
        self.rho, self.eps, self.momentum = rho, eps, momentum
        self.centered, self.weight_decay = centered, weight_decay
        self.slots = ("v",) + (("g_avg",) if centered else ()) + (
            ("momentum",) if momentum else ())

    def _step(self, p: Any, g: Any, slots: tuple, lr: Any, t: int) -> tuple[Any, tuple]:
        if self.weight_decay:
            g = g + self.weight_decay * p
        v, *rest = slots
        v = self.rho * v + (1.0 - self.rho) * (g * g)
        out = [v]
        v_tilde = v
        if self.centered:
            g_avg = self.rho * rest.pop(0) + (1.0 - self.rho) * g
            v_tilde = v - g_avg * g_avg
            out.append(g_avg)
        d = g / (np.sqrt(v_tilde) + self.eps)
        if self.momentum:
            d = self.momentum * rest.pop(0) + d
            out.append(d)
        return p - lr * d, tuple(out)


# ---- autograd's drivers: gradient(x, i), x0, callback(x, i, g), num_iters ------------------

def _start(x0: Any) -> Any:
    """``x0``'s leaves as floating arrays (autograd flattens them into one float vector)."""
    def leaf(x: Any) -> Any:
        if isinstance(x, Tracer):
            return x
        a = np.asarray(x)
        return a if a.dtype.kind == "f" else a.astype(np.float64)
    return _tree.tree_map(leaf, x0)


def _drive(name: str, gradient: Callable, x0: Any, callback: Callable | None,
           num_iters: int, init: Callable, step: Callable) -> Any:
    """The loop the three drivers share: per iteration ``g = gradient(x, i)``, then
    ``callback(x, i, g)``, then each leaf's update ``step(x, g, slots, i)``."""
    x = _start(x0)
    xs, td = _tree.flatten(x)
    slots = [init(leaf) for leaf in xs]
    for i in range(num_iters):
        g = gradient(x, i)
        gs, gtd = _tree.flatten(g)
        if gtd != td:
            raise TypeError(f"{name}: gradient(x, {i}) returned a pytree of structure {gtd}, "
                            f"but x has structure {td}; return the gradient of x (what "
                            "cr.grad(objective)(x, i) gives).")
        if callback:
            callback(x, i, g)
        out = [step(p, d, s, i) for p, d, s in zip(xs, gs, slots)]
        xs = [o[0] for o in out]
        slots = [o[1] for o in out]
        x = _tree.unflatten(td, xs)
    return x


def sgd(gradient: Callable, x0: Any, callback: Callable | None = None, num_iters: int = 200,
        step_size: float = 0.1, mass: float = 0.9) -> Any:
    """Gradient descent with momentum, autograd's ``misc.optimizers.sgd``::

        v_i = mass v_{i-1} - (1 - mass) g_i,  v_{-1} = 0;   x_{i+1} = x_i + step_size v_i

    ``gradient(x, i)`` returns the gradient at ``x`` on iteration ``i`` (a pytree shaped like
    ``x0``); ``callback(x, i, g)``, if given, runs before each update. Returns the last ``x``.
    (:class:`SGD` is the optax-style object with PyTorch's momentum convention.)
    """
    def step(x: Any, g: Any, v: Any, i: int) -> tuple[Any, Any]:
        v = mass * v - (1.0 - mass) * g
        return x + step_size * v, v
    return _drive("sgd", gradient, x0, callback, num_iters, _zeros_like, step)


def rmsprop(gradient: Callable, x0: Any, callback: Callable | None = None, num_iters: int = 100,
            step_size: float = 0.1, gamma: float = 0.9, eps: float = 10**-8) -> Any:
    """RMSProp, autograd's ``misc.optimizers.rmsprop`` (its running mean starts at 1)::

        s_i = gamma s_{i-1} + (1 - gamma) g_i²,  s_{-1} = 1
        x_{i+1} = x_i - step_size g_i / (√s_i + eps)

    Arguments as :func:`sgd`. (:class:`RMSProp` is the optax-style object; its mean starts at 0.)
    """
    def step(x: Any, g: Any, s: Any, i: int) -> tuple[Any, Any]:
        s = s * gamma + g**2 * (1 - gamma)
        return x - step_size * g / (np.sqrt(s) + eps), s
    return _drive("rmsprop", gradient, x0, callback, num_iters,
                  lambda p: _zeros_like(p) + 1.0, step)


def adam(gradient: Callable, x0: Any, callback: Callable | None = None, num_iters: int = 100,
         step_size: float = 0.001, b1: float = 0.9, b2: float = 0.999,
         eps: float = 10**-8) -> Any:
    """Adam (Kingma and Ba 2015), autograd's ``misc.optimizers.adam``::

        m_i = (1 - b1) g_i + b1 m_{i-1},  v_i = (1 - b2) g_i² + b2 v_{i-1}   (m, v start at 0)
        x_{i+1} = x_i - step_size m̂_i / (√v̂_i + eps),  m̂_i = m_i / (1 - b1^(i+1)),  v̂_i likewise

    Arguments as :func:`sgd`. (:class:`Adam` is the optax-style object, the same update.)
    """
    def step(x: Any, g: Any, mv: Any, i: int) -> tuple[Any, Any]:
        m, v = mv
        m = (1 - b1) * g + b1 * m
        v = (1 - b2) * (g**2) + b2 * v
        mhat = m / (1 - b1 ** (i + 1))
        vhat = v / (1 - b2 ** (i + 1))
        return x - step_size * mhat / (np.sqrt(vhat) + eps), (m, v)
    return _drive("adam", gradient, x0, callback, num_iters,
                  lambda p: (_zeros_like(p), _zeros_like(p)), step)

"""Initialisers: ``init(rng, shape, dtype=np.float64) -> array``.

Our weight layout is ``(in, out)`` (``y = x @ W``), the transpose of PyTorch's
``(out, in)``, so the fans are read the other way round:

* shape ``(in, out)``: ``fan_in = in``, ``fan_out = out``;
* shape ``(n,)`` (a bias or a BatchNorm scale): ``fan_in = fan_out = n``;
* shape ``(k1, ..., in, out)``: both fans multiplied by the receptive field ``k1 ⋯``;
* shape ``()``: ``fan_in = fan_out = 1``.

Every name here is a *factory*: ``he_normal(gain=1.0)`` returns an initialiser. Called
directly with a generator first, it is that initialiser with its defaults, so
``Linear(3, 4, weight_init=nn.init.he_normal)`` and ``weight_init=nn.init.he_normal()`` are the
same thing, and ``nn.init.zeros(rng, (3,))`` is an array.

An initialiser also accepts ``fan_in=``/``fan_out=`` keywords that override the fans read from
the shape: :class:`~chainrule.nn.Linear` passes the layer's fans to its bias initialiser, so
``bias_init=torch_linear_default`` draws from U(-1/√in, 1/√in) as PyTorch does (the shape
``(out,)`` alone does not know ``in``).

The lecture's advice: small random values (uniform or Gaussian) to break the symmetry of the
hidden units, and small positive biases for ReLU units (:func:`small_positive`).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["Initializer", "fans", "calculate_gain", "normal", "uniform", "xavier_normal",
           "xavier_uniform", "glorot_normal", "glorot_uniform", "he_normal", "he_uniform",
           "kaiming_normal", "kaiming_uniform", "torch_linear_default", "constant", "zeros",
           "ones", "small_positive"]


def fans(shape: tuple[int, ...]) -> tuple[int, int]:
    """``(fan_in, fan_out)`` of a weight of our ``(in, out)`` layout (see the module doc)."""
    shape = tuple(int(n) for n in shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return shape[-2] * receptive, shape[-1] * receptive


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for an activation (PyTorch's ``calculate_gain`` values).

    identity/linear/logistic (sigmoid): 1; tanh: 5/3; relu: √2;
    leaky_relu with negative slope a (default 0.01): √(2 / (1 + a²)); selu: 3/4.
    """
    name = nonlinearity.lower()
    if name in ("identity", "linear", "logistic", "sigmoid"):
        return 1.0
    if name == "tanh":
        return 5.0 / 3.0
    if name == "relu":
        return math.sqrt(2.0)
    if name == "leaky_relu":
        a = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1.0 + a * a))
    if name == "selu":
        return 0.75
    raise ValueError(f"calculate_gain: unknown nonlinearity {nonlinearity!r}; use one of "
                     "'identity', 'logistic', 'tanh', 'relu', 'leaky_relu', 'selu'.")


def _as_rng(rng: Any) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or isinstance(rng, (int, np.integer)):
        return np.random.default_rng(rng)
    raise TypeError(f"initialiser: rng must be a numpy.random.Generator (or an int seed), "
                    f"got {type(rng).__name__}; use np.random.default_rng(seed).")


class Initializer:
    """An initialiser: ``init(rng, shape, dtype=np.float64, *, fan_in=None, fan_out=None)``.

    ``draw(rng, shape, fan_in, fan_out)`` returns float64 values; the result is cast to
    ``dtype``. ``name`` and ``params`` make the repr readable.
    """

    __slots__ = ("name", "params", "draw")

    def __init__(self, name: str, draw: Callable[..., np.ndarray], **params: Any):
        self.name = name
        self.params = params
        self.draw = draw

    def __call__(self, rng: Any, shape: Any, dtype: Any = np.float64, *,
                 fan_in: int | None = None, fan_out: int | None = None) -> np.ndarray:
        shape = (int(shape),) if isinstance(shape, (int, np.integer)) else tuple(shape)
        dtype = np.dtype(dtype)
        if not np.issubdtype(dtype, np.floating):
            raise TypeError(f"{self!r}: dtype must be floating, got {dtype}.")
        fi, fo = fans(shape)
        fi = fi if fan_in is None else int(fan_in)
        fo = fo if fan_out is None else int(fan_out)
        out = np.asarray(self.draw(_as_rng(rng), shape, fi, fo), dtype=np.float64)
        return np.broadcast_to(out, shape).astype(dtype)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.params.items())
        return f"nn.init.{self.name}({args})"

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, Initializer) and self.name == other.name
                and self.params == other.params)

    def __hash__(self) -> int:
        return hash((self.name, tuple(sorted(self.params.items()))))


def _factory(make: Callable[..., Initializer]) -> Callable[..., Any]:
    """``make(**params) -> Initializer``; called with a generator (or ``None``) and a shape
    first, the factory is its default initialiser applied to them."""

    @functools.wraps(make)
    def factory(*args: Any, **kwargs: Any) -> Any:
        if args and (isinstance(args[0], np.random.Generator)
                     or (args[0] is None and len(args) >= 2)):
            return make()(*args, **kwargs)
        return make(*args, **kwargs)

    factory.chainrule_initializer = True
    return factory


def _check_positive(name: str, **values: float) -> None:
    for k, v in values.items():
        if not (isinstance(v, (int, float, np.floating, np.integer)) and v >= 0):
            raise ValueError(f"nn.init.{name}: {k} must be a non-negative number, got {v!r}.")


@_factory
def normal(std: float = 0.01, mean: float = 0.0) -> Initializer:
    """N(mean, std²) entries: ``mean + std · z``, z standard normal.

    The lecture's GD initialises ``W = np.random.randn(M, K) * .01``: ``normal(0.01)``.
    """
    _check_positive("normal", std=std)
    return Initializer("normal", lambda rng, shape, fi, fo:
                       mean + std * rng.standard_normal(shape), std=std, mean=mean)


@_factory
def uniform(scale: float = 0.01) -> Initializer:
    """U(-scale, scale) entries."""
    _check_positive("uniform", scale=scale)
    return Initializer("uniform", lambda rng, shape, fi, fo:
                       rng.uniform(-scale, scale, shape), scale=scale)


@_factory
def xavier_normal(gain: float = 1.0) -> Initializer:
    """Glorot & Bengio (2010): N(0, σ²) with σ = gain · √(2 / (fan_in + fan_out))."""
    _check_positive("xavier_normal", gain=gain)
    return Initializer("xavier_normal", lambda rng, shape, fi, fo:
                       gain * math.sqrt(2.0 / (fi + fo)) * rng.standard_normal(shape),
                       gain=gain)


@_factory
def xavier_uniform(gain: float = 1.0) -> Initializer:
    """Glorot & Bengio (2010): U(-a, a) with a = gain · √(6 / (fan_in + fan_out))
    (the same variance a²/3 as :func:`xavier_normal`)."""
    _check_positive("xavier_uniform", gain=gain)

    def draw(rng, shape, fi, fo):
        a = gain * math.sqrt(6.0 / (fi + fo))
        return rng.uniform(-a, a, shape)

    return Initializer("xavier_uniform", draw, gain=gain)


def _fan(mode: str, fi: int, fo: int, name: str) -> int:
    if mode == "fan_in":
        return fi
    if mode == "fan_out":
        return fo
    raise ValueError(f"nn.init.{name}: mode must be 'fan_in' or 'fan_out', got {mode!r}.")


@_factory
def he_normal(gain: float = math.sqrt(2.0), mode: str = "fan_in") -> Initializer:
    """He et al. (2015): N(0, σ²) with σ = gain / √fan (fan = fan_in by default).

    gain √2 is ReLU's; use :func:`calculate_gain` for others (PyTorch's ``kaiming_normal_``
    with ``a``: gain = √(2 / (1 + a²))).
    """
    _check_positive("he_normal", gain=gain)
    _fan(mode, 1, 1, "he_normal")
    return Initializer("he_normal", lambda rng, shape, fi, fo:
                       gain / math.sqrt(_fan(mode, fi, fo, "he_normal"))
                       * rng.standard_normal(shape), gain=gain, mode=mode)


@_factory
def he_uniform(gain: float = math.sqrt(2.0), mode: str = "fan_in") -> Initializer:
    """He et al. (2015): U(-b, b) with b = gain · √(3 / fan) (the variance of
    :func:`he_normal`)."""
    _check_positive("he_uniform", gain=gain)
    _fan(mode, 1, 1, "he_uniform")

    def draw(rng, shape, fi, fo):
        b = gain * math.sqrt(3.0 / _fan(mode, fi, fo, "he_uniform"))
        return rng.uniform(-b, b, shape)

    return Initializer("he_uniform", draw, gain=gain, mode=mode)


@_factory
def torch_linear_default() -> Initializer:
    """PyTorch's ``nn.Linear`` default for both W and b: U(-1/√fan_in, 1/√fan_in), fan_in the
    layer's input size.

    (PyTorch writes it as ``kaiming_uniform_(W, a=√5)``: gain √(2/(1+5)) times √(3/fan_in)
    is 1/√fan_in.) For a bias of shape ``(out,)`` pass ``fan_in=in`` — :class:`Linear` does.
    """
    def draw(rng, shape, fi, fo):
        b = 1.0 / math.sqrt(fi)
        return rng.uniform(-b, b, shape)

    return Initializer("torch_linear_default", draw)


glorot_normal = xavier_normal
glorot_uniform = xavier_uniform
kaiming_normal = he_normal
kaiming_uniform = he_uniform


@_factory
def constant(value: float = 0.0) -> Initializer:
    """Every entry ``value``."""
    return Initializer("constant", lambda rng, shape, fi, fo: np.full(shape, float(value)),
                       value=value)


@_factory
def zeros() -> Initializer:
    """Every entry 0 (biases; the last layer of a residual branch)."""
    return Initializer("zeros", lambda rng, shape, fi, fo: np.zeros(shape))


@_factory
def ones() -> Initializer:
    """Every entry 1 (BatchNorm's scale γ)."""
    return Initializer("ones", lambda rng, shape, fi, fo: np.ones(shape))


@_factory
def small_positive(value: float = 0.01) -> Initializer:
    """Every entry a small positive constant (default 0.01): the lecture's bias for ReLU
    units, so that their input starts above 0 and they pass gradient."""
    if not value > 0:
        raise ValueError(f"nn.init.small_positive: value must be > 0, got {value!r}.")
    return Initializer("small_positive", lambda rng, shape, fi, fo:
                       np.full(shape, float(value)), value=value)


def is_torch_linear_default(init: Any) -> bool:
    """Whether ``init`` is PyTorch's Linear default (the factory or an initialiser it made)."""
    return init is torch_linear_default or (isinstance(init, Initializer)
                                            and init.name == "torch_linear_default")


def apply_initializer(init: Any, rng: np.random.Generator, shape: tuple[int, ...], dtype: Any,
         fan_in: int | None = None, fan_out: int | None = None) -> np.ndarray:
    """Apply ``init``; chainrule's initialisers get the layer's fans, any other callable
    ``init(rng, shape, dtype)`` is called as it is."""
    if isinstance(init, Initializer) or getattr(init, "chainrule_initializer", False):
        out = init(rng, shape, dtype, fan_in=fan_in, fan_out=fan_out)
    else:
        out = init(rng, shape, dtype)
    out = np.asarray(out)
    if out.shape != tuple(shape):
        raise ValueError(f"initialiser {init!r} returned shape {out.shape}, expected "
                         f"{tuple(shape)}.")
    return out.astype(dtype, copy=False)

"""Training utilities: a ``fit`` loop, atomic checkpoints, partial loading and a curriculum.

Everything works on plain parameter pytrees and loss functions, so it serves
``chainrule.nn`` models and hand-written ones alike::

    def loss(params, batch):
        X, Y = batch
        return softmax_cross_entropy(model(params, X), Y)

    params, history = fit(loss, params, optim.GD(0.1), [(X, Y)], epochs=10_000,
                          grad_eps=1e-9)                        # the lecture's GD loop

Checkpoints are ``.npz`` files: one array per leaf, named by its pytree path
(``params/hidden/W``, ``opt_state/m/hidden/W``), plus a JSON header that records the pytree
structure and the metadata. They are written atomically (a temporary file in the same
folder, flushed and fsync'ed, then ``os.replace``), so an interrupted save leaves the
previous checkpoint intact. Nothing is pickled: ``np.load(path)`` reads them too.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import numpy as np

from . import optim as _optim
from .core import Tracer
from .core import tree as _tree
from .transforms import value_and_grad

__all__ = [
    "fit", "History", "save_checkpoint", "load_checkpoint", "load_into",
    "CurriculumSampler", "linear_pacing", "exponential_pacing", "root_pacing",
]


# ---- checkpoints ------------------------------------------------------------------------------

_HEADER = "__chainrule_checkpoint__"
_FORMAT = 1
_SECTIONS = ("params", "opt_state", "state")


def _encode(x: Any, parts: tuple, section: str, arrays: dict, where: str) -> Any:
    """The JSON description of pytree ``x``; its leaves go into ``arrays``."""
    t = type(x)
    if x is None:
        return None
    if t is dict:
        items = []
        for k, v in x.items():
            if type(k) not in (str, int):
                raise TypeError(f"save_checkpoint: {section}{where} has a key {k!r} of type "
                                f"{type(k).__name__}; checkpoints store str and int keys only.")
            items.append([k, _encode(v, parts + (str(k),), section, arrays, f"{where}[{k!r}]")])
        return {"dict": items}
    if t is list or t is tuple:
        return {t.__name__: [_encode(v, parts + (str(i),), section, arrays, f"{where}[{i}]")
                             for i, v in enumerate(x)]}
    if isinstance(x, tuple) or t in _tree._registry:
        raise TypeError(f"save_checkpoint: {section}{where} is a {t.__name__}; checkpoints "
                        "store dicts, lists, tuples, None and arrays. Convert it to a dict.")
    if isinstance(x, Tracer):
        raise TypeError(f"save_checkpoint: {section}{where} is a traced value; save concrete "
                        "arrays (outside cr.grad, or through cr.stop_gradient).")
    if isinstance(x, (bool, int, float)):
        kind, arr = "python", np.asarray(x)
    elif isinstance(x, np.generic):
        kind, arr = "scalar", np.asarray(x)
    else:
        kind, arr = "array", np.asarray(x)
    if arr.dtype.kind not in "biufc":
        raise TypeError(f"save_checkpoint: {section}{where} has dtype {arr.dtype}; checkpoints "
                        "store numeric arrays only (no pickled objects).")
    key = "/".join((section, *parts))
    base, n = key, 1
    while key in arrays:
        n += 1
        key = f"{base}~{n}"
    arrays[key] = arr
    return {"leaf": key, "kind": kind}


def _decode(spec: Any, z: Any) -> Any:
    if spec is None:
        return None
    if "dict" in spec:
        return {k: _decode(v, z) for k, v in spec["dict"]}
    if "list" in spec:
        return [_decode(v, z) for v in spec["list"]]
    if "tuple" in spec:
        return tuple(_decode(v, z) for v in spec["tuple"])
    arr = z[spec["leaf"]]
    if spec["kind"] == "python":
        return arr.item()
    if spec["kind"] == "scalar":
        return arr[()]
    return arr


def _json_default(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    raise TypeError(f"save_checkpoint: metadata value {x!r} of type {type(x).__name__} is not "
                    "JSON-serialisable; pass numbers, strings, lists or dicts.")


def save_checkpoint(path: str | os.PathLike, params: Any, opt_state: Any = None,
                    state: Any = None, **meta: Any) -> None:
    """Save parameters, optimiser state, model state and JSON metadata to ``path`` (.npz).

    The write is atomic: the arrays go to a temporary file in the destination folder, which
    is flushed and fsync'ed, then renamed over ``path`` with ``os.replace``. If anything fails
    before the rename, the temporary file is removed and the previous checkpoint at ``path``
    (if any) is untouched. ``path`` is used as given (no ``.npz`` is appended).

    Leaves may be NumPy arrays, NumPy scalars or Python numbers (restored as such); containers
    dicts (str or int keys), lists, tuples and None. ``meta`` values must be JSON-serialisable
    (NumPy scalars and arrays are converted).
    """
    path = os.fspath(path)
    arrays: dict[str, np.ndarray] = {}
    trees = {name: _encode(tree, (), name, arrays, "")
             for name, tree in zip(_SECTIONS, (params, opt_state, state))}
    header = json.dumps({"format": _FORMAT, "trees": trees, "meta": meta},
                        default=_json_default)
    arrays[_HEADER] = np.asarray(header)
    folder = os.path.dirname(os.path.abspath(path))
    mode = os.stat(path).st_mode & 0o777 if os.path.exists(path) else 0o644
    fd, tmp = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # make the rename itself durable (POSIX)
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def load_checkpoint(path: str | os.PathLike) -> dict:
    """Read a checkpoint written by :func:`save_checkpoint`.

    Returns ``dict(params=..., opt_state=..., state=..., meta=...)`` with the saved pytree
    structures (``None`` where nothing was saved).
    """
    with np.load(os.fspath(path), allow_pickle=False) as z:
        if _HEADER not in z.files:
            raise ValueError(f"load_checkpoint: {os.fspath(path)!r} is an .npz file but not a "
                             "chainrule checkpoint (no header); read it with np.load.")
        header = json.loads(str(z[_HEADER]))
        if header.get("format") != _FORMAT:
            raise ValueError(f"load_checkpoint: {os.fspath(path)!r} has checkpoint format "
                             f"{header.get('format')!r}; this chainrule reads format {_FORMAT}.")
        out = {name: _decode(header["trees"][name], z) for name in _SECTIONS}
    out["meta"] = header["meta"]
    return out


# ---- partial loading ----------------------------------------------------------------------------

def _merge(target: Any, source: Any, where: str, strict: bool) -> Any:
    if type(source) is dict:
        if type(target) is not dict:
            raise ValueError(f"load_into: at {where or 'the root'} the pretrained parameters "
                             f"have a dict, the model a {type(target).__name__}.")
        extra = [k for k in source if k not in target]
        missing = [k for k in target if k not in source]
        if extra or (strict and missing):
            raise ValueError(
                f"load_into: at {where or 'the root'} the keys differ: pretrained only "
                f"{extra}, model only {missing}." + ("" if extra else
                                                      " Pass strict=False to keep those."))
        return {k: (_merge(v, source[k], f"{where}/{k}", strict) if k in source else v)
                for k, v in target.items()}
    if type(source) in (list, tuple):
        if type(target) not in (list, tuple) or len(target) != len(source):
            raise ValueError(f"load_into: at {where or 'the root'} the pretrained parameters "
                             f"have a {type(source).__name__} of length {len(source)}, the "
                             f"model {type(target).__name__} {_describe_node(target)}.")
        merged = [_merge(t, s, f"{where}/{i}", strict)
                  for i, (t, s) in enumerate(zip(target, source))]
        return type(target)(merged)
    if source is None:
        return target
    if type(target) in (dict, list, tuple):
        raise ValueError(f"load_into: at {where or 'the root'} the pretrained parameters have "
                         f"an array, the model a {type(target).__name__}.")
    t_shape, s_shape = np.shape(target), np.shape(source)
    if t_shape != s_shape:
        raise ValueError(f"load_into: {where or 'the root'} has shape {t_shape} in the model "
                         f"but {s_shape} in the pretrained parameters.")
    dtype = np.asarray(target).dtype if not isinstance(target, Tracer) else target.dtype
    return np.array(source, dtype=dtype, copy=True)


def _describe_node(x: Any) -> str:
    return f"of length {len(x)}" if isinstance(x, (list, tuple, dict)) else ""


def load_into(params: Any, pretrained: Any, path: Any = None, *, strict: bool = True) -> Any:
    """``params`` with the subtree at ``path`` replaced by ``pretrained``'s values.

    ``pretrained`` is a parameter pytree or the path of a checkpoint (its ``params`` are
    used). ``path`` names where it goes in ``params``: ``"encoder"``, ``"body/0"`` or
    ``("body", 0)``; ``None`` is the root. Shapes must match leaf by leaf; values are copied
    and cast to the model's dtypes. With ``strict=False`` the pretrained dicts may lack keys
    (those parameters keep their values); keys the model lacks are always an error.
    The input is not modified. Combine with ``optim.freeze(params, path)`` (freeze the
    pretrained part) or ``optim.trainable(params, path)`` to fine-tune.
    """
    if isinstance(pretrained, (str, os.PathLike)):
        pretrained = load_checkpoint(pretrained)["params"]
    if path is None or _optim._split_path(path) == ():
        return _merge(params, pretrained, "", strict)
    target = _optim._get_path(params, path)
    prefix = "/".join(map(str, _optim._split_path(path)))
    merged = _merge(target, pretrained, prefix, strict)
    return _optim._set_path(params, path, merged)


# ---- fit ---------------------------------------------------------------------------------------

class History(dict):
    """What :func:`fit` recorded: a dict of per-epoch lists, plus attributes.

    Keys: ``"epoch"``, ``"loss"`` (mean training loss over the epoch's batches, each taken
    before its update), ``"grad_norm"`` (global norm of the trainable parameters' gradient
    at the epoch's last step), ``"lr"`` (the learning rate of that step), ``"steps"``
    (updates so far), and, with an ``eval_fn``, ``"eval"`` (a number) or the keys of the
    dict it returns.

    Attributes: ``state`` (the final model state, with ``state=``), ``opt_state``,
    ``stop_reason`` (``"epochs"``, ``"grad_eps"``, ``"patience"``, ``"nan"``,
    ``"callback"``), ``steps``, ``best`` and ``best_epoch`` (of the monitored value).
    With ``fit(..., record_path=k)``: ``path`` (copies of the parameters, oldest first),
    ``path_steps`` (the update count of each) and ``path_every`` (the final interval).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.state: Any = None
        self.opt_state: Any = None
        self.stop_reason: str | None = None
        self.steps = 0
        self.best: float | None = None
        self.best_epoch: int | None = None
        self.path: list[Any] = []
        self.path_steps: list[int] = []
        self.path_every: int | None = None


def _progress_bar(progress: bool, total: int, initial: int) -> Any:
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:  # the plain loop: tqdm is an optional extra
        return None
    return tqdm(total=total, initial=initial, unit="epoch", desc="fit", dynamic_ncols=True)


def _as_number(x: Any, what: str) -> float:
    try:
        return float(x)
    except (TypeError, ValueError):
        raise TypeError(f"fit: {what} must be a number (or a 0-d array), got "
                        f"{type(x).__name__}.") from None


def _check_like(loaded: Any, given: Any, what: str, path: str) -> None:
    l_leaves, l_td = _tree.flatten(loaded)
    g_leaves, g_td = _tree.flatten(given)
    if l_td != g_td or any(np.shape(a) != np.shape(b) for a, b in zip(l_leaves, g_leaves)):
        raise ValueError(f"fit: the {what} in checkpoint {path!r} do not have the structure and "
                         f"shapes of the {what} passed to fit; resume with the same model, or "
                         "pass resume=False to start again.")


def _trainable_leaves(optimizer: Any, params: Any, leaves: list) -> list:
    mask = getattr(optimizer, "mask", None)
    if mask is None:
        return leaves
    keep: list[bool] = []
    _optim._expand_mask(mask, params, "", keep)
    return [g for g, k in zip(leaves, keep) if k]


def _batches(data: Any, epoch: int) -> Iterable:
    return data(epoch) if callable(data) else data


def fit(loss_fn: Callable, params: Any, optimizer: Any, data: Any, *, epochs: int = 1,
        state: Any = None, eval_fn: Callable | None = None, eval_data: Any = None,
        grad_eps: float | None = None, patience: int | None = None, progress: bool = True,
        rng: int | np.random.Generator | None = None, checkpoint: str | os.PathLike | None = None,
        checkpoint_every: int = 1, resume: bool | str | os.PathLike = False,
        opt_state: Any = None, monitor: str | None = None, mode: str = "min",
        min_delta: float = 0.0, callback: Callable | None = None,
        record_path: int | None = None, path_limit: int = 1000) -> tuple[Any, History]:
    """Train ``params`` by minimising ``loss_fn`` with ``optimizer``; returns ``(params, history)``.

    ``loss_fn(params, batch) -> loss``; with ``state`` (e.g. batch-norm statistics),
    ``loss_fn(params, state, batch) -> (loss, new_state)``, and the final state is
    ``history.state``. With ``rng``, ``loss_fn`` also receives ``rng=`` a NumPy Generator
    for this step (for dropout), ``np.random.default_rng([seed, step])``, so that resumed
    training draws the same numbers as uninterrupted training (``rng`` is the int seed, or a
    Generator from which one seed is drawn; a checkpoint's seed wins on resume).

    ``data`` is an iterable of batches, iterated once per epoch (``[(X, Y)]`` is full-batch
    gradient descent, one step per epoch), or a function ``epoch -> iterable of batches``
    (seed its shuffling with the epoch number to make runs and resumes reproducible).

    ``epochs`` is the total number of epochs (a resumed run continues up to it). Training
    stops early when the global norm of the (trainable) gradient falls below ``grad_eps``
    (the lecture's ``eps``; checked before the update, so the returned parameters are the
    ones where the gradient was small), when the monitored value has not improved by more than
    ``min_delta`` for ``patience`` epochs, when the loss is not finite, or when
    ``callback(epoch, params, history)`` returns true; the epoch in which it stops is
    recorded in the history.

    ``eval_fn(params, eval_data)`` (``eval_fn(params, state, eval_data)`` with state; the
    ``eval_data`` argument is left out when it is ``None``) runs after every epoch and returns
    a number or a dict of numbers. Patience monitors ``monitor`` (default: the number, or the
    dict's first entry; without ``eval_fn``, the training loss), lower is better unless
    ``mode="max"``.

    ``checkpoint``: a path; every ``checkpoint_every`` epochs and at the end, the parameters,
    optimiser state, state, history and counters are saved there atomically. ``resume=True``
    continues from ``checkpoint`` if that file exists (a fresh start otherwise);
    ``resume=path`` continues from that file. A run that had stopped early stays stopped.
    ``opt_state`` continues with a given optimiser state; the final one is
    ``history.opt_state``. ``progress`` shows a tqdm bar when tqdm is installed.

    ``record_path=k`` records the parameter path for loss-landscape plots
    (:func:`chainrule.landscape.trajectory_plane`): a copy of the parameters before the
    first update and after every ``k``-th update, and the final parameters, in
    ``history.path`` with their update counts in ``history.path_steps``. Memory is bounded:
    when more than ``path_limit`` points are held, every other one is dropped and the
    interval doubles (``history.path_every``), so the points stay evenly spaced in steps. A
    resumed run records its path from the point where it resumes.
    """
    if mode not in ("min", "max"):
        raise ValueError(f"fit: mode must be 'min' or 'max', got {mode!r}.")
    if patience is not None and patience < 1:
        raise ValueError(f"fit: patience must be a positive number of epochs, got {patience!r}.")
    if checkpoint_every < 1:
        raise ValueError(f"fit: checkpoint_every must be at least 1, got {checkpoint_every!r}.")
    if record_path is not None and (not isinstance(record_path, (int, np.integer))
                                    or isinstance(record_path, bool) or record_path < 1):
        raise ValueError(f"fit: record_path must be a positive number of steps (record every "
                         f"k-th update), got {record_path!r}.")
    if record_path is not None and path_limit < 3:
        raise ValueError(f"fit: path_limit must be at least 3, got {path_limit!r}.")
    if not callable(data):
        if isinstance(data, tuple) and len(data) == 2 and all(
                isinstance(d, np.ndarray) for d in data) and len(data[0]) == len(data[1]):
            raise TypeError("fit: data looks like one batch (X, y); it is iterated to get the "
                            "batches, so pass [(X, y)] for full-batch training.")
        if iter(data) is data and epochs > 1:
            raise TypeError("fit: data is an iterator, which runs out after one epoch; pass a "
                            "list of batches, or a function epoch -> iterable of batches.")

    with_state = state is not None
    history = History({"epoch": [], "loss": [], "grad_norm": [], "lr": [], "steps": []})
    start_epoch, step, bad_epochs = 0, 0, 0
    best: float | None = None
    best_epoch: int | None = None

    seed: int | None
    if rng is None:
        seed = None
    elif isinstance(rng, np.random.Generator):
        seed = int(rng.integers(0, 2**63 - 1))
    else:
        seed = int(rng)

    resume_path = None
    if isinstance(resume, (str, os.PathLike)):
        resume_path = os.fspath(resume)
        if not os.path.exists(resume_path):
            raise FileNotFoundError(f"fit: resume={resume_path!r} does not exist; pass "
                                    "resume=True to resume from `checkpoint` only if it exists.")
    elif resume and checkpoint is not None and os.path.exists(checkpoint):
        resume_path = os.fspath(checkpoint)
    elif resume and checkpoint is None:
        raise ValueError("fit: resume=True needs checkpoint=path (or pass resume=path).")

    if resume_path is not None:
        ck = load_checkpoint(resume_path)
        _check_like(ck["params"], params, "params", resume_path)
        params = ck["params"]
        if with_state:
            _check_like(ck["state"], state, "state", resume_path)
            state = ck["state"]
        opt_state = ck["opt_state"]
        meta = ck["meta"]
        start_epoch, step = int(meta["epoch"]), int(meta["step"])
        bad_epochs, best, best_epoch = meta["bad_epochs"], meta["best"], meta["best_epoch"]
        if meta.get("seed") is not None:
            seed = int(meta["seed"])
        for k, v in meta["history"].items():
            history[k] = list(v)
        if meta.get("stopped") not in (None, "epochs"):
            history.stop_reason = meta["stopped"]
    if opt_state is None:
        opt_state = optimizer.init(params)
    elif resume_path is not None:
        _check_like(opt_state, optimizer.init(params), "optimizer state", resume_path)

    vg = value_and_grad(loss_fn, has_aux=with_state)
    lr_of = getattr(optimizer, "learning_rate", None)

    def save(stopped: str | None, epochs_done: int) -> None:
        save_checkpoint(checkpoint, params, opt_state, state if with_state else None,
                        epoch=epochs_done, step=step, seed=seed, history=dict(history),
                        bad_epochs=bad_epochs, best=best, best_epoch=best_epoch,
                        stopped=stopped)

    every = None if record_path is None else int(record_path)

    def record() -> None:
        nonlocal every
        history.path.append(_tree.tree_map(lambda x: np.array(x, copy=True), params))
        history.path_steps.append(step)
        if len(history.path) > path_limit:  # thin out: keep every other point, double k
            history.path[:] = history.path[::2]
            history.path_steps[:] = history.path_steps[::2]
            every *= 2

    if every is not None:
        record()
    bar = _progress_bar(progress, epochs, start_epoch) if start_epoch < epochs else None
    stop: str | None = history.stop_reason
    shown = -math.inf  # when the bar's loss was last updated
    try:
        for epoch in range(start_epoch, epochs if stop is None else start_epoch):
            losses: list[float] = []
            gnorm = math.nan
            lr_used: Any = None
            for batch in _batches(data, epoch):
                kwargs = {} if seed is None else {"rng": np.random.default_rng([seed, step])}
                if with_state:
                    (loss, new_state), grads = vg(params, state, batch, **kwargs)
                else:
                    loss, grads = vg(params, batch, **kwargs)
                    new_state = None
                loss = _as_number(loss, "the loss")
                losses.append(loss)
                g_leaves = _tree.leaves(grads)
                gnorm = _optim.global_norm(_trainable_leaves(optimizer, params, g_leaves))
                if not math.isfinite(loss):
                    stop = "nan"
                    warnings.warn(f"fit: the loss is {loss} at step {step} (epoch {epoch}); "
                                  "stopping. A smaller learning rate, gradient clipping "
                                  "(clip_norm=) or cr.debug_nans() can help.",
                                  RuntimeWarning, stacklevel=2)
                    break
                if grad_eps is not None and gnorm < grad_eps:
                    stop = "grad_eps"
                    break
                if lr_of is not None:
                    lr_used = lr_of(int(opt_state["step"]))
                params, opt_state = optimizer.update(params, grads, opt_state)
                if with_state:
                    state = new_state
                step += 1
                if every is not None and step % every == 0:
                    record()
            if not losses:
                raise ValueError(f"fit: epoch {epoch} had no batches; check `data` (a "
                                 "function epoch -> batches must return a non-empty iterable).")
            epoch_loss = float(np.mean(losses))
            history["epoch"].append(epoch)
            history["loss"].append(epoch_loss)
            history["grad_norm"].append(gnorm)
            history["lr"].append(None if lr_used is None else float(lr_used))
            history["steps"].append(step)

            monitored = epoch_loss
            if eval_fn is not None:
                args = (params, state) if with_state else (params,)
                if eval_data is not None:
                    args = args + (eval_data,)
                result = eval_fn(*args)
                if isinstance(result, dict):
                    for k, v in result.items():
                        if k in ("epoch", "loss", "grad_norm", "lr", "steps"):
                            raise ValueError(f"fit: eval_fn returned the key {k!r}, which "
                                             "history uses for training; rename it "
                                             "(e.g. 'val_loss').")
                        history.setdefault(k, []).append(_as_number(v, f"eval_fn's {k!r}"))
                    key = monitor if monitor is not None else next(iter(result))
                    if key not in result:
                        raise KeyError(f"fit: monitor={monitor!r} is not among the keys eval_fn "
                                       f"returned, {list(result)}.")
                    monitored = _as_number(result[key], f"eval_fn's {key!r}")
                else:
                    monitored = _as_number(result, "eval_fn's result")
                    history.setdefault("eval", []).append(monitored)
            improved = best is None or (monitored < best - min_delta if mode == "min"
                                        else monitored > best + min_delta)
            if improved:
                best, best_epoch, bad_epochs = monitored, epoch, 0
            else:
                bad_epochs += 1
            if stop is None and patience is not None and bad_epochs >= patience:
                stop = "patience"
            if stop is None and callback is not None and callback(epoch, params, history):
                stop = "callback"
            if bar is not None:
                now = time.monotonic()
                if now - shown >= 0.1 or stop is not None or epoch == epochs - 1:
                    bar.set_postfix(loss=f"{epoch_loss:.4g}", refresh=False)
                    shown = now
                bar.update(1)
            last = stop is not None or epoch == epochs - 1
            if checkpoint is not None and (last or (epoch + 1) % checkpoint_every == 0):
                save(stop or ("epochs" if epoch == epochs - 1 else None), epoch + 1)
            if stop is not None:
                break
    finally:
        if bar is not None:
            bar.close()

    if every is not None:
        if history.path_steps[-1] != step:
            history.path.append(_tree.tree_map(lambda x: np.array(x, copy=True), params))
            history.path_steps.append(step)
        history.path_every = every
    history.state = state if with_state else None
    history.opt_state = opt_state
    history.stop_reason = stop or "epochs"
    history.steps = step
    history.best, history.best_epoch = best, best_epoch
    return params, history


# ---- curriculum ---------------------------------------------------------------------------------

def linear_pacing(start: float = 0.2, full_at: int = 10) -> Callable[[int], float]:
    """``g(e) = min(1, start + (1 - start) e / full_at)``: the share of the data (easiest
    first) available at epoch ``e`` grows linearly from ``start`` to all of it."""
    _check_start(start, "linear_pacing")

    def pacing(epoch: int) -> float:
        return min(1.0, start + (1.0 - start) * epoch / full_at)
    return pacing


def exponential_pacing(start: float = 0.1, inc: float = 2.0,
                       step_length: int = 1) -> Callable[[int], float]:
    """``g(e) = min(1, start * inc ** (e // step_length))``: Hacohen & Weinshall's (2019)
    fixed exponential pacing, counted in epochs."""
    _check_start(start, "exponential_pacing")

    def pacing(epoch: int) -> float:
        return min(1.0, start * inc ** (epoch // step_length))
    return pacing


def root_pacing(start: float = 0.1, full_at: int = 10, p: float = 2.0) -> Callable[[int], float]:
    """``g(e) = min(1, (e (1 - start^p) / full_at + start^p) ^ (1/p))``: the root competence
    schedule of Platanios et al. (2019); ``p=1`` is linear, ``p=2`` their square root."""
    _check_start(start, "root_pacing")

    def pacing(epoch: int) -> float:
        c = epoch * (1.0 - start ** p) / full_at + start ** p
        return min(1.0, c ** (1.0 / p))
    return pacing


def _check_start(start: float, name: str) -> None:
    if not 0 < start <= 1:
        raise ValueError(f"{name}: start is a share of the data in (0, 1], got {start!r}.")


class CurriculumSampler:
    """Curriculum learning (Bengio et al., 2009): easy examples first, hard ones phased in.

    ``difficulty``: one score per example (higher is harder; e.g. a pretrained model's loss).
    ``pacing``: ``epoch -> share`` of the data in (0, 1] available at that epoch, taken from
    the easy end (:func:`linear_pacing`, :func:`exponential_pacing`, :func:`root_pacing`, or
    any function). At epoch ``e`` the pool is the ``ceil(share * n)`` easiest examples (ties
    keep their order); ``sampler(e)`` shuffles the pool (seeded by ``(seed, e)``) and yields
    index batches of ``batch_size`` (the whole pool when ``None``), so the share of hard
    examples in what is seen grows as the pacing opens the pool. Use it as fit's data::

        data = lambda e: ((X[i], Y[i]) for i in sampler(e))
    """

    def __init__(self, difficulty: Any, pacing: Callable[[int], float],
                 batch_size: int | None = None, *, seed: int | None = 0,
                 drop_last: bool = False) -> None:
        d = np.asarray(difficulty, dtype=np.float64)
        if d.ndim != 1 or d.size == 0:
            raise ValueError(f"CurriculumSampler: difficulty must be a non-empty 1-D array of "
                             f"scores, one per example, got shape {d.shape}.")
        if not np.all(np.isfinite(d)):
            raise ValueError("CurriculumSampler: difficulty has non-finite scores.")
        if batch_size is not None and batch_size < 1:
            raise ValueError(f"CurriculumSampler: batch_size must be positive, got {batch_size}.")
        self.difficulty = d
        self.order = np.argsort(d, kind="stable")
        self.pacing = pacing
        self.batch_size = batch_size
        self.seed = seed
        self.drop_last = drop_last

    def __len__(self) -> int:
        return len(self.difficulty)

    def pool_size(self, epoch: int) -> int:
        share = float(self.pacing(epoch))
        if not 0 < share <= 1 + 1e-12:
            raise ValueError(f"CurriculumSampler: pacing({epoch}) = {share}; a pacing function "
                             "returns a share of the data in (0, 1].")
        n = len(self.difficulty)
        return max(1, min(n, math.ceil(share * n - 1e-9)))

    def pool(self, epoch: int) -> np.ndarray:
        """The indices available at ``epoch``, easiest first."""
        return self.order[: self.pool_size(epoch)]

    def __call__(self, epoch: int) -> Iterator[np.ndarray]:
        pool = self.pool(epoch)
        gen = np.random.default_rng(None if self.seed is None else [self.seed, epoch])
        idx = pool[gen.permutation(len(pool))]
        size = len(idx) if self.batch_size is None else self.batch_size
        for lo in range(0, len(idx), size):
            batch = idx[lo: lo + size]
            if self.drop_last and len(batch) < size:
                return
            yield batch

    epoch = __call__

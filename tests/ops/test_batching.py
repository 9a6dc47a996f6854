"""Batching rules (``vmap``): every registry primitive batched in one call equals the loop.

Each case of the rule tables is mapped over a batch of 3 perturbed copies of its
differentiated arguments — all batched, and only the first batched with the rest shared —
and compared with calling the primitive once per example. The Jacobian sweep in
``test_rules.py`` runs the same rules under vmap through ``jacfwd``/``jacrev`` (both are one
batched pass over the basis), against finite differences.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

import chainrule as cr

from .test_rules import CASE_IDS, CASES

B = 3


def _batch_of(a, b):
    """Copy ``b`` of argument ``a``: a small shift keeps every domain (positive, distinct...)."""
    return a * (1.0 + 1e-3 * b) if np.ndim(a) else a + 1e-3 * b


def _apply(case, diffs):
    args = list(case.args)
    for i, d in zip(case.diff, diffs):
        args[i] = d
    return case.prim(*args, **case.kwargs)


def _loop(case, stacks, batched):
    outs = [_apply(case, [s[b] if is_b else s for s, is_b in zip(stacks, batched)])
            for b in range(B)]
    if isinstance(outs[0], tuple):
        return tuple(np.stack(o) for o in zip(*outs))
    return np.stack(outs)


def _compare(got, want, case):
    if isinstance(want, tuple):
        for g, w in zip(got, want):
            _compare(g, w, case)
        return
    np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12, atol=1e-14, err_msg=case.id)


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_batching_rule_equals_the_loop(case):
    primals = case.primals()
    stacks = [np.stack([_batch_of(np.asarray(a, float), b) for b in range(B)]) for a in primals]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # a looped primitive warns once
        got = cr.vmap(lambda *d: _apply(case, d))(*stacks)
        _compare(got, _loop(case, stacks, [True] * len(stacks)), case)
        if len(stacks) > 1:  # only the first argument mapped, the others shared
            shared = [stacks[0]] + [s[0] for s in stacks[1:]]
            axes = (0,) + (None,) * (len(stacks) - 1)
            got = cr.vmap(lambda *d: _apply(case, d), in_axes=axes)(*shared)
            _compare(got, _loop(case, shared, [True] + [False] * (len(stacks) - 1)), case)


def test_the_common_families_have_batching_rules_not_the_loop():
    from chainrule import ops
    for p in (ops.sin, ops.add, ops.multiply, ops.tanh, ops.where, ops.matmul, ops.sum,
              ops.reshape, ops.transpose, ops.getitem, ops.sum_to, ops.broadcast_to):
        assert p.batch is not None, p.name

"""Rule table for the cumulative reductions and the convolution (see test_rules.py).

``sum``, ``prod``, ``max``, ``min`` have their rows in test_rules.py; the composites of
reduce.py (mean, var, quantiles, diff, ...) are tested in tests/numpy/test_reductions.py.
"""

from __future__ import annotations

from _harness.specs import D, Entry, _fixed, nonzero, spec, with_zeros

# every axis of the sweep's shapes (a cumulative reduction needs at least one axis)
_CUMULATIVE = [((2,), 0), ((4,), -1), ((3, 2), 0), ((3, 2), 1), ((1, 2), 0), ((1, 2), -1),
               ((2, 3, 2), 1)]


def _cumulative(domain=None, reverse=False):
    out = []
    for shape, axis in _CUMULATIVE:
        kw = {"axis": axis}
        if reverse:
            kw["reverse"] = True
        label = f"{'x'.join(map(str, shape))},axis={axis}" + (",reverse" if reverse else "")
        out.append(spec(label, D(shape) if domain is None else D(shape, domain), **kw))
    return out


def _zero_at(positions):
    """Nonzero entries with exact zeros at ``positions`` (flat indices)."""
    def draw(rng, shape):
        x = nonzero(rng, shape)
        x.flat[list(positions)] = 0.0
        return x
    return draw


RULES = {
    "cumsum": Entry(_cumulative() + _cumulative(reverse=True)),
    "cumprod": Entry(_cumulative(nonzero) + [
        spec("one-zero-inside", D((5,), _zero_at([2])), axis=0),
        spec("zero-first", D((4,), _zero_at([0])), axis=0),
        spec("zero-last", D((4,), _zero_at([3])), axis=0),
        spec("two-zeros", D((5,), _zero_at([1, 3])), axis=0),
        spec("zeros,3x4,axis=1", D((3, 4), with_zeros(3)), axis=1),
        spec("zeros,3x4,axis=0", D((3, 4), with_zeros(2)), axis=0),
    ]),
    "linear_recurrence": Entry([
        spec("4", D((4,)), D((4,)), axis=0),
        spec("4,reverse", D((4,)), D((4,)), axis=0, reverse=True),
        spec("3x4,axis=1", D((3, 4)), D((3, 4)), axis=1),
        spec("3x4,axis=0,reverse", D((3, 4)), D((3, 4)), axis=0, reverse=True),
        spec("a-1x4-broadcast-along-axis0", D((1, 4)), D((3, 4)), axis=0),
        spec("a-scalar", D(()), D((5,)), axis=0),
        spec("b-3x1-broadcast,axis=1", D((3, 4)), D((3, 1)), axis=1),
        spec("zeros-in-a", D((5,), _zero_at([1, 3])), D((5,)), axis=0),
        spec("zeros-in-a,reverse", D((5,), _zero_at([0, 2])), D((5,)), axis=0, reverse=True),
        spec("fixed-a", _fixed([0.5, -1.0, 2.0, 0.0]), D((4,)), axis=0),
        spec("1", D((1,)), D((1,)), axis=0),
    ]),
    "convolve": Entry([
        spec("5*3", D((5,)), D((3,))),
        spec("3*5", D((3,)), D((5,))),
        spec("4*4", D((4,)), D((4,))),
        spec("1*4", D((1,)), D((4,))),
        spec("2*1", D((2,)), D((1,))),
        spec("fixed-kernel", D((6,)), _fixed([1.0, -2.0, 1.0])),
        spec("fixed-signal", _fixed([0.5, 1.0, -1.0, 2.0]), D((2,))),
    ]),
}

"""Rule table for the shift and window primitives of :mod:`chainrule.ops.window` (merged by
test_rules.py): ``roll`` (one axis, several axes, the flattened array, negative and
wrapping shifts), ``sliding_window`` (1-d, 2-d, a chosen axis, overlapping windows in two
axes) and its transpose ``window_sum``."""

from __future__ import annotations

from _harness.specs import D, Entry, spec

RULES = {
    "roll": Entry([
        spec("5,shift=2,axis=0", D((5,)), 2, 0),
        spec("5,shift=-7,axis=None", D((5,)), -7, None),
        spec("3x4,shift=1,axis=None", D((3, 4)), 1, None),
        spec("3x4,shift=(1,-2),axes=(0,1)", D((3, 4)), (1, -2), (0, 1)),
        spec("2x3x2,shift=4,axis=1", D((2, 3, 2)), 4, 1),
    ], static=(1, 2)),
    "sliding_window": Entry([
        spec("6,window=3", D((6,)), (3,), None),
        spec("4x5,window=(2,3)", D((4, 5)), (2, 3), None),
        spec("4x5,window=2,axis=1", D((4, 5)), (2,), 1),
        spec("5x3,window=(2,2),axis=(0,0)", D((5, 3)), (2, 2), (0, 0)),
    ], static=(1, 2)),
    "window_sum": Entry([
        spec("6,window=3", D((4, 3)), (6,), (3,), None),
        spec("4x5,window=(2,3)", D((3, 3, 2, 3)), (4, 5), (2, 3), None),
        spec("4x5,window=2,axis=1", D((4, 4, 2)), (4, 5), (2,), 1),
    ], static=(1, 2, 3)),
}

"""Rule table for the Fourier primitives of :mod:`chainrule.ops.fft` (merged by
test_rules.py): the three linear maps with every ``norm``, cropping and zero-padding
(``s`` shorter and longer than the input), one axis and several.

The sweep draws real arguments and checks real outputs; the half-spectrum-to-real map
``fft_c2r`` has both, so every check applies to it as it stands. The other two have
complex results: their real and imaginary parts, and complex arguments in both
directions, are checked against central differences in tests/ops/test_fft.py.
"""

from __future__ import annotations

from _harness.specs import D, Entry, spec

RULES = {
    "fft_c2r": Entry([
        spec("5,n=8", D((5,)), (0,), (8,), "backward"),
        spec("5,n=9,ortho", D((5,)), (0,), (9,), "ortho"),
        spec("4,n=4,forward", D((4,)), (0,), (4,), "forward"),
        spec("4,n=12(padded)", D((4,)), (0,), (12,), "backward"),
        spec("3x4,axes=(0,1),s=(3,6)", D((3, 4)), (0, 1), (3, 6), "backward"),
        spec("3x4,axes=(1,0),s=(5,2)", D((3, 4)), (1, 0), (5, 2), "ortho"),
        spec("2x3x3,axis=1", D((2, 3, 3)), (1,), (4,), "backward"),
    ], static=(1, 2, 3)),
}

CHECKED_ELSEWHERE = {
    "fft_c2c": "tests/ops/test_fft.py",
    "fft_r2c": "tests/ops/test_fft.py",
}
"""Primitives with complex results, which the real sweep cannot check (its Jacobians and
float32 checks are of real outputs): tests/ops/test_fft.py checks them, both parts."""

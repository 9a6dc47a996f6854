"""NumPy functions without a derivative: applied to traced values, they compute on the plain
values and return plain arrays (what an index, a count, a comparison or a new array is)."""

from __future__ import annotations

import numpy as np

from . import dispatch

dispatch.passthrough(
    np.argmax, np.argmin, np.argsort, np.zeros_like, np.ones_like, np.empty_like,
    np.full_like, np.result_type, np.nonzero, np.count_nonzero, np.array_equal, np.allclose,
    np.isclose, np.iscomplexobj, np.isrealobj, np.round, np.around, np.any, np.all,
)

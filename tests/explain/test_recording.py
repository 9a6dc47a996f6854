"""Recording: the user's line of every operation, operations without a VJP rule, and the
engine's own walks (push_forward, ReverseTrace.backward) behind the ȧ and ā columns."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

import chainrule as cr

from .cases import SINCOS_LINE, W0, W1, X, sincos


def test_source_names_the_users_line_and_expression():
    ex = cr.explain(sincos, W0, W1, X)
    src = ex["a5"].source
    assert os.path.basename(src.file) == "cases.py"  # where sincos is defined
    assert src.line == SINCOS_LINE and src.function == "sincos"
    assert src.code == "a5 = w1 * x + w0"
    if sys.version_info >= (3, 11):  # column positions of the instruction
        assert ex["a4"].source.segment == "w1 * x"
        assert src.segment == "w1 * x + w0"
    assert ex["a1"].source is None  # an argument


def test_a_primitive_without_a_vjp_rule_still_explains_forward():
    cube = cr.primitive(lambda x: x ** 3)
    cube.defjvp(lambda t, ans, x: 3 * t * x ** 2)
    ex = cr.explain(lambda x: np.sin(cube(x)), 2.0)
    assert float(ex.forward().rows[-1].tangent) == pytest.approx(np.cos(8.0) * 12.0)
    with pytest.raises(cr.NoRuleError, match="reverse-mode"):
        ex.backward()

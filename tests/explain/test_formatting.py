"""How explain writes numbers, constants, sizes and durations."""

from __future__ import annotations

import io

import numpy as np

from chainrule.explain import formatting as fm


def test_small_arrays_are_numbers_and_large_ones_a_summary():
    assert fm.fmt(np.array([[1.0, 0.5], [2.0, -3.0]]), fm.UNICODE) == "[[1, 0.5], [2, -3]]"
    # 7 > SMALL entries: dtype[shape], mean 3 = (0+...+6)/7, range [0, 6]
    assert fm.fmt(np.arange(7.0), fm.UNICODE) == "float64[7] mean 3 in [0, 6]"
    assert fm.fmt(None, fm.UNICODE) == ""


def test_constants_indices_sizes_and_durations():
    assert fm.fmt_const((2,), fm.ASCII) == "(2,)"
    assert fm.fmt_const(np.zeros((3, 4)), fm.ASCII) == "const float64[3,4]"
    assert fm.fmt_index((slice(1, None), None, Ellipsis, 0), fm.ASCII) == "1:, None, ..., 0"
    assert fm.fmt_bytes(512) == "512 B" and fm.fmt_bytes(3 * 1024 * 1024) == "3.0 MiB"
    assert fm.fmt_seconds(2.5e-6, fm.UNICODE) == "2.5 µs"
    assert fm.fmt_seconds(2.5e-6, fm.ASCII) == "2.5 us"


def test_ascii_when_the_stream_cannot_encode_the_symbols(monkeypatch):
    latin1 = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    monkeypatch.setattr(fm.sys, "stdout", latin1)
    assert fm.symbols(None) is fm.ASCII
    assert fm.symbols(False) is fm.UNICODE
    assert fm.partial("a4", "a2", fm.ASCII) == "da4/da2"
    assert fm.tname("a4", fm.UNICODE) == "ȧ4" and fm.aname("a4", fm.ASCII) == "bar_a4"

"""docs/explain.md is what docs/make_explain.py writes today."""

from __future__ import annotations

import importlib.util
import os

import numpy as np

from .cases import A5, X

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_docs_page_is_current():
    path = os.path.join(ROOT, "docs", "make_explain.py")
    spec = importlib.util.spec_from_file_location("make_explain", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    page = mod.render()
    with open(os.path.join(ROOT, "docs", "explain.md"), encoding="utf-8") as fh:
        assert fh.read() == page, "docs/explain.md is stale: run python docs/make_explain.py"
    # the lecture's numbers are on it
    assert f"{X * np.cos(A5):.6g}" in page and f"{-np.sin(A5):.6g}" in page

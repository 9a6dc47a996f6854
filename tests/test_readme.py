"""Every Python block of README.md runs as written, in order, as a reader would paste them
into one session (later blocks use the names earlier ones define: np, cr, X, rng ...)."""

from __future__ import annotations

import pathlib
import re

import pytest

README = pathlib.Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"^```python\n(.*?)^```", README.read_text(encoding="utf-8"), re.S | re.M)


def test_the_readme_has_its_python_blocks():
    assert len(BLOCKS) >= 5


def test_every_readme_python_block_runs_in_order(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)  # ex.save(...) and friends write here, not into the repository
    monkeypatch.setenv("MPLBACKEND", "Agg")
    namespace: dict = {"__name__": "__readme__"}
    for k, code in enumerate(BLOCKS):
        try:
            exec(compile(code, f"<README.md python block {k}>", "exec"), namespace)
        except Exception as e:  # pragma: no cover - the failure message is the point
            pytest.fail(f"README.md python block {k} raised {type(e).__name__}: {e}\n{code}")
    # what the blocks promise: the Quick start's gradients have the shapes of W and V
    assert namespace["dW"].shape == namespace["W"].shape == (16, 3)
    assert namespace["dV"].shape == namespace["V"].shape == (3, 16)
    assert namespace["report"]  # the gradient check agrees
    assert (tmp_path / "graph.dot").read_text().startswith("digraph")

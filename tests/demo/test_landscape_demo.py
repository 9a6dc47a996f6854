"""The landscape demo at reduced size: every figure is written and is not blank."""

from __future__ import annotations

import os

import pytest

pytest.importorskip("matplotlib")

from chainrule.demo.landscape import FIGURES, main  # noqa: E402


def test_the_demo_writes_every_png_and_the_summary(tmp_path):
    assert main(["--quick", "--no-progress", "--out", str(tmp_path)]) == 0
    for name in FIGURES:
        path = tmp_path / f"{name}.png"
        assert path.exists(), name
        assert os.path.getsize(path) > 15_000, name  # a drawn figure, not an empty canvas
        assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    text = (tmp_path / "summary.md").read_text()
    assert "## 5. spectrum.png" in text and "saddle" in text

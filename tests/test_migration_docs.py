"""docs/from-autograd.md and docs/from-jax.md: their examples run, and the import swap on
the autograd page gives autograd's numbers when its `# was:` imports are put back."""

from __future__ import annotations

import pathlib
import re

import numpy as np
import pytest

DOCS = pathlib.Path(__file__).resolve().parents[1] / "docs"


def _blocks(page: str) -> list[str]:
    text = (DOCS / page).read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)


def _run(blocks: list[str], page: str) -> dict:
    namespace: dict = {"__name__": "__docs__"}
    for k, code in enumerate(blocks):
        exec(compile(code, f"<docs/{page} python block {k}>", "exec"), namespace)
    return namespace


@pytest.mark.parametrize("page", ["from-autograd.md", "from-jax.md"])
def test_every_python_block_of_the_migration_pages_runs(page):
    blocks = _blocks(page)
    assert blocks, f"docs/{page} has no python examples"
    _run(blocks, page)


def _with_autograds_imports(code: str) -> str:
    """Each `chainrule import  # was: autograd import` line with the autograd import back."""
    lines = []
    for line in code.splitlines():
        head, sep, was = line.partition("# was:")
        lines.append(was.strip() if sep else line)
    return "\n".join(lines) + "\n"


def test_the_import_swap_example_gives_autograds_numbers():
    pytest.importorskip("autograd")
    swap = _blocks("from-autograd.md")[0]
    assert swap.count("# was:") == 4
    ours = _run([swap], "from-autograd.md")
    theirs = _run([_with_autograds_imports(swap)], "from-autograd.md (autograd's imports)")
    assert theirs["np"].__name__ == "autograd.numpy"
    for key in ("W", "b"):
        np.testing.assert_allclose(ours["trained"][key], theirs["trained"][key], rtol=1e-12)
    np.testing.assert_allclose(ours["flat"], theirs["flat"], rtol=1e-12)
    # elementwise_grad(tanh) = 1 - tanh², in both
    np.testing.assert_allclose(ours["slope"], 1 - np.tanh(np.linspace(-1, 1, 5)) ** 2,
                               rtol=1e-14)
    np.testing.assert_allclose(ours["slope"], theirs["slope"], rtol=1e-14)
    # the fit moved: adam took 50 steps from zeros
    assert np.abs(ours["trained"]["W"]).max() > 0.1

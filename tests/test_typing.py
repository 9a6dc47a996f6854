"""chainrule ships ``py.typed``: mypy type-checks a user script against its annotations.

The script uses every transform the README shows; mypy must accept it, and must reject the
same script with one wrong annotation (so the check can fail, and the package's types are
really read rather than treated as ``Any``).
"""

from __future__ import annotations

import pathlib
import subprocess
import sys

import pytest

import chainrule

pytest.importorskip("mypy")

USER_SCRIPT = '''
import numpy as np

import chainrule as cr
import chainrule.numpy as cnp


def f(w, x):
    return cnp.sum(cnp.tanh(x @ w))


def double(x: float) -> float:
    return 2 * x


g = cr.grad(f)(np.ones(3), np.ones((2, 3)))
v, dg = cr.value_and_grad(f, argnums=(0, 1))(np.ones(3), np.ones((2, 3)))
J = cr.jacobian(lambda w: cnp.tanh(w))(np.ones(3))
H = cr.hessian(f)(np.ones(3), np.ones((2, 3)))
out, tan = cr.jvp(f, (np.ones(3), np.ones((2, 3))), (np.ones(3), np.zeros((2, 3))))
y, back = cr.vjp(f, np.ones(3), np.ones((2, 3)))
pe = cr.vmap(cr.grad(f), in_axes=(None, 0))(np.ones(3), np.ones((5, 2, 3)))
fast = cr.compile(cr.value_and_grad(f))
cr.check_grads(f, (np.ones(3), np.ones((2, 3))))
twice: float = cr.checkpoint(double)(1.0)
'''


def _mypy(tmp_path: pathlib.Path, source: str) -> subprocess.CompletedProcess:
    script = tmp_path / "user.py"
    script.write_text(source)
    return subprocess.run([sys.executable, "-m", "mypy", "--no-incremental",
                           "--cache-dir", str(tmp_path / ".mypy_cache"), str(script)],
                          capture_output=True, text=True, cwd=tmp_path, timeout=600)


def test_the_package_is_marked_typed():
    assert (pathlib.Path(chainrule.__file__).parent / "py.typed").exists()


def test_mypy_accepts_a_user_script_and_rejects_a_wrong_annotation(tmp_path):
    ok = _mypy(tmp_path, USER_SCRIPT)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    # checkpoint keeps f's signature (Callable[P, T] -> Callable[P, T]): a str is not a float
    bad = _mypy(tmp_path, USER_SCRIPT.replace("twice: float =", "twice: str ="))
    assert bad.returncode == 1 and "user.py" in bad.stdout and "str" in bad.stdout, bad.stdout

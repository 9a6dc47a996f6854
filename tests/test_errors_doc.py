"""Every error on docs/errors.md: its example raises it, with the documented key words."""

from __future__ import annotations

import pathlib
import re

import numpy as np
import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule.explain import ExpressionError, GraphvizNotFoundError
from chainrule.ode import ODEError
from chainrule.staging.program import GuardError
from chainrule.staging.trace import StagingError

PAGE = pathlib.Path(__file__).resolve().parents[1] / "docs" / "errors.md"
_BLOCK = re.compile(r"```python\n(.*?)```\nraises: (\w+): (.+)", re.S)


def _examples() -> list[tuple[str, str, str, list[str]]]:
    text = PAGE.read_text(encoding="utf-8")
    out = []
    section = ""
    for part in re.split(r"^## ", text, flags=re.M)[1:]:
        section = part.splitlines()[0].strip()
        for k, (code, kind, words) in enumerate(_BLOCK.findall(part)):
            out.append((f"{section} [{k}]", code, kind,
                        [w.strip() for w in words.splitlines()[0].split("|")]))
    return out


EXAMPLES = _examples()


def test_the_page_documents_every_error_kind():
    kinds = {kind for _, _, kind, _ in EXAMPLES}
    assert len(EXAMPLES) >= 20
    assert {"TypeError", "ValueError", "NoRuleError", "FloatingPointError",
            "GradientCheckError"} <= kinds


def test_the_page_documents_every_error_class_chainrule_defines():
    import importlib
    import pkgutil
    import sys

    for m in pkgutil.walk_packages(cr.__path__, "chainrule."):
        if not m.name.endswith("__main__"):  # importing that one runs the command
            importlib.import_module(m.name)
    # public exception classes only: a private one (_StopForward) is control flow, not raised;
    # warnings are documented where they arise (docs/staging.md)
    classes = {obj.__name__ for name, module in list(sys.modules.items())
               if name == "chainrule" or name.startswith("chainrule.")
               for obj in vars(module).values()
               if isinstance(obj, type) and issubclass(obj, BaseException)
               and not issubclass(obj, Warning)
               and obj.__module__.startswith("chainrule") and not obj.__name__.startswith("_")}
    assert {"GraphvizNotFoundError", "ExpressionError", "NoRuleError"} <= classes
    kinds = {kind for _, _, kind, _ in EXAMPLES}
    assert classes <= kinds, f"not on docs/errors.md: {sorted(classes - kinds)}"


@pytest.mark.parametrize("name, code, kind, words", EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_example_raises_what_the_page_says(name, code, kind, words, monkeypatch, tmp_path):
    expected = {"NoRuleError": cr.NoRuleError, "GradientCheckError": cr.GradientCheckError,
                "FloatingPointError": FloatingPointError, "TypeError": TypeError,
                "ValueError": ValueError, "GraphvizNotFoundError": GraphvizNotFoundError,
                "ExpressionError": ExpressionError, "FixedPointError": cr.FixedPointError,
                "ODEError": ODEError, "StagingError": StagingError,
                "GuardError": GuardError}[kind]
    monkeypatch.chdir(tmp_path)
    if kind == "GraphvizNotFoundError":  # as on a machine without graphviz
        monkeypatch.setenv("PATH", "")
    env = {"np": np, "cr": cr, "cnp": cnp}
    with np.errstate(all="ignore"), pytest.raises(expected) as info:
        exec(compile(code, f"<docs/errors.md: {name}>", "exec"), env)
    message = str(info.value)
    for w in words:
        assert w in message, f"{name}: {w!r} is not in the message:\n{message}"

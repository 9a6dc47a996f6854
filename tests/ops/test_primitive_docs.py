"""Primitives document themselves: ``help(cnp.sqrt)`` shows the math of its rules.

The rule tables write a primitive's docstring as the bare string after its assignment
(``sqrt = Primitive(np.sqrt, "sqrt")`` then ``\"\"\"√x: ȧ = ...\"\"\"``); every ops module ends
with ``document_primitives(__name__)``, which sets that string as ``__doc__``.
"""

from __future__ import annotations

import ast
import inspect
import pydoc

import pytest

import chainrule as cr
import chainrule.numpy as cnp
from chainrule import ops
from chainrule.core import Primitive
from chainrule.ops import elementwise


def _source_docstrings(module) -> dict[str, str]:
    """name -> the string literal right after ``name = ...`` in the module's source."""
    body = ast.parse(inspect.getsource(module)).body
    out = {}
    for stmt, nxt in zip(body, body[1:]):
        if (isinstance(stmt, ast.Assign) and isinstance(nxt, ast.Expr)
                and isinstance(nxt.value, ast.Constant) and isinstance(nxt.value.value, str)):
            for target in stmt.targets:
                if isinstance(target, ast.Name):
                    out[target.id] = inspect.cleandoc(nxt.value.value)
    return out


def test_help_of_sqrt_shows_the_rule_written_in_the_source():
    """cnp.sqrt's docstring is the source's "√x: ȧ = ȧ_x / (2√x) ...", and pydoc renders it."""
    want = _source_docstrings(elementwise)["sqrt"]
    assert want.startswith("√x: ȧ = ȧ_x / (2√x)")
    assert cnp.sqrt.__doc__ == want
    assert want in pydoc.render_doc(cnp.sqrt)


@pytest.mark.parametrize("module", ops._FAMILIES, ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_every_documented_primitive_of_a_family_carries_its_source_docstring(module):
    """Each primitive assigned in the family's source with a docstring after it has exactly
    that docstring as ``__doc__`` (document_primitives ran at the module's end)."""
    docs = _source_docstrings(module)
    checked = 0
    for name, text in docs.items():
        p = vars(module).get(name)
        if isinstance(p, Primitive):
            assert p.__doc__ == text, name
            checked += 1
    assert checked >= 1


def test_sin_without_a_source_docstring_gets_one_naming_it_and_its_rules():
    """A primitive with no docstring in the source gets a generated line: its name, rules
    and module, never an empty __doc__."""
    doc = cnp.sin.__doc__
    assert "sin" in doc and "VJP" in doc and "chainrule.ops.elementwise" in doc
    if "sin" in _source_docstrings(elementwise):  # once the table documents sin itself
        assert doc == _source_docstrings(elementwise)["sin"]


@pytest.mark.parametrize("name", sorted(ops.registry()))
def test_every_public_primitive_has_a_name_and_a_docstring(name):
    """``__name__`` is the primitive's name and ``__doc__`` is not empty."""
    p = cr.ops.registry()[name]
    assert p.__name__ == name
    assert isinstance(p.__doc__, str) and p.__doc__.strip()

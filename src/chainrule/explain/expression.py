"""The expressions of ``chainrule explain``: NumPy syntax, checked node by node, compiled.

The command line's ``chainrule explain "sin(w1*x + w0)" --at ...`` turns its text into a
function with :func:`compile_expression`; only numbers, variables, arithmetic, calls of
chainrule.numpy's own functions, indexing and tuples are accepted.
"""

from __future__ import annotations

import ast
import linecache
import types
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ..core.observe import EXPRESSION_FILE

__all__ = ["ExpressionError", "compile_expression"]


class ExpressionError(ValueError):
    """An expression for ``chainrule explain`` that cannot be evaluated safely."""


_CONSTANTS = {"pi": np.pi, "e": np.e, "inf": np.inf}
_BINOPS = (ast.Add, ast.Sub, ast.Mult, ast.Div, ast.Pow, ast.MatMult, ast.FloorDiv, ast.Mod)
_UNARY = (ast.USub, ast.UAdd)


def _allowed_functions() -> dict[str, dict[str, Any]]:
    """chainrule.numpy's (and .linalg's) own functions: chainrule's primitives and the
    functions chainrule defines. NumPy's pass-through names (file I/O among them) are out."""
    from .. import numpy as cnp

    def own(ns: Any) -> dict[str, Any]:
        out = {}
        for n in dir(ns):
            if n.startswith("_"):
                continue
            obj = getattr(ns, n, None)
            if isinstance(obj, type) or not callable(obj):
                continue
            mod = getattr(obj, "__module__", "") or ""
            if mod == "chainrule" or mod.startswith("chainrule."):
                out[n] = obj
        return out

    return {"": own(cnp), "linalg": own(cnp.linalg)}


def _check_node(node: ast.AST, funcs: dict[str, dict[str, Any]], variables: list[str],
                expr: str) -> None:
    def bad(what: str) -> ExpressionError:
        col = getattr(node, "col_offset", None)
        where = f" at column {col + 1}" if col is not None else ""
        return ExpressionError(f"{what}{where} in {expr!r}: an expression may use numbers, "
                               "variables, + - * / ** @, calls of chainrule.numpy functions "
                               "(sin, exp, np.sum(x, axis=0), ...), indexing and tuples.")

    if isinstance(node, ast.Expression):
        _check_node(node.body, funcs, variables, expr)
    elif isinstance(node, ast.Constant):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise bad(f"the constant {node.value!r} is not a number")
    elif isinstance(node, ast.Name):
        if node.id.startswith("_") or node.id == "np":
            raise bad(f"the name {node.id!r} cannot be used as a value")
        if node.id not in variables and node.id not in _CONSTANTS:
            if node.id in funcs[""]:
                raise bad(f"{node.id!r} is a function; call it, e.g. {node.id}(x)")
            variables.append(node.id)
    elif isinstance(node, ast.BinOp):
        if not isinstance(node.op, _BINOPS):
            raise bad(f"the operator {type(node.op).__name__} is not allowed")
        _check_node(node.left, funcs, variables, expr)
        _check_node(node.right, funcs, variables, expr)
    elif isinstance(node, ast.UnaryOp):
        if not isinstance(node.op, _UNARY):
            raise bad(f"the operator {type(node.op).__name__} is not allowed")
        _check_node(node.operand, funcs, variables, expr)
    elif isinstance(node, (ast.Tuple, ast.List)):
        for elt in node.elts:
            _check_node(elt, funcs, variables, expr)
    elif isinstance(node, ast.Call):
        fn = node.func
        if isinstance(fn, ast.Name):
            if fn.id not in funcs[""]:
                raise bad(f"{fn.id!r} is not a chainrule.numpy function")
        elif isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Name) \
                and fn.value.id == "np":
            if fn.attr not in funcs[""]:
                raise bad(f"np.{fn.attr} is not a chainrule.numpy function")
        elif isinstance(fn, ast.Attribute) and isinstance(fn.value, ast.Attribute) \
                and isinstance(fn.value.value, ast.Name) and fn.value.value.id == "np" \
                and fn.value.attr == "linalg":
            if fn.attr not in funcs["linalg"]:
                raise bad(f"np.linalg.{fn.attr} is not a chainrule.numpy.linalg function")
        else:
            raise bad("only chainrule.numpy functions can be called")
        for a in node.args:
            if isinstance(a, ast.Starred):
                raise bad("*args is not allowed")
            _check_node(a, funcs, variables, expr)
        for k in node.keywords:
            if k.arg is None:
                raise bad("**kwargs is not allowed")
            _check_node(k.value, funcs, variables, expr)
    elif isinstance(node, ast.Subscript):
        _check_node(node.value, funcs, variables, expr)
        _check_node(node.slice, funcs, variables, expr)
    elif isinstance(node, ast.Slice):
        for part in (node.lower, node.upper, node.step):
            if part is not None:
                _check_node(part, funcs, variables, expr)
    elif isinstance(node, ast.Attribute):
        raise bad("attribute access is allowed only for np.<function> calls")
    else:
        raise bad(f"{type(node).__name__} is not allowed")


def compile_expression(expr: str, names: Sequence[str] | None = None
                       ) -> tuple[Callable[..., Any], list[str]]:
    """A function of the expression's variables, evaluated with chainrule.numpy.

    ``expr`` is NumPy syntax (``"sin(w1*x + w0)"``, ``"np.sum(x**2)"``, ``"(sin(a), cos(a))"``):
    numbers, variables, arithmetic, calls of chainrule.numpy functions (unqualified or as
    ``np.*``/``np.linalg.*``), indexing and tuples; nothing else is accepted (it is parsed
    with :mod:`ast` and checked before it is compiled, and runs with no builtins). Returns
    ``(function, parameter names)``: the parameters are ``names`` when given (every variable
    of the expression must be among them), else the variables in order of appearance.
    """
    try:
        tree = ast.parse(expr.strip(), mode="eval")
    except SyntaxError as e:
        col = f" at column {e.offset}" if e.offset else ""
        raise ExpressionError(f"could not parse {expr!r}{col}: {e.msg}") from None
    funcs = _allowed_functions()
    variables: list[str] = []
    _check_node(tree, funcs, variables, expr)
    if names is not None:
        names = list(names)
        for v in variables:
            if v not in names:
                raise ExpressionError(
                    f"the expression uses the variable {v!r}, which has no value; pass it, "
                    f"e.g. --at {v}=1.0 (arrays as --at {v}=[1,2,3]).")
        for n in names:
            if not n.isidentifier() or n.startswith("_") or n == "np" or n in funcs[""]:
                raise ExpressionError(f"{n!r} cannot be a variable name (it is not an "
                                      "identifier, or it names a function).")
    else:
        names = variables
    lam = ast.Lambda(
        args=ast.arguments(posonlyargs=[], args=[ast.arg(arg=n) for n in names],
                           kwonlyargs=[], kw_defaults=[], defaults=[]),
        body=tree.body)
    ast.copy_location(lam, tree.body)
    code = compile(ast.fix_missing_locations(ast.Expression(body=lam)), EXPRESSION_FILE, "eval")
    text = expr.strip()
    linecache.cache[EXPRESSION_FILE] = (len(text), None, [text + "\n"], EXPRESSION_FILE)
    np_ns = types.SimpleNamespace(**funcs[""], linalg=types.SimpleNamespace(**funcs["linalg"]),
                                  **_CONSTANTS)
    namespace = {"__builtins__": {}, "np": np_ns, **_CONSTANTS, **funcs[""]}
    fn = eval(code, namespace)  # noqa: S307 - the tree was checked node by node above
    fn.__name__ = "f"
    fn.__qualname__ = "f"
    return fn, list(names)

"""Staging: the trace as data (:class:`Program`), ``compile`` (trace once, replay as plain
NumPy) and ``codegen`` (the readable Python source of a compiled program)."""

from .compiled import Compiled, RetraceWarning, codegen, compile
from .optimize import PASSES, optimize
from .program import Const, Eqn, Guard, GuardError, Program, Var
from .trace import SideEffectWarning, StagingError, make_program

__all__ = ["make_program", "compile", "codegen", "Compiled", "RetraceWarning", "optimize",
           "PASSES", "Program", "Var", "Const", "Eqn", "Guard", "GuardError",
           "StagingError", "SideEffectWarning"]

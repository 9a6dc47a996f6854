"""The machine: primitives, trace levels, the reverse-mode tape, forward-mode duals, pytrees.

Knows nothing about NumPy's namespace or about neural networks.
"""

from . import tree
from .fit import broadcast_to, cast, sum_to
from .forward import FinishedJVPTrace, JVPTrace, JVPTracer
from .primitive import Primitive, Tracer, full_unwrap, new_level, primitive
from .reverse import FinishedReverseTrace, NoRuleError, ReverseTrace, ReverseTracer

__all__ = [
    "Primitive", "Tracer", "primitive", "full_unwrap", "new_level",
    "ReverseTrace", "ReverseTracer", "JVPTrace", "JVPTracer", "NoRuleError",
    "sum_to", "broadcast_to", "cast", "tree", "FinishedReverseTrace", "FinishedJVPTrace",
]

"""The machine: primitives, trace levels, the reverse-mode tape, forward-mode duals,
unbroadcasting, pytrees, and the one observation point that explain and debug_nans use.

Knows nothing about NumPy's namespace or about neural networks.
"""

from . import observe, tree
from .forward import FinishedJVPTrace, JVPTrace, JVPTracer, push_forward
from .primitive import (
    ByArgnum,
    MissingRule,
    NoRuleError,
    Primitive,
    Tracer,
    cannot_differentiate,
    document_primitives,
    escaped,
    full_unwrap,
    new_level,
    no_rule,
    plain,
    primitive,
)
from .reverse import FinishedReverseTrace, ReverseTrace, ReverseTracer
from .unbroadcast import broadcast_to, cast, sum_to

__all__ = [
    "Primitive", "Tracer", "primitive", "full_unwrap", "plain", "new_level", "ByArgnum",
    "MissingRule", "NoRuleError", "no_rule", "cannot_differentiate", "escaped",
    "document_primitives", "ReverseTrace", "ReverseTracer", "JVPTrace", "JVPTracer",
    "push_forward", "sum_to", "broadcast_to", "cast", "tree", "observe",
    "FinishedReverseTrace", "FinishedJVPTrace",
]

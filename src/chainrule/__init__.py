"""chainrule: automatic differentiation for NumPy code.

>>> import chainrule as cr
>>> import numpy as np
>>> cr.grad(lambda x: np.sin(x) * x)(1.0)
np.float64(1.3817732906760363)
"""

from __future__ import annotations

import sys as _sys

from . import core, numpy, ops  # noqa: F401  (attach the array interface; register NumPy names)
from .check import (
                    GradCheckReport,
                    GradientCheckError,
                    check_grads,
                    numerical_grad,
                    numerical_jacobian,
)
from .core import NoRuleError, Primitive
from .core import tree as tree
from .core.primitive import defjvp, defvjp  # autograd's function forms of f.defvjp/f.defjvp
from .debug import debug_nans
from .explain import Explanation, explain
from .implicit import FixedPointError, fixed_point
from .staging import codegen, compile, make_program  # noqa: A004  (cr.compile, as jax.jit)
from .transforms import (
                    checkpoint,
                    elementwise_grad,
                    grad,
                    hessian,
                    hvp,
                    jacfwd,
                    jacobian,
                    jacrev,
                    jvp,
                    primitive,
                    stop_gradient,
                    value_and_grad,
                    vjp,
                    vmap,
)

__version__ = "0.1.0"

# `import chainrule.tree` / `from chainrule.tree import ravel` name the one pytree module,
# chainrule.core.tree (autograd's `from autograd.misc import flatten` swaps to
# `from chainrule.tree import ravel as flatten`).
_sys.modules.setdefault(f"{__name__}.tree", tree)

__all__ = [
    "grad", "value_and_grad", "vjp", "jvp", "jacfwd", "jacrev", "jacobian", "hessian", "hvp",
    "elementwise_grad", "stop_gradient", "checkpoint", "primitive", "Primitive",
    "check_grads", "numerical_grad", "numerical_jacobian", "GradientCheckError",
    "GradCheckReport", "debug_nans",
    "NoRuleError", "tree", "explain", "Explanation", "defvjp", "defjvp",
    "fixed_point", "FixedPointError", "make_program", "compile", "codegen", "vmap",
]

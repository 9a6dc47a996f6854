"""The evaluation trace of your own code, as the lecture's tables, and its graph.

``cr.explain(f, *args)`` runs ``f`` once on a recording reverse trace and returns an
:class:`Explanation`: one row per value (``a1, a2, ...``), the arguments first (named by
parameter name and pytree path, ``params["W"]``), then one row per primitive operation in
execution order, with its operation and inputs, its value, and the line of your code that
produced it.

* ``.forward(wrt=..., tangent=...)`` fills the tangent column ȧ: forward mode seeded as you
  say (default: ones for the chosen argument), walking the recorded operations in order with
  their JVP rules. Each ȧ is shown as the sum of its inputs' shares,
  ``ȧ4 = ∂a4/∂a2·ȧ2 + ∂a4/∂a3·ȧ3``.
* ``.backward(output=..., cotangent=...)`` fills the adjoint column ā: reverse mode seeded at
  one output (default output 0, cotangent ones), walking the records backwards with their
  VJP rules and keeping *every* adjoint, not only the inputs'. A value used several times
  (fan-out) shows the contributions that add up to its adjoint,
  ``ā5 = ā6·∂a6/∂a5 + ā7·∂a7/∂a5``.

Both return a new :class:`Explanation`, so ``explain(f, *a).forward(...).backward(...)``
shows both columns. Renderings: ``str()`` (aligned text, unicode ȧ/ā with an ASCII fallback),
``_repr_html_`` (notebooks), :meth:`Explanation.to_dot` (graphviz DOT text),
:meth:`Explanation.to_svg` / :meth:`Explanation.save` (through graphviz's ``dot`` program).
:meth:`Explanation.cost` times the value against the value and gradient (ω, next to the
cheap-gradient bound) and each operation's forward and backward work;
:meth:`Explanation.saved` lists what the backward pass keeps alive.

Choices (DESIGN.md leaves them open):

* Every real floating leaf of every argument is traced and gets a row; other leaves
  (integers, booleans, strings) are constants, shown by value where they are used, as are
  constants inside the function (``1 + a7``). Python floats become 0-d float64 arrays.
* Outputs are the leaves of ``f``'s result in pytree order, named ``out``, ``out[0]``,
  ``out[1]``... ``output=`` counts them from 0 (negative counts from the end).
* A zero tangent or adjoint is kept symbolic during the walk (as the engine does: no work),
  and shown, and stored in ``Row.tangent``/``Row.adjoint``, as zeros of the value's shape.
* The source of an operation is the first frame outside chainrule's machinery (core, ops,
  numpy, scipy, transforms, this package) and outside NumPy, found by
  :func:`chainrule.core.observe.user_source` — the same line ``debug_nans`` names. On
  Python 3.11+ the exact sub-expression is shown (``w1 * x`` rather than the whole line).
  Only an active observer pays for this frame walk; ``grad`` and friends never do.

How it is built: ``explain`` runs ``f`` once on the engine's reverse trace and watches it
through the engine's observation point (:mod:`chainrule.core.observe`); ``.forward`` and
``.backward`` are the engine's own walks over that tape (``push_forward`` and
``ReverseTrace.backward``), watched step by step. The modules, one job each:
:mod:`~chainrule.explain.recording` (the trace and the walks),
:mod:`~chainrule.explain.explanation` (the :class:`Explanation` API),
:mod:`~chainrule.explain.text` (text and HTML), :mod:`~chainrule.explain.graph` (DOT, SVG),
:mod:`~chainrule.explain.cost` (time and memory), :mod:`~chainrule.explain.formatting`
(numbers and symbols), :mod:`~chainrule.explain.expression` (the command line's parser).
"""

from ..core.observe import Source
from .cost import CHEAP_GRADIENT_BOUND, CostReport, OpCost, SavedArray, SavedReport
from .explanation import Explanation, explain
from .expression import ExpressionError, compile_expression
from .formatting import SMALL
from .graph import GraphvizNotFoundError
from .recording import Row

__all__ = [
    "explain", "Explanation", "Row", "Source", "CostReport", "OpCost", "SavedReport",
    "SavedArray", "GraphvizNotFoundError", "ExpressionError", "compile_expression",
    "CHEAP_GRADIENT_BOUND", "SMALL",
]

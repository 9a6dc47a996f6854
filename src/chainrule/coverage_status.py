"""The vocabulary of the coverage report: the status of a public callable, and its row.

Shared by :mod:`chainrule.coverage` (NumPy's namespaces) and
:mod:`chainrule.scipy_coverage` (SciPy's), so neither imports the other's tables.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["RULE", "PASSTHROUGH", "UNSUPPORTED", "NOT_APPLICABLE", "MISSING", "Row"]

RULE = "rule (both modes)"
PASSTHROUGH = "passthrough (non-differentiable)"
UNSUPPORTED = "not supported"
NOT_APPLICABLE = "not applicable"
MISSING = "differentiable, no rule yet"


@dataclass(frozen=True)
class Row:
    """One public callable: ``name`` (``numpy.sum``), ``status`` (one of RULE, PASSTHROUGH,
    UNSUPPORTED, NOT_APPLICABLE), ``detail`` (the reason or a note) and ``problem`` (why
    ``--check`` fails for this name; None when all is well)."""

    name: str
    status: str
    detail: str = ""
    problem: str | None = None

    @property
    def text(self) -> str:
        if self.status in (UNSUPPORTED, NOT_APPLICABLE):
            return f"{self.status}: {self.detail}"
        return f"{self.status} — {self.detail}" if self.detail else self.status

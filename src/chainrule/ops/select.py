"""Selection: sorting, taking, choosing (derivatives flow to the selected entries)."""

from __future__ import annotations

"""A tqdm progress bar when tqdm is installed (an optional extra), else a silent stand-in."""

from __future__ import annotations

from typing import Any

__all__ = ["bar"]


class _Silent:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass

    def __enter__(self) -> _Silent:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def bar(total: int, desc: str, progress: bool = True) -> Any:
    """A progress bar over ``total`` points (a context manager with ``update``)."""
    if not progress:
        return _Silent()
    try:
        from tqdm.auto import tqdm
    except ImportError:  # tqdm is optional: the plain loop
        return _Silent()
    return tqdm(total=total, desc=desc, unit="pt", dynamic_ncols=True, leave=False)

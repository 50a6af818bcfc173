"""`changing` and `all_or_nothing` for both units of work (the SQL adapter and its fake)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Self


class AllOrNothing(AbstractContextManager["AllOrNothing"]):
    """While `_holding` is set, the unit of work's `commit` keeps what it would make final
    (the SQL transaction, the memory fake's working copy and pending audit events); the end of
    the block makes it final with one commit, and an error leaves nothing of it."""

    _holding: bool = False

    def commit(self) -> None:
        raise NotImplementedError

    @contextmanager
    def changing(self) -> Iterator[Self]:
        """`with uow:` for a block that changes the registry (the SQL adapter begins a
        writer's transaction for it; the memory fake has only one kind)."""
        with self:
            yield self

    @contextmanager
    def all_or_nothing(self) -> Iterator[Self]:
        """One transaction for the whole block, however many use cases commit inside it."""
        if self._holding:
            raise RuntimeError("all_or_nothing blocks do not nest")
        with self:
            self._holding = True
            try:
                yield self
            finally:
                self._holding = False
            self.commit()


__all__ = ["AllOrNothing"]

"""The interactive terminal guide: arrow keys at a terminal, numbered prompts elsewhere."""

from ._session import run

__all__ = ["run"]

"""The JSON API: thin routes over the guide, with schemas kept apart from the domain."""

from ._routes import router

__all__ = ["router"]

"""The JSON API: thin routes over the guide, with schemas kept apart from the domain."""

from ._problems import error_response
from ._routes import router

__all__ = ["error_response", "router"]

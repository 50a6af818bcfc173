"""The web guide: server-rendered pages, the JSON API and its documentation, in one app."""

from ._app import create_app

__all__ = ["create_app"]

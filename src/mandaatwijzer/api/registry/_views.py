"""Domain objects as plain values for the schemas and the templates: `plain_views`, which
the command line shares without importing the API."""

from __future__ import annotations

from ...plain_views import (
    GUIDE_FLOW,
    View,
    decision,
    dossier,
    guide_href,
    local_admin,
    mandate,
    organisation,
    page,
    party,
    person,
    right,
    work_relation,
)

__all__ = ["GUIDE_FLOW", "View", "decision", "dossier", "guide_href", "local_admin", "mandate",
           "organisation", "page", "party", "person", "right", "work_relation"]

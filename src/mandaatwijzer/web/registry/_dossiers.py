"""An applicant's KIOSK dossiers, for whoever may manage them: the applicant itself, and the
executors of the providers it gave a mandate; anyone else meets the refusal, which names what
is missing and links to the check that explains it."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ...api.registry import context
from ...registry import policy, rules, views
from ...registry.errors import RuleViolationError
from . import _auth
from ._common import page, show, today


@page
def dossiers(request: Request, lang: str) -> Response:
    day = today(request)
    applicant = request.path_params["applicant"]
    with context(request).units() as uow:
        viewer = rules.person(uow.repo, _auth.person_id(request))
        try:
            found = views.applicant_dossiers(uow.repo, viewer, applicant, day)
        except RuleViolationError as error:
            if error.rule != policy.MAY_MANAGE_DOSSIERS:
                raise
            # The refusal, with the check that says what is missing and who can fix it.
            return show(request, lang, "registry/forbidden.html", repo=uow.repo, status=403,
                        rule=error.rule, message=error.message,
                        check=f"/{lang}/registry/check?person={viewer.id}"
                              f"&applicant={applicant}")
        return show(request, lang, "registry/dossiers.html", repo=uow.repo, found=found,
                    person=viewer)

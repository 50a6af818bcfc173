"""`mandaatwijzer registry …` and `mandaatwijzer demo`: the registry on the command line.

Thin, like the rest of the command line: parse, call one use case, print, in the words of
the catalog in the language of `--lang` (else the locale's: `_common.speaking`); `--json`
prints the API's fields for the same objects (`api.registry`'s views). A domain error
becomes one line on stderr and the error's exit code (6 invalid, 7 forbidden by a rule,
8 not found, 9 conflict); `may-manage` exits 10 when the answer is no, `audit verify` 11
when the log is broken, and 2 means the set-up is wrong (settings, files, a command that
needs a SQL database). The database is MANDAATWIJZER_DATABASE_URL (`Settings.from_env`).

National register numbers are personal data: they are accepted as an argument, an option or
on stdin, printed only masked, and never echoed in an error. Only `registry export persons`
writes them in full, to a file or a pipe (it refuses a terminal).

Imported only when the typer application is built (see cli.py).
"""

from __future__ import annotations

import typer

from ._admin import audit_app, demo, token_app
from ._bulk import export, import_
from ._mandates import applicants_for, awaiting_signature, mandate_app, may_manage, persons_for
from ._people import admin_app, dossier_app, org_app, person_app, relation_app, right_app
from ._why import todo, why

registry_app = typer.Typer(
    help="The registry of persons, organisations, rights and mandates.", no_args_is_help=True)
for _group, _group_name in (
        (person_app, "person"), (org_app, "org"), (relation_app, "work-relation"),
        (admin_app, "local-admin"), (right_app, "right"), (mandate_app, "mandate"),
        (dossier_app, "dossier"), (token_app, "token"), (audit_app, "audit")):
    registry_app.add_typer(_group, name=_group_name)
for _command in (may_manage, why, todo, applicants_for, persons_for, awaiting_signature,
                 import_, export):
    registry_app.command(_command.__name__.strip("_").replace("_", "-"))(_command)

__all__ = ["demo", "registry_app"]

"""The answers that first reach each outcome of a packaged flow, kept beside the flow.

A registry decision names the guide's outcome that shows what to do, and links to it with the
answers of the first path that reaches it (`paths`). Working those out means loading the flow:
its YAML, its model, its check, about 20 ms of a registry command's start (docs/performance.md,
"Registry commands: the start"). So they are kept in `first-answers.json` beside `flow.yaml`,
with the SHA-256 of the `flow.yaml` they were worked out from. A kept file whose digest is not
that of the `flow.yaml` beside it is not read: the answers are then worked out as before, so
a kept file may be out of date, never wrong. `tests/unit/test_guide_first_answers.py` fails
while a packaged one is out of date; `python -m mandaatwijzer.guide._first_answers` writes
them.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from ._folders import flows_folder

#: The kept answers' file, in a flow's folder.
KEPT = "first-answers.json"


def _digest(flow_file: Path) -> str:
    return hashlib.sha256(flow_file.read_bytes()).hexdigest()


def first_answers(flow_id: str) -> dict[str, str]:
    """For each outcome of a packaged flow, the answers (as a query) of the first path that
    reaches it. Raises `UnknownFlowError` for a flow that is not packaged."""
    folder = flows_folder() / flow_id
    try:
        kept = json.loads((folder / KEPT).read_text(encoding="utf-8"))
        if kept["flow_sha256"] == _digest(folder / "flow.yaml"):
            return {str(outcome): str(query) for outcome, query in kept["answers"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        pass  # no kept file, or not one this module wrote: work them out
    return worked_out(flow_id)


def worked_out(flow_id: str) -> dict[str, str]:
    """`first_answers`, from the flow itself."""
    from ._catalog import flow
    from ._paths import paths

    found: dict[str, str] = {}
    for path in paths(flow(flow_id)):
        found.setdefault(path.outcome.id, path.query)
    return found


def keep(flow_id: str) -> Path:
    """Write a packaged flow's first answers beside its `flow.yaml`; returns the file."""
    folder = flows_folder() / flow_id
    kept = {"flow_sha256": _digest(folder / "flow.yaml"), "answers": worked_out(flow_id)}
    target = folder / KEPT
    target.write_text(json.dumps(kept, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return target


def main() -> None:
    from ._catalog import flow_ids

    for flow_id in flow_ids():
        print(keep(flow_id))


if __name__ == "__main__":
    main()


__all__ = ["KEPT", "first_answers", "keep", "worked_out"]

"""The command line. Thin: parse, call the guide, print; errors become one line and an exit code."""

from __future__ import annotations

import json
import sys
from typing import Annotated, NoReturn

import typer

from .guide import _errors

app = typer.Typer(
    name="mandaatwijzer",
    help="Mandaatwijzer: the decision guide and registry for external service providers in KIOSK.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
flow_app = typer.Typer(help="Inspect, check and export the packaged flows.", no_args_is_help=True)
app.add_typer(flow_app, name="flow")

DEFAULT_FLOW = "externe-dienstverlener"
Lang = Annotated[str, typer.Option("--lang", "-l", help="Language of the texts: nl or en.")]


def _fail(error: _errors.GuideError) -> NoReturn:
    sys.stderr.write(f"mandaatwijzer: error: {error.message}\n")
    raise typer.Exit(error.exit_code)


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


@flow_app.command("check")
def flow_check(
    flows: Annotated[list[str] | None, typer.Argument(
        help="Flow ids, or folders holding a flow.yaml; all packaged flows when none.")] = None,
) -> None:
    """Check flows: routing, texts in every language, glossary links and addresses."""
    from .guide import _catalog, _checker, _loader
    from pathlib import Path

    try:
        packaged = [_loader.load_flow(_catalog.flows_folder() / f) for f in _catalog.flow_ids()]
        targets = []
        for name in flows or list(_catalog.flow_ids()):
            folder = Path(name)
            if (folder / "flow.yaml").is_file():
                targets.append(_loader.load_flow(folder))
            else:
                targets.append(next((f for f in packaged if f.id == name), None)
                               or _fail(_errors.UnknownFlowError(name, _catalog.flow_ids())))
        problems = _checker.check(targets, _catalog.glossary(), packaged)
    except _errors.FlowFormatError as error:
        sys.stdout.write(f"{error.message}\n")
        raise typer.Exit(1) from None
    for problem in problems:
        sys.stdout.write(problem.line() + "\n")
    errors = sum(problem.is_error for problem in problems)
    summary = f"{len(targets)} flow(s) checked: {errors} error(s), {len(problems) - errors} warning(s)"
    sys.stderr.write(summary + "\n")
    if errors:
        raise typer.Exit(1)


@flow_app.command("paths")
def flow_paths(
    flow_id: Annotated[str, typer.Argument(help="The flow id.")] = DEFAULT_FLOW,
    lang: Lang = "nl",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every path from the start to an outcome, with a stable id."""
    from .guide import _catalog, _paths

    try:
        flow = _catalog.flow(flow_id)
        _catalog.language(lang)
    except _errors.GuideError as error:
        _fail(error)
    found = _paths.paths(flow)
    if as_json:
        _print_json([
            {
                "id": path.id,
                "answers": path.query,
                "steps": [{"question": s.question.id, "answer": s.answer} for s in path.steps],
                "outcome": path.outcome.id,
                "text": flow.text(path.outcome.id, lang),
            }
            for path in found
        ])
        return
    for path in found:
        given = ", ".join(f"{s.question.id}={s.answer}" for s in path.steps)
        sys.stdout.write(f"{path.id}  {given}  →  {path.outcome.id}\n")


@flow_app.command("export")
def flow_export(
    flow_id: Annotated[str, typer.Argument(help="The flow id.")] = DEFAULT_FLOW,
    fmt: Annotated[str, typer.Option("--format", "-f", help="mermaid, dot or text.")] = "text",
    lang: Lang = "nl",
) -> None:
    """Export the flow as a Mermaid or Graphviz diagram, or as an indented text outline."""
    from .guide import _catalog, _export

    try:
        flow = _catalog.flow(flow_id)
        _catalog.language(lang)
    except _errors.GuideError as error:
        _fail(error)
    render = _export.FORMATS.get(fmt)
    if render is None:
        sys.stderr.write(f"mandaatwijzer: error: unknown format {fmt!r}; "
                         f"expected one of: {', '.join(_export.FORMATS)}\n")
        raise typer.Exit(2)
    sys.stdout.write(render(flow, lang))


@app.command("guide")
def guide(
    flow_id: Annotated[str, typer.Argument(help="The flow id.")] = DEFAULT_FLOW,
    lang: Lang = "nl",
    answers: Annotated[str | None, typer.Option(
        "--answers", "-a", help="Answers as a query string, e.g. 'eid=ja&rol=mandaatbeheerder'."
    )] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the state as JSON and stop.")] = False,
) -> None:
    """Walk through a flow one statement at a time (or print a state with --answers --json)."""
    from .guide import _catalog, _engine

    try:
        flow = _catalog.flow(flow_id)
        _catalog.language(lang)
        state = _engine.from_query(flow, answers or "")
    except _errors.GuideError as error:
        _fail(error)
    if as_json:
        from .guide import _view

        _print_json(_view.state_view(state, _catalog.glossary(), lang))
        return
    from .terminal import run

    raise typer.Exit(run(state, _catalog.glossary(), lang))


def main() -> None:
    app()

"""The command line. Thin: parse, call the guide, print; errors become one line and an exit code.

Cold start matters for `guide ... --json`, the command that scripts call: `main` answers it
without importing typer (whose parameter handling imports pydantic, ~200 ms on a small
machine; see docs/performance.md). Every other command line, and every one that the fast
path does not recognise, goes to the typer application, which is built on first use of
`app`. Both ways run the same code after parsing, so they print the same.

A registry command line gets an application with only its command in it (`_app_for`), and
typer's plain values are converted without pydantic (`_plain_params`): ADR 0012. The guide is
imported where it is used, so a registry command never imports it.
"""

from __future__ import annotations

import dataclasses
import enum
import json
import os
import re
import sys
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

from . import collector

if TYPE_CHECKING:
    import typer

    from . import guide as _guide  # the package, not the `guide` command below
    from .guide import State

    app: typer.Typer
    flow_app: typer.Typer

DEFAULT_FLOW = "externe-dienstverlener"
_LANG_HELP = "Language of the texts: nl or en."


def _report(error: _guide.GuideError) -> None:
    sys.stderr.write(f"mandaatwijzer: error: {error.message}\n")


def _fail(error: _guide.GuideError) -> NoReturn:
    _report(error)
    raise typer.Exit(error.exit_code)


def _print_json(data: object) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def flow_check(
    flows: Annotated[list[str] | None, typer.Argument(
        help="Flow ids, or folders holding a flow.yaml; all packaged flows when none.")] = None,
) -> None:
    """Check flows: routing, texts in every language, glossary links and addresses."""
    from pathlib import Path

    from . import guide as _guide

    try:
        packaged = [_guide.load_flow(_guide.flows_folder() / f) for f in _guide.flow_ids()]
        targets = []
        for name in flows or list(_guide.flow_ids()):
            folder = Path(name)
            if (folder / "flow.yaml").is_file():
                targets.append(_guide.load_flow(folder))
            else:
                targets.append(next((f for f in packaged if f.id == name), None)
                               or _fail(_guide.UnknownFlowError(name, _guide.flow_ids())))
        problems = _guide.check(targets, _guide.glossary(), packaged)
    except _guide.FlowFormatError as error:
        sys.stdout.write(f"{error.message}\n")
        raise typer.Exit(1) from None
    for problem in problems:
        sys.stdout.write(problem.line() + "\n")
    errors = sum(problem.is_error for problem in problems)
    warnings = len(problems) - errors
    summary = f"{len(targets)} flow(s) checked: {errors} error(s), {warnings} warning(s)"
    sys.stderr.write(summary + "\n")
    if errors:
        raise typer.Exit(1)


def flow_paths(
    flow_id: Annotated[str, typer.Argument(help="The flow id.")] = DEFAULT_FLOW,
    lang: Annotated[str, typer.Option("--lang", "-l", help=_LANG_HELP)] = "nl",
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List every path from the start to an outcome, with a stable id."""
    from . import guide as _guide

    try:
        flow = _guide.flow(flow_id)
        _guide.language(lang)
    except _guide.GuideError as error:
        _fail(error)
    found = _guide.paths(flow)
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


def flow_export(
    flow_id: Annotated[str, typer.Argument(help="The flow id.")] = DEFAULT_FLOW,
    fmt: Annotated[str, typer.Option("--format", "-f", help="mermaid, dot or text.")] = "text",
    lang: Annotated[str, typer.Option("--lang", "-l", help=_LANG_HELP)] = "nl",
) -> None:
    """Export the flow as a Mermaid or Graphviz diagram, or as an indented text outline."""
    from . import guide as _guide

    try:
        flow = _guide.flow(flow_id)
        _guide.language(lang)
    except _guide.GuideError as error:
        _fail(error)
    render = _guide.EXPORT_FORMATS.get(fmt)
    if render is None:
        sys.stderr.write(f"mandaatwijzer: error: unknown format {fmt!r}; "
                         f"expected one of: {', '.join(_guide.EXPORT_FORMATS)}\n")
        raise typer.Exit(2)
    sys.stdout.write(render(flow, lang))


def _guide_state(flow_id: str, lang: str, answers: str | None) -> State:
    """The state `guide` starts from; raises the GuideError to report."""
    from . import guide as _guide

    flow = _guide.flow(flow_id)
    _guide.language(lang)
    return _guide.from_query(flow, answers or "")


def _print_state(state: State, lang: str) -> None:
    from . import guide as _guide

    _print_json(_guide.state_view(state, _guide.glossary(), lang))


def guide(
    flow_id: Annotated[str, typer.Argument(help="The flow id.")] = DEFAULT_FLOW,
    lang: Annotated[str, typer.Option("--lang", "-l", help=_LANG_HELP)] = "nl",
    answers: Annotated[str | None, typer.Option(
        "--answers", "-a", help="Answers as a query string, e.g. 'eid=ja&rol=mandaatbeheerder'."
    )] = None,
    as_json: Annotated[bool, typer.Option(
        "--json", help="Print the state as JSON and stop.")] = False,
) -> None:
    """Walk through a flow one statement at a time (or print a state with --answers --json).

    Links print as full addresses under MANDAATWIJZER_BASE_URL (default http://127.0.0.1:8000,
    where `mandaatwijzer serve` answers); a how-to is printed in full.
    """
    from . import guide as _guide

    try:
        state = _guide_state(flow_id, lang, answers)
    except _guide.GuideError as error:
        _fail(error)
    if as_json:
        _print_state(state, lang)
        return
    from .config import base_url_from_env
    from .terminal import run

    try:
        # Links print as full addresses under the web guide's (docs/flows.md).
        base_url = base_url_from_env()
    except ValueError as error:
        sys.stderr.write(f"mandaatwijzer: error: {error}\n")
        raise typer.Exit(2) from None
    raise typer.Exit(run(state, _guide.glossary(), lang, base_url=base_url))


def serve(
    host: Annotated[str | None, typer.Option(
        help="Address to listen on (default: MANDAATWIJZER_HOST or 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(
        help="Port to listen on (default: MANDAATWIJZER_PORT or 8000).", min=1,
        max=65535)] = None,
) -> None:
    """Start the web guide: pages, glossary, diagrams and the JSON API, in one process."""
    import dataclasses
    import logging

    import uvicorn

    from .bootstrap import check_sign_in, with_demo_sign_in
    from .config import Settings
    from .web import create_app

    try:
        settings = Settings.from_env()
        # The demo signs in through a local provider beside the app; a deployment through
        # its own, whose discovery document is checked now rather than at the first sign-in.
        settings, stop_provider = with_demo_sign_in(settings)
        check_sign_in(settings)
    except ValueError as error:
        sys.stderr.write(f"mandaatwijzer: error: {error}\n")
        raise typer.Exit(2) from None
    settings = dataclasses.replace(settings, host=host or settings.host,
                                   port=port or settings.port)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s:     %(message)s")
    # The sign-in's calls to the provider (discovery, token, keys, userinfo): only problems.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    sys.stderr.write(f"Mandaatwijzer: http://{settings.host}:{settings.port}/\n")
    if settings.sign_in is None:
        sys.stderr.write("Sign-in is not configured: the guide and the token API work, the "
                         "registry's pages say so (MANDAATWIJZER_OIDC_*, docs/adr/0011).\n")
    elif settings.demo:
        sys.stderr.write(f"Demo sign-in server (stands in for ACM/IDM): "
                         f"{settings.sign_in.issuer}/\n")
    # uvicorn's own access log would print query strings, which hold the answers: ours does not.
    # Loop and HTTP parser stay "auto": uvloop and httptools, dependencies of the package, where
    # they install (asyncio and h11 elsewhere); one process, one worker. bench/bench_web.py
    # measures the server through this function (docs/performance.md, "Web guide").
    try:
        uvicorn.run(create_app(settings), host=settings.host, port=settings.port,
                    access_log=False, server_header=False)
    finally:
        stop_provider()


def _root() -> typer.Typer:
    """The application's top, without its commands. Typer is imported here, not at the top:
    see the module doc."""
    global typer  # the commands' annotations and bodies name the module `typer`
    import typer

    return typer.Typer(
        name="mandaatwijzer",
        help="Mandaatwijzer: the decision guide and registry for external service providers "
             "in KIOSK.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
        cls=_group_class(),
    )


@cache
def _build_app() -> typer.Typer:
    """The typer application, every command in it."""
    application = _root()
    flows = typer.Typer(help="Inspect, check and export the packaged flows.", no_args_is_help=True)
    application.add_typer(flows, name="flow")
    flows.command("check")(flow_check)
    flows.command("paths")(flow_paths)
    flows.command("export")(flow_export)
    application.command("guide")(guide)
    application.command("serve")(serve)
    from .registry_cli import demo, registry_app
    application.add_typer(registry_app, name="registry")
    application.command("demo")(demo)
    globals().update(app=application, flow_app=flows)
    return application


def _app_for(args: list[str]) -> typer.Typer | None:
    """The application with only the registry command that `args` names (`registry person
    list ...`, `demo ...`), built and imported alone; None when `args` names none plainly
    (then the whole application decides). The command is the same object in both, so its
    parsing, help and errors are the same (ADR 0012)."""
    if not args or args[0] not in ("registry", "demo"):
        return None
    from . import registry_cli

    registry = registry_cli.registry_app_for(args[1:]) if args[0] == "registry" else None
    if registry is None and args[0] == "registry":
        return None
    application = _root()
    if registry is None:  # `demo`: the top stays a group (of `demo` and an empty `registry`)
        registry = typer.Typer()
        application.command("demo")(registry_cli.demo)
    application.add_typer(registry, name="registry")
    return application


# --- typer's conversion of plain values, without pydantic (ADR 0012) -------------------------

#: What Python's `int` and pydantic read as the same number (pydantic also takes "1_000",
#: " 7" or "٣": those, and every value out of bounds, go to typer's own conversion).
_PLAIN_INT = re.compile(r"-?[0-9]{1,18}")
_NOT_PLAIN = object()


def _plain_value(annotation: Any, info: Any, value: Any, ctx: Any) -> Any:
    """`value` (from the command line or a default) converted as typer converts it, for the
    plain types the commands use (str, int, list[str], an enum), or `_NOT_PLAIN`."""
    if annotation is str:
        return value if isinstance(value, str) else _NOT_PLAIN
    if annotation is int and not info.clamp:
        if isinstance(value, str) and _PLAIN_INT.fullmatch(value):
            number = int(value)
        elif isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            return _NOT_PLAIN
        too_small = info.min is not None and number < info.min
        too_big = info.max is not None and number > info.max
        return _NOT_PLAIN if too_small or too_big else number
    if annotation == list[str]:
        plain = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
        return list(value) if plain else _NOT_PLAIN
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        from typer._param_types import coerce_cli_choice

        try:
            return coerce_cli_choice(value, choices=tuple(annotation),
                                     case_sensitive=info.case_sensitive, ctx=ctx)
        except ValueError:
            return _NOT_PLAIN
    return _NOT_PLAIN


@cache
def _plain_param_class() -> type[Any] | None:
    """A typer runtime parameter that converts plain values itself and leaves anything else
    (errors too, so their messages stay typer's) to typer's pydantic conversion; None when
    this typer has no such layer (typer before 0.20 converts through click's types)."""
    try:
        from typer._coercion import RuntimeParam, TypeDescriptor, build_runtime_param
    except ImportError:  # pragma: no cover - another typer
        return None

    @dataclasses.dataclass(frozen=True)
    class PlainParam(RuntimeParam):
        descriptor: TypeDescriptor

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            found = _plain_value(self.annotation, self.parameter_info, value, ctx)
            if found is not _NOT_PLAIN:
                return found
            return build_runtime_param(self.descriptor)._coerce_value(value, param, ctx)

    return PlainParam


def _plain_params(command: Any) -> None:
    """Every parameter of `command` and its sub-commands that typer would convert through
    pydantic (imported and set up at the first value: about 60 ms) converts its plain values
    itself."""
    plain = _plain_param_class()
    if plain is None:
        return
    params = list(command.params)
    if not command.context_settings:  # its help option as its context will make it (--help)
        from typer._click import Context

        params.append(command.get_help_option(Context(command)))
    for param in params:
        descriptor = getattr(param, "type_descriptor", None)
        if descriptor is None or getattr(param, "_runtime_param", False) is not None:
            continue
        if descriptor.file_annotation is None and descriptor.parameter_info.parser is None:
            param._runtime_param = plain(parameter_info=descriptor.parameter_info,
                                         annotation=descriptor.annotation,
                                         descriptor=descriptor)
    for sub in getattr(command, "commands", {}).values():
        _plain_params(sub)


@cache
def _group_class() -> type[Any]:
    from typer.core import TyperGroup

    class Group(TyperGroup):
        """The top group: before it runs, its commands convert plain values without
        pydantic."""

        def main(self, *args: Any, **kwargs: Any) -> Any:
            _plain_params(self)
            return super().main(*args, **kwargs)

    return Group


def __getattr__(name: str) -> Any:
    """`app` and `flow_app` are built on first use (PEP 562)."""
    if name in ("app", "flow_app"):
        _build_app()
        return globals()[name]
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# --- the fast path -------------------------------------------------------------------------

_VALUE_OPTIONS = {"--lang": "lang", "-l": "lang", "--answers": "answers", "-a": "answers"}


def _parse_guide_json(args: list[str]) -> tuple[str, str, str | None] | None:
    """(flow id, lang, answers) when `args` is plainly `guide [FLOW] [options] --json`.

    Accepts only what click parses one obvious way: `--json`, `--lang`/`-l` and
    `--answers`/`-a` each at most once, a value as the next argument (not starting with
    "-") or after "=" on a long option, and at most one positional argument not starting
    with "-". Anything else (help, `--`, joined short options, repeats, errors, the
    interactive guide without `--json`) returns None and is left to typer.
    """
    if not args or args[0] != "guide":
        return None
    found: dict[str, str] = {}
    positional: list[str] = []
    rest = iter(args[1:])
    for arg in rest:
        if arg == "--json":
            name, value = "json", ""
        elif arg.startswith("--") and "=" in arg:
            option, value = arg.split("=", 1)
            if option not in _VALUE_OPTIONS:
                return None
            name = _VALUE_OPTIONS[option]
        elif arg in _VALUE_OPTIONS:
            value = next(rest, "-")
            if value.startswith("-"):
                return None
            name = _VALUE_OPTIONS[arg]
        elif arg.startswith("-"):
            return None
        else:
            positional.append(arg)
            continue
        if name in found:
            return None
        found[name] = value
    if "json" not in found or len(positional) > 1:
        return None
    flow_id = positional[0] if positional else DEFAULT_FLOW
    return flow_id, found.get("lang", "nl"), found.get("answers")


def _fast_path(args: list[str]) -> int | None:
    """The exit code of `guide ... --json` run without typer, or None to leave it to typer."""
    if os.name == "nt" or any(
        key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ
    ):  # typer would expand wildcards (Windows) or answer a shell-completion request
        return None
    parsed = _parse_guide_json(args)
    if parsed is None:
        return None
    flow_id, lang, answers = parsed
    from . import guide as _guide

    try:
        try:
            state = _guide_state(flow_id, lang, answers)
        except _guide.GuideError as error:
            _report(error)
            return error.exit_code
        _print_state(state, lang)
    except KeyboardInterrupt:  # as typer's main does
        return 130
    except BrokenPipeError:  # as typer's main does: exit 1, and no complaint at exit
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    return 0


def main() -> None:
    args = sys.argv[1:]
    code = _fast_path(args)
    if code is not None:
        sys.exit(code)
    completing = any(key.startswith("_") and key.endswith("_COMPLETE") for key in os.environ)
    collector.pause()  # resumed once the registry is open (registry_cli._common.context)
    application = None if completing else _app_for(args)
    if application is None:
        collector.resume(freeze=False)  # the whole application: a server, maybe
        _build_app()()
        return
    try:
        application()
    except SystemExit as stop:
        _end_now(stop)
        raise


def _end_now(stop: SystemExit) -> None:
    """End a registry command's process now, without the interpreter's teardown of the ~450
    modules it imported (about 60 ms, a sixth of its start: docs/performance.md, ADR 0012),
    once all it did is out: its database connections closed (SQLite's write-ahead log written
    back into the file), logging's handlers and stdout and stderr flushed. Returns, and the
    exit goes on as usual, when anything else might need the teardown: an exit that is not a
    number, another thread, a coverage measurement, an output that cannot be flushed."""
    code = 0 if stop.code is None else stop.code
    threading = sys.modules.get("threading")
    if (not isinstance(code, int) or "coverage" in sys.modules
            or (threading is not None and threading.active_count() > 1)):
        return
    from .registry_cli import close_contexts

    try:
        close_contexts()
        if "logging" in sys.modules:
            sys.modules["logging"].shutdown()
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # the usual exit then, which reports it as it always did
        return
    os._exit(code)

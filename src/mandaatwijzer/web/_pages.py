"""The guide's pages: thin handlers that turn a request into an engine call and a template."""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from .. import guide
from . import _i18n
from ._render import render
from .registry import Account, Act, Personal, account, act, personal


def _language(lang: str) -> str:
    if lang not in guide.LANGUAGES:
        raise HTTPException(404)
    return lang


def _flow(flow_id: str) -> guide.Flow:
    try:
        return guide.flow(flow_id)
    except guide.UnknownFlowError:
        raise HTTPException(404) from None


def _replay(flow: guide.Flow, query: str,
            known: Personal | None = None) -> tuple[guide.State, bool]:
    """The state the answers lead to, and whether some answers could not be used.

    For a signed-in person the registry answers the statements it knows (`known`) that the
    person's own answers (the address's) leave open; the person's answers win."""
    answers, dropped = guide.parse_query_lenient(query, flow.questions)
    registry = known.answers if known is not None else {}
    result = guide.replay(flow, {**registry, **answers})
    # Only the person's answers can be unusable: the registry's lie on the path or wait.
    problems = [p for p in result.problems if getattr(p, "question", None) not in registry
                or getattr(p, "question", None) in answers]
    return result.state, dropped or bool(problems)


def _back(flow: guide.Flow, state: guide.State, known: Personal | None) -> guide.State | None:
    """The state one of the person's answers back: past the registry's answers (which would
    answer again), or None at the start."""
    registry = known.answers if known is not None else {}
    steps = list(state.steps)
    while steps and registry.get(steps[-1].question.id) == steps[-1].answer:
        steps.pop()
    if not steps:
        return None
    answers = {step.question.id: step.answer for step in steps[:-1]}
    return guide.replay(flow, {**registry, **answers}).state


def _title(flow: guide.Flow, lang: str) -> str:
    title = flow.texts[lang].title
    return title.value if title else flow.id


def _steps(steps: list[dict[str, Any]], flow: guide.Flow, lang: str, query: str,
           known: Personal | None = None) -> list[dict[str, Any]]:
    """The state view's steps (`step_view` of each), each with the address to change it, and
    for a signed-in person what the registry says of it: the source of an answer it gave
    (`source`), or the registry's other answer to one the person changed (`differs`)."""
    registry = known.known if known is not None else {}
    views = []
    for step in steps:
        view = {**step, "change_href": guide.change_href(flow.id, lang, step["question"],
                                                         query)}
        found = registry.get(step["question"])
        if found is not None:
            answer, source = found
            view["source" if answer == step["answer"] else "differs"] = source
            view["registry_label"] = flow.option_label(flow.questions[step["question"]],
                                                       answer, lang)
        views.append(view)
    return views


def _glossary_entries(refs: list[dict[str, Any]], lang: str, back: str) -> list[dict[str, Any]]:
    terms = []
    glossary = guide.glossary()
    for ref in refs:
        term = glossary.term(ref["term"], lang)
        if term is not None:
            terms.append({"id": term.id, "term": term.term, "definition": term.definition,
                          "href": guide.glossary_href(lang, term.id, back=back)})
    return terms


def _step_page(request: Request, lang: str, flow: guide.Flow, state: guide.State, *,
               notice: bool = False, error: str | None = None, change: str | None = None,
               status: int = 200, known: Personal | None = None,
               action: Act | None = None, header: Account | None = None) -> Response:
    view = guide.state_view(state, guide.glossary(), lang, links_keep_answers=True)
    node = view["node"]
    query = view["answers"]  # state.query, made once: each use would encode the answers again
    here = guide.step_href(flow.id, lang, query)
    if change is not None:
        node = guide.node_view(flow, guide.glossary(), flow.questions[change], lang)
        back_href = here
    else:
        before = _back(flow, state, known)
        back_href = guide.step_href(flow.id, lang, before.query) if before is not None \
            else guide.start_href(flow.id, lang)
    refs = [link for link in node["links"] if link["kind"] == "glossary"]
    links = [link for link in node["links"] if link["kind"] != "glossary"]
    context: dict[str, Any] = {
        "flow": flow,
        "title": _title(flow, lang),
        "node": node,
        "links": links,
        "terms": _glossary_entries(refs, lang, here),
        "steps": _steps(view["steps"], flow, lang, query, known),
        "personal": known,
        "act": action,
        "trace": view["trace"],
        "answers_query": query,
        "action": here,
        "back_href": back_href,
        "start_href": guide.start_href(flow.id, lang),
        "diagram_href": guide.diagram_href(flow.id, lang, query),
        "notice": notice,
        "error": error,
        "checked": state.answers.get(change) if change else None,
    }
    template = "outcome.html" if node["kind"] == "outcome" and change is None else "question.html"
    return render(lang, template, path=request.url.path, query=request.url.query, status=status,
                  account=header, **context)


async def root(request: Request) -> Response:
    lang = _i18n.negotiate(request.headers.get("accept-language"))
    return RedirectResponse(f"/{lang}/", status_code=307, headers={"Vary": "Accept-Language"})


async def index(request: Request) -> Response:
    lang = _language(request.path_params["lang"])
    flows = [guide.flow(flow_id) for flow_id in guide.flow_ids()]
    shortcuts = []
    known = None
    for flow in flows:
        known = await personal(request, flow.id, lang)
        if known is not None:
            # Each outcome the person's place lets them act on, one click away: the intent
            # answers in the address, the registry's answers filled in by the guide.
            shortcuts = [{"outcome": s.outcome, "href": guide.step_href(
                flow.id, lang, guide.replay(flow, {**known.answers, **s.intent}).state.query)}
                for s in known.shortcuts]
            break
    return render(lang, "index.html", path=request.url.path, flows=flows, personal=known,
                  shortcuts=shortcuts, account=await account(request))


async def start(request: Request) -> Response:
    lang = _language(request.path_params["lang"])
    flow = _flow(request.path_params["flow"])
    texts = flow.texts[lang]
    refs = [{"term": ref.term} for ref in flow.start.glossary]
    return render(lang, "start.html", path=request.url.path, flow=flow, texts=texts,
                  terms=_glossary_entries(refs, lang, guide.start_href(flow.id, lang)),
                  step_href=guide.step_href(flow.id, lang),
                  diagram_href=guide.diagram_href(flow.id, lang), account=await account(request))


async def step(request: Request) -> Response:
    lang = _language(request.path_params["lang"])
    flow = _flow(request.path_params["flow"])
    known = await personal(request, flow.id, lang)
    if known is not None and known.must_choose:
        return render(lang, "choose_organisation.html", path=request.url.path,
                      query=request.url.query, flow=flow, title=_title(flow, lang),
                      personal=known, start_href=guide.start_href(flow.id, lang),
                      account=await account(request))
    state, dropped = _replay(flow, request.url.query, known)
    action = await act(request, known, state.node.id, lang) \
        if known is not None and state.finished else None
    return _step_page(request, lang, flow, state, notice=dropped, known=known, action=action,
                      header=await account(request))


async def answer(request: Request) -> Response:
    lang = _language(request.path_params["lang"])
    flow = _flow(request.path_params["flow"])
    known = await personal(request, flow.id, lang)
    state, _ = _replay(flow, request.url.query, known)
    form = await request.form()
    question_id, value = form.get("question"), form.get("answer")
    if not isinstance(question_id, str) or not state.on_path(question_id) \
            or question_id not in flow.questions:
        # A stale or forged form: show where the answers really lead.
        return RedirectResponse(guide.step_href(flow.id, lang, state.query), status_code=303)
    question = flow.questions[question_id]
    if not isinstance(value, str) or value not in question.options:
        change = question_id if question_id != state.node.id else None
        return _step_page(request, lang, flow, state, change=change, status=422, known=known,
                          error=_i18n.translations(lang).gettext("Choose one of the answers"),
                          header=await account(request))
    new = guide.answer(state, question_id, value)
    return RedirectResponse(guide.step_href(flow.id, lang, new.query), status_code=303)


async def change(request: Request) -> Response:
    lang = _language(request.path_params["lang"])
    flow = _flow(request.path_params["flow"])
    known = await personal(request, flow.id, lang)
    state, _ = _replay(flow, request.url.query, known)
    question_id = request.path_params["question"]
    if question_id not in state.answers:
        return RedirectResponse(guide.step_href(flow.id, lang, state.query), status_code=303)
    return _step_page(request, lang, flow, state, change=question_id, known=known,
                      header=await account(request))


async def howto(request: Request) -> Response:
    lang = _language(request.path_params["lang"])
    flow = _flow(request.path_params["flow"])
    slug = request.path_params["slug"]
    page = guide.howto_pages()[lang].get(slug)
    outcome = next((o for o in flow.outcomes.values()
                    if any(link.kind == "howto" and link.href == slug for link in o.links)), None)
    if page is None or outcome is None:
        raise HTTPException(404)
    official = [link for link in outcome.links if link.kind == "external"]
    state, _ = _replay(flow, request.url.query)
    back_href = (guide.step_href(flow.id, lang, state.query) if state.node.id == outcome.id
                 else guide.start_href(flow.id, lang))
    return render(lang, "howto.html", path=request.url.path, query=request.url.query,
                  flow=flow, page=page, back_href=back_href,
                  official=[{"href": link.href,
                             "label": flow.link_label(outcome.id, "external", lang)}
                            for link in official], account=await account(request))


def _safe_back(back: str | None, lang: str) -> str | None:
    """Only a path of this site, never an address elsewhere (no open redirect)."""
    if not back or not back.startswith("/") or back.startswith("//") or "\\" in back:
        return None
    for other in guide.LANGUAGES:
        if back.startswith(f"/{other}/"):
            return f"/{lang}/" + back[len(other) + 2:]
    return None


async def glossary_page(request: Request) -> Response:
    lang = _language(request.path_params["lang"])
    texts = guide.glossary().texts[lang]
    terms = sorted(texts.terms.values(), key=lambda t: t.term.lower())
    return render(lang, "glossary.html", path=request.url.path, query=request.url.query,
                  terms=terms, official=texts.official,
                  back_href=_safe_back(request.query_params.get("back"), lang),
                  account=await account(request))


async def diagram(request: Request) -> Response:
    lang = _language(request.path_params["lang"])
    flow = _flow(request.path_params["flow"])
    state, _ = _replay(flow, request.url.query)
    highlight = state if state.steps else None
    return render(lang, "diagram.html", path=request.url.path, query=request.url.query,
                  flow=flow, svg=guide.render_svg(flow, lang, highlight),
                  outline=guide.outline(flow, lang), highlighted=highlight is not None,
                  back_href=guide.step_href(flow.id, lang, state.query) if state.steps
                  else guide.start_href(flow.id, lang), account=await account(request))

"""What the registry knows of the guide's statements, for a signed-in person: the guide
"Externe dienstverlener" asks who you are and what you hold; for someone signed in, the
registry answers the statements it can know, each with where the answer comes from and since
when. Statements of intent ("Ik wil …") stay the person's.

The answers are about one organisation: the external service provider the person works for,
administers or represents; with several, the person chooses (`Guidance.choices`), as ACM asks
for the capacity one signs in with.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from .. import policy, queries, rules
from ..model import Organisation, Person, Right, RightKind
from ..phrases import N_, Phrase
from ..ports import Repository

#: The flow whose statements the registry answers, and its questions by what they ask.
FLOW = "externe-dienstverlener"
ROLE, EID, LOCAL_ADMIN, MANDATE_MANAGER = ("rol", "eid", "is-lokale-beheerder",
                                           "is-mandaatbeheerder")
#: The options of the flow's role choice, and of its statements.
AS_LOCAL_ADMIN, AS_MANDATE_MANAGER = "lokale-beheerder", "mandaatbeheerder"
YES, NO = "ja", "nee"
#: The outcomes that grant a right, and the right.
GRANT_EXECUTOR, GRANT_MANAGER = "recht-mandaatuitvoerder", "recht-mandaatbeheerder"
GRANTS = {GRANT_EXECUTOR: RightKind.MANDATE_EXECUTOR, GRANT_MANAGER: RightKind.MANDATE_MANAGER}
#: The outcome that concludes mandates, and the one that asks for the right to.
CONCLUDES, ASKS = "mandaat-afsluiten", "vraag-recht"
#: The outcomes that do nothing in the registry, but say what next and who can help.
NO_EID, NO_RIGHT, NO_MANDATE = "geen-eid", "geen-recht", "geen-mandaat"


@dataclass(frozen=True, slots=True)
class Known:
    """The registry's answer to one of the flow's questions, and where it comes from."""

    question: str
    answer: str
    source: Phrase


@dataclass(frozen=True, slots=True)
class Provider:
    """An external service provider the person acts for, by name."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Guidance:
    """The registry's answers for a person, about `organisation` (None: not chosen yet, or
    the person acts for no provider)."""

    person_name: str
    choices: tuple[Provider, ...]
    organisation: Provider | None
    known: dict[str, Known]

    @property
    def must_choose(self) -> bool:
        """The person acts for several providers and has not said for which one."""
        return self.organisation is None and len(self.choices) > 1


def _providers(repo: Repository, person: Person, day: date) -> list[Organisation]:
    """The external service providers the person represents, administers or works for."""
    found: dict[str, Organisation] = {
        org.id: org for org in repo.organisations_represented_by(person.id)}
    for admin in repo.local_admin_roles_of(person.id):
        org = repo.organisation(admin.organisation_id)
        if org is not None and admin.active(day):
            found[org.id] = org
    for relation in repo.work_relations_of(person.id):
        org = repo.organisation(relation.organisation_id)
        if org is not None and relation.active(day):
            found[org.id] = org
    return sorted((org for org in found.values() if org.is_service_provider),
                  key=lambda org: (org.name.lower(), org.id))


def _eid(person: Person, eid_sign_in: bool | None) -> Known:
    if eid_sign_in:
        return Known(EID, YES, N_("you signed in with your eID"))
    if person.has_eid:
        return Known(EID, YES, N_("from the registry: you have a Belgian eID"))
    return Known(EID, NO, N_("from the registry: you have no Belgian eID"))


def _local_admin(repo: Repository, person: Person, org: Organisation, day: date) -> Known:
    roles = [a for a in repo.local_admin_roles_of(person.id)
             if a.organisation_id == org.id and a.active(day)]
    if roles:
        since = min(a.period.start for a in roles)
        return Known(LOCAL_ADMIN, YES, N_("from the registry: you are a local administrator of "
                                          "{organisation} since {day}",
                                          organisation=org.name, day=since))
    return Known(LOCAL_ADMIN, NO, N_("from the registry: you are not a local administrator of "
                                     "{organisation}", organisation=org.name))


def _manager_right(repo: Repository, person: Person, org: Organisation,
                   day: date) -> Right | None:
    relations = [r for r in repo.work_relations_of(person.id)
                 if r.organisation_id == org.id and r.active(day)]
    held = [r for r in repo.rights_on([r.id for r in relations])
            if r.kind is RightKind.MANDATE_MANAGER and r.active(day)]
    return min(held, key=lambda r: r.period.start, default=None)


def _mandate_manager(repo: Repository, person: Person, org: Organisation,
                     day: date) -> Known:
    right = _manager_right(repo, person, org, day)
    kind = RightKind.MANDATE_MANAGER.value
    if right is not None:
        return Known(MANDATE_MANAGER, YES, N_("from the registry: you hold ‘{right}’ at "
                                              "{organisation} since {day}", right=kind,
                                              organisation=org.name, day=right.period.start))
    return Known(MANDATE_MANAGER, NO, N_("from the registry: you do not hold ‘{right}’ at "
                                         "{organisation}", right=kind,
                                         organisation=org.name))


def _role(local_admin: Known, manager: Known) -> Known | None:
    """The role choice, when the registry knows exactly one of the two roles."""
    if local_admin.answer == YES and manager.answer == NO:
        return Known(ROLE, AS_LOCAL_ADMIN, local_admin.source)
    if manager.answer == YES and local_admin.answer == NO:
        return Known(ROLE, AS_MANDATE_MANAGER, manager.source)
    return None


def guidance(repo: Repository, person_id: str, organisation_id: str | None,
             eid_sign_in: bool | None, day: date) -> Guidance:
    """The registry's answers for the person, about the provider `organisation_id` (one the
    person acts for; None, or another: the only one they act for, else none yet)."""
    person = rules.person(repo, person_id)
    providers = _providers(repo, person, day)
    choices = tuple(Provider(org.id, org.name) for org in providers)
    chosen = next((org for org in providers if org.id == organisation_id), None)
    if chosen is None and len(providers) == 1:
        chosen = providers[0]
    known = {EID: _eid(person, eid_sign_in)}
    if chosen is None:
        return Guidance(person.name, choices, None, known)
    local_admin = _local_admin(repo, person, chosen, day)
    manager = _mandate_manager(repo, person, chosen, day)
    known.update({LOCAL_ADMIN: local_admin, MANDATE_MANAGER: manager})
    role = _role(local_admin, manager)
    if role is not None:
        known[ROLE] = role
    return Guidance(person.name, choices, Provider(chosen.id, chosen.name), known)


@dataclass(frozen=True, slots=True)
class Shortcut:
    """An outcome the registry's answers lead to once the person says what they want:
    `intent`, the answers to the statements of intent (and the role) that lead there."""

    outcome: str
    intent: dict[str, str]


def shortcuts(found: Guidance) -> tuple[Shortcut, ...]:
    """The outcomes that act, as the person's place in the registry lets them: granting the
    two rights for a local administrator, concluding mandates for a holder of SSM
    Mandaatbeheerder, asking for that right for another user of a provider."""
    known = found.known
    if found.organisation is None or known[EID].answer != YES:
        return ()
    found_shortcuts = []
    if known[LOCAL_ADMIN].answer == YES:
        found_shortcuts += [
            Shortcut(GRANT_EXECUTOR, {ROLE: AS_LOCAL_ADMIN, "uitvoerder-recht": YES}),
            Shortcut(GRANT_MANAGER, {ROLE: AS_LOCAL_ADMIN, "uitvoerder-recht": NO,
                                     "beheer-recht": YES})]
    intent = {ROLE: AS_MANDATE_MANAGER, "wil-mandaat": YES}
    found_shortcuts.append(Shortcut(CONCLUDES if known[MANDATE_MANAGER].answer == YES
                                    else ASKS, intent))
    return tuple(found_shortcuts)


# --- what an outcome does for the person ---------------------------------------------------



@dataclass(frozen=True, slots=True)
class Colleague:
    """A user the right can be granted to: their work relation, by name."""

    work_relation_id: str
    name: str


@dataclass(frozen=True, slots=True)
class Action:
    """What the outcome lets the person do for `organisation` now, or why not (`refusal`).

    `grant`: the right to grant and the organisation's users who do not hold it today;
    `awaiting`: how many mandates await the person's signature for it (to conclude);
    `helpers`: who can grant the person the right they lack (its local administrators)."""

    outcome: str
    organisation: Provider
    grant: RightKind | None = None
    colleagues: tuple[Colleague, ...] = ()
    awaiting: int = 0
    signs: bool = False
    helpers: tuple[str, ...] = ()
    #: The person may ask for the right (a user of the organisation without it).
    asks: bool = False
    #: Who at the organisation can do it instead (with an eID): its local administrators and
    #: mandate administrators, for someone without one.
    others: tuple[str, ...] = ()
    #: The person administers the organisation's users and rights.
    administers: bool = False
    refusal: Phrase | None = None


def _grant(repo: Repository, person: Person, org: Organisation, outcome: str,
           kind: RightKind, day: date) -> Action:
    provider = Provider(org.id, org.name)
    if not policy.has_authority(repo, person, org, day):
        return Action(outcome, provider, kind, helpers=_local_admin_names(repo, org, person, day),
                      refusal=N_("only a local administrator or a legal representative of "
                                 "{organisation} grants its users rights; you are neither",
                                 organisation=org.name))
    relations = [r for r in repo.work_relations_at(org.id) if r.active(day)]
    holding = {r.work_relation_id for r in repo.rights_on([r.id for r in relations])
               if r.kind is kind and r.active(day)}
    colleagues = sorted((Colleague(r.id, rules.person(repo, r.person_id).name)
                         for r in relations if r.id not in holding),
                        key=lambda c: (c.name.lower(), c.work_relation_id))
    return Action(outcome, provider, kind, tuple(colleagues))


def _others(people: list[Person], person: Person) -> tuple[str, ...]:
    """The names of `people` (each once), the person aside (never told to ask themself)."""
    found = {p.id: p.name for p in people if p.id != person.id}
    return tuple(sorted(found.values(), key=str.lower))


def _local_admin_names(repo: Repository, org: Organisation, person: Person,
                       day: date) -> tuple[str, ...]:
    """The organisation's local administrators by name, the person aside."""
    return _others(queries.local_admins_at(repo, org.id, day), person)


def _with_eid(repo: Repository, org: Organisation, person: Person,
              day: date) -> tuple[str, ...]:
    """The organisation's local administrators and mandate administrators with a Belgian eID,
    the person aside: who can grant rights or conclude mandates for it."""
    people = [*queries.local_admins_at(repo, org.id, day),
              *queries.right_holders(repo, org.id, RightKind.MANDATE_MANAGER, day)]
    return _others([p for p in people if p.has_eid], person)


def outcome_action(repo: Repository, person_id: str, organisation_id: str, outcome: str,
                   day: date) -> Action | None:
    """What the outcome of the guide lets the person do now for the provider they are guided
    for (one they act for), or None when the outcome does nothing in the registry."""
    person = rules.person(repo, person_id)
    org = next((o for o in _providers(repo, person, day) if o.id == organisation_id), None)
    if org is None:
        return None
    if outcome in GRANTS:
        return _grant(repo, person, org, outcome, GRANTS[outcome], day)
    provider = Provider(org.id, org.name)
    if outcome == CONCLUDES:
        signs = policy.signs_for(repo, person, org.party, day)
        awaiting = queries.awaiting_signature(repo, person.id, day, 0, queries.MAX_PAGE)
        count = sum(1 for m in awaiting.items
                    if org.party in (m.giver, m.taker, m.pending_transfer_to))
        return Action(outcome, provider, awaiting=count if signs else 0, signs=signs)
    if outcome == NO_EID:
        return Action(outcome, provider, others=_with_eid(repo, org, person, day))
    if outcome in (NO_RIGHT, NO_MANDATE):
        return Action(outcome, provider,
                      administers=policy.has_authority(repo, person, org, day),
                      signs=policy.signs_for(repo, person, org.party, day))
    if outcome == ASKS:
        user = any(r.organisation_id == org.id and r.active(day)
                   for r in repo.work_relations_of(person.id))
        return Action(outcome, provider, helpers=_local_admin_names(repo, org, person, day),
                      asks=user and not rules.holds_right(repo, person.id, org.id,
                                                          RightKind.MANDATE_MANAGER, day))
    return None


__all__ = ["FLOW", "Action", "Colleague", "Guidance", "Known", "Provider", "Shortcut",
           "guidance", "outcome_action", "shortcuts"]

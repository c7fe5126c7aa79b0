"""Who may do what to a convention. Views, templates and services ask these rules."""

from dataclasses import replace

import rules
from django.db.models import Q

from accounts.models import Federation, Membership, Role

from .models import (
    Convention,
    ConventionTemplate,
    ConventionTransition,
    Party,
    ReviewComment,
    State,
    TerminationNotice,
)
from .workflow import EDITABLE_STATES, REVIEW_STATES, TRANSITIONS, Actor, Transition, available

# How many open comments the approval's refusal names one by one before « et N autres ».
LISTED_OPEN_COMMENTS = 5


def actors_for(user, convention: Convention) -> set[Actor]:
    """The sides `user` can act for on `convention`: the federation's staff, the PO's référent."""
    if not user.is_authenticated:
        return set()
    if user.is_superuser:
        return {Actor.FPO}
    if convention.template.kind == ConventionTemplate.Kind.CENTRE_SCHOOL:
        return _cooperation_actors(user, convention)
    roles = set(
        Membership.objects.filter(user=user)
        .filter(
            Q(role=Role.FPO_STAFF, federation=convention.federation_id)
            | Q(role=Role.PO_REFERENT, organising_authority=convention.organising_authority_id)
        )
        .values_list("role", flat=True)
    )
    by_role = {Role.FPO_STAFF: Actor.FPO, Role.PO_REFERENT: Actor.PO}
    return {actor for role, actor in by_role.items() if role in roles}


def is_signatory(user, signatory) -> bool:
    """The signatory's own account: linked to them, or bearing their e-mail address."""
    if not user.is_authenticated:
        return False
    if signatory.user_id and signatory.user_id == user.pk:
        return True
    return bool(signatory.email and user.email and signatory.email.casefold() == user.email.casefold())


def signatories_of(user) -> Q:
    """The signatories `user` is, as a condition on ConventionSignatory (as `is_signatory`)."""
    condition = Q(user=user.pk)
    if user.email:
        condition |= Q(email__iexact=user.email)
    return condition


def may_act_as_signatory(user, signatory, name: str) -> bool:
    """Signing and declining are rows of the table, taken by the signatory themself in the
    states the table names (their turn and their link are checked where they sign)."""
    transition = TRANSITIONS[name]
    return (
        Actor.SIGNATORY in transition.actors
        and signatory.convention.state in transition.sources
        and is_signatory(user, signatory)
    )


def _cooperation_actors(user, convention: Convention) -> set[Actor]:
    """A centre–school cooperation agreement has no federation among its parties: the school
    takes the initiative (decree of 27 April 2018, art. 14, § 1er), so its PO's référent prepares
    and completes it (the PO side), and the centre's people review, freeze and send it for
    signature (the other side, in the federation's place in the workflow table)."""
    memberships = Membership.objects.filter(user=user)
    actors = set()
    if memberships.filter(
        role=Role.PO_REFERENT, organising_authority=convention.organising_authority_id
    ).exists():
        actors.add(Actor.PO)
    if (
        convention.guidance_centre_id
        and memberships.filter(guidance_centre=convention.guidance_centre_id).exists()
    ):
        actors.add(Actor.FPO)
    return actors


def may_start_cooperation(user, school) -> bool:
    """The school takes the initiative of its cooperation agreement: its PO's référent."""
    return (
        user.is_superuser
        or Membership.objects.filter(
            user=user, role=Role.PO_REFERENT, organising_authority=school.organising_authority_id
        ).exists()
    )


def parties_for(actors) -> set[Party]:
    """The parties these actors speak for in a termination: the federation, or the PO."""
    return {Party.FPO if actor == Actor.FPO else Party.PO for actor in actors}


def may_answer_notice(actors, notice: TerminationNotice) -> bool:
    """The other party answers a notice of termination in writing, once."""
    return bool(parties_for(actors) - {notice.party}) and not notice.answered_at


def open_change_request(convention) -> ConventionTransition | None:
    """The request for changes the PO has still to answer, for the top of the convention page."""
    if convention.state != State.CHANGES_REQUESTED:
        return None
    return (
        convention.transitions.filter(to_state=State.CHANGES_REQUESTED)
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )


def open_notice(convention: Convention) -> TerminationNotice | None:
    """The notice of termination still waiting for its outcome, if any."""
    return convention.termination_notices.filter(outcome="").order_by("-given_at").first()


def may_decide_notice(actors, notice: TerminationNotice) -> bool:
    """Only the party that gave notice pronounces the termination or withdraws its notice; the
    other party answers in writing (`may_answer_notice`)."""
    return notice.party in parties_for(actors)


def offers_termination(convention: Convention) -> bool:
    """A template offers the termination procedure only where its text states one (CECP art. 7:
    a written warning, 30 calendar days to answer)."""
    return convention.template.termination_notice_days is not None


def allowed_transitions(user, convention: Convention, actors: set | None = None) -> list[Transition]:
    actors = actors if actors is not None else actors_for(user, convention)
    transitions = available(convention.state, actors)
    if not offers_termination(convention):
        transitions = [t for t in transitions if t.name != "give_notice"]
    if convention.state == State.TERMINATION_NOTICE:
        notice = open_notice(convention)
        if notice is not None and not may_decide_notice(actors, notice):
            transitions = [t for t in transitions if t.name not in ("terminate", "maintain")]
    if any(t.name == "approve" for t in transitions) and (count := len(open_review_comments(convention))):
        waiting = f"{count} commentaires restent ouverts" if count > 1 else "un commentaire reste ouvert"
        reason = (
            f"Approbation impossible tant que {waiting} (ni résolu ni classé sans suite) : "
            "voir la liste en haut de la page."
        )
        transitions = [replace(t, blocked=reason) if t.name == "approve" else t for t in transitions]
    if convention.template.kind == ConventionTemplate.Kind.CENTRE_SCHOOL:
        # The cooperation agreement is reviewed by the centre, not by a federation.
        transitions = [
            replace(t, label=t.label.replace("de la fédération", "du centre")) for t in transitions
        ]
    return transitions


def may_take(user, convention: Convention, name: str) -> bool:
    return name in TRANSITIONS and name in {t.name for t in allowed_transitions(user, convention)}


def review_party(actors, convention: Convention) -> str | None:
    """The party a participant of the review speaks for; None if they take no part in it."""
    if Actor.FPO in actors:
        return Party.CENTRE if convention.guidance_centre_id else Party.FPO
    if Actor.PO in actors:
        return Party.PO
    return None


def may_read_review(actors) -> bool:
    """The review's conversation is the two parties' own."""
    return bool(actors & {Actor.FPO, Actor.PO})


def may_comment(actors, convention: Convention) -> bool:
    """During the review (the federation reading, the PO correcting) both parties comment,
    answer and close threads; outside it the conversation is read-only."""
    return convention.state in REVIEW_STATES and may_read_review(actors)


def open_review_comments(convention: Convention) -> list[ReviewComment]:
    return list(
        ReviewComment.objects.filter(convention=convention)
        .still_open()
        .select_related("article")
        .order_by("article__position", "created_at", "pk")
    )


def _comments(count: int) -> str:
    return f"{count} commentaire{'s' if count > 1 else ''}"


def approval_blocker(convention: Convention) -> str:
    """Why the text cannot be approved yet ("" if it can): every thread of the review is
    resolved or dismissed first."""
    still_open = open_review_comments(convention)
    if not still_open:
        return ""
    listed = [f"article {c.article.number} : « {c.excerpt} »" for c in still_open[:LISTED_OPEN_COMMENTS]]
    if len(still_open) > LISTED_OPEN_COMMENTS:
        listed.append(f"et {len(still_open) - LISTED_OPEN_COMMENTS} autre(s)")
    count = len(still_open)
    return (
        f"Approbation impossible : {_comments(count)} non résolu{'s' if count > 1 else ''} "
        f"({' ; '.join(listed)}). Marquez-les résolus ou classez-les sans suite avant d'approuver."
    )


@rules.predicate
def can_edit_po_part(user, convention) -> bool:
    return convention.state in (State.TO_COMPLETE, State.CHANGES_REQUESTED) and Actor.PO in actors_for(
        user, convention
    )


@rules.predicate
def can_edit_fpo_part(user, convention) -> bool:
    return convention.state in EDITABLE_STATES and Actor.FPO in actors_for(user, convention)


@rules.predicate
def can_resend_links(user, convention) -> bool:
    """The federation's staff follow the collection of signatures: they correct an address and
    resend a link while the convention is in signing."""
    return convention.state == State.SIGNING and Actor.FPO in actors_for(user, convention)


@rules.predicate
def can_manage_conventions(user, federation=None) -> bool:
    """Federation staff create conventions and manage templates."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    federations = Federation.objects.staffed_by(user)
    if federation is not None:
        federations = federations.filter(pk=federation.pk)
    return federations.exists()


@rules.predicate
def can_amend(user, convention) -> bool:
    return (
        convention.state == State.SIGNED
        and bool(convention.template.amendment_grounds)
        and bool(actors_for(user, convention) & {Actor.FPO, Actor.PO})
    )


rules.add_perm("conventions.edit_po_part", can_edit_po_part)
rules.add_perm("conventions.edit_fpo_part", can_edit_fpo_part)
rules.add_perm("conventions.manage", can_manage_conventions)
rules.add_perm("conventions.amend", can_amend)

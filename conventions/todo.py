"""What waits in the conventions for each person (core.todo): the federation's reviews and
stalled signatures, the PO référent's conventions to complete or correct and the signatures
their side still owes, and each signatory's « À signer »."""

from datetime import timedelta

from django.db.models import F, Max, Q
from django.urls import reverse

from accounts.models import Federation, Role, membership_ids
from core.todo import TodoItem, TodoQuery, local_date, register

from .models import (
    Convention,
    ConventionTransition,
    Party,
    SignatureRequest,
    State,
)
from .services import collecting

# A convention still collecting signatures after this many days has stalled: the staff
# should find out who holds it up (a personal link is valid 14 days, SIGNATURE_LINK_DAYS).
SIGNING_STALLED_DAYS = 14
LIMIT = 50

TO_REVIEW = "Conventions à relire"
TO_SEND = "Conventions à envoyer en signature"
STALLED = "Signatures qui traînent"
TO_COMPLETE = "Conventions à compléter"
CHANGES = "Modifications demandées"
AWAITED = "Signatures attendues de votre PO"
TO_SIGN = "À signer"


def _waiting_since(conventions):
    """When each convention entered its present state (its last move there)."""
    return conventions.annotate(
        entered_at=Max("transitions__at", filter=Q(transitions__to_state=F("state")))
    ).select_related("organising_authority")


def _title(convention) -> str:
    return f"{convention.reference} — {convention.organising_authority.name}"


@register
def federation_items(query: TodoQuery):
    if not query.has(Role.FPO_STAFF):
        return []
    conventions = _waiting_since(
        Convention.objects.filter(
            federation__in=Federation.objects.staffed_by(query.user),
            state__in=[State.IN_REVIEW, State.READY, State.SIGNING],
        )
    ).order_by("entered_at")[:LIMIT]
    stalled_before = query.today - timedelta(days=SIGNING_STALLED_DAYS)
    items = []
    for convention in conventions:
        since = local_date(convention.entered_at)
        url = convention.get_absolute_url()
        if convention.state == State.IN_REVIEW:
            items.append(TodoItem(TO_REVIEW, _title(convention), url, since=since, action="Relire"))
        elif convention.state == State.READY:
            items.append(TodoItem(TO_SEND, _title(convention), url, since=since, action="Envoyer"))
        elif since and since < stalled_before:
            items.append(
                TodoItem(
                    STALLED,
                    _title(convention),
                    url,
                    since=since,
                    detail=f"En signature depuis {(query.today - since).days} jours.",
                    action="Voir qui doit signer",
                )
            )
    return items


def _changes_comments(conventions) -> dict[int, str]:
    """The reviewer's last request for changes on each convention."""
    comments = {}
    for convention_id, comment in (
        ConventionTransition.objects.filter(convention__in=conventions, to_state=State.CHANGES_REQUESTED)
        .order_by("convention", "at", "pk")
        .values_list("convention", "comment")
    ):
        comments[convention_id] = comment
    return comments


@register
def referent_items(query: TodoQuery):
    if not query.has(Role.PO_REFERENT):
        return []
    pos = membership_ids(query.user, "organising_authority", [Role.PO_REFERENT])
    conventions = list(
        _waiting_since(
            Convention.objects.filter(
                organising_authority__in=pos,
                state__in=[State.TO_COMPLETE, State.CHANGES_REQUESTED],
            )
        ).order_by("entered_at")[:LIMIT]
    )
    comments = _changes_comments([c.pk for c in conventions])
    items = []
    for convention in conventions:
        url = reverse("convention_edit_start", args=[convention.reference])
        since = local_date(convention.entered_at)
        if convention.state == State.TO_COMPLETE:
            items.append(TodoItem(TO_COMPLETE, _title(convention), url, since=since, action="Compléter"))
        else:
            comment = comments.get(convention.pk, "")
            items.append(
                TodoItem(
                    CHANGES,
                    _title(convention),
                    url,
                    since=since,
                    detail=f"Commentaire de la fédération : « {comment} »" if comment else "",
                    action="Corriger",
                )
            )
    return items + _awaited_signatures(query, pos)


def _awaited_signatures(query: TodoQuery, pos):
    """The PO's signatories who have a link to sign and have not used it yet, one line per
    convention naming them."""
    requests = (
        SignatureRequest.objects.filter(
            convention__organising_authority__in=pos,
            convention__state=State.SIGNING,
            signatory__party=Party.PO,
            used_at__isnull=True,
            revoked_at__isnull=True,
        )
        .select_related("convention__organising_authority", "signatory")
        .order_by("created_at")[:LIMIT]
    )
    by_convention: dict[int, list] = {}
    for request in requests:
        by_convention.setdefault(request.convention_id, []).append(request)
    items = []
    for waiting in by_convention.values():
        convention = waiting[0].convention
        # A reminder replaces a link: each signatory is named once.
        names = list(dict.fromkeys(f"{r.signatory.display_name} ({r.signatory.function})" for r in waiting))
        items.append(
            TodoItem(
                AWAITED,
                _title(convention),
                convention.get_absolute_url(),
                due_on=min(local_date(r.expires_at) for r in waiting),
                detail="Pas encore signé par : " + ", ".join(names) + ".",
                action="Voir les signatures",
            )
        )
    return items


@register
def signatory_items(query: TodoQuery):
    # Anyone may be named a signatory (a direction countersigns): no role to check.
    items, seen = [], set()
    for request in collecting.pending_requests(query.user)[:LIMIT]:
        if request.convention_id in seen:
            continue
        seen.add(request.convention_id)
        items.append(
            TodoItem(
                TO_SIGN,
                _title(request.convention),
                reverse("my_signature_page", args=[request.convention.reference]),
                due_on=local_date(request.expires_at),
                detail=f"Vous signez comme {request.signatory.function}.",
                action="Lire et signer",
            )
        )
    return items

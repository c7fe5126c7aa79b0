from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from core.forms import plain_options
from core.text import lower_first

from . import services, todo
from .forms import AcceptInvitationForm, ApiTokenForm, InvitationForm, SchoolSearchForm
from .models import ApiToken, Federation, Invitation, OrganisingAuthority, Role, School

SCHOOLS_PER_PAGE = 25


@login_not_required
@require_http_methods(["GET"])
def data_protection(request):
    """What Pilotis keeps, why, who reads it and for how long: for everyone, without an account."""
    return render(request, "accounts/data_protection.html")


def home(request):
    """What this user can reach, organisation by organisation."""
    user = request.user
    schools = School.objects.visible_to(user)
    # Federation figures are for the federation's own people (and administrators).
    federations = Federation.objects.member_of(user).with_counts()
    organising_authorities = OrganisingAuthority.objects.visible_to(user).with_school_count(schools)
    own_schools = schools.filter(
        pk__in=user.memberships.filter(school__isnull=False).values("school")
    ).with_parties()
    return render(
        request,
        "accounts/home.html",
        {
            "school_count": schools.count(),
            "federations": federations,
            "organising_authorities": organising_authorities[:50],
            "organising_authority_count": organising_authorities.count(),
            "own_schools": own_schools,
            "can_invite": user.has_perm("accounts.invite_people"),
            "todo_items": todo.items_for_request(request),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET"])
def todo_count(request):
    """The badge of the navigation: how many things wait for the person (asked by htmx)."""
    return render(request, "accounts/includes/todo_badge.html", {"count": todo.count_for_request(request)})


def school_list(request):
    form = SchoolSearchForm(request.GET or None, user=request.user)
    schools = form.filter(School.objects.visible_to(request.user).with_parties())
    page = Paginator(schools.order_by("name", "fase"), SCHOOLS_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": query.urlencode(),
        "po_options": plain_options(form, "po"),
    }
    template = "accounts/school_list.html"
    # A history restore (back button after a cache miss) wants the whole page.
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@permission_required("accounts.invite_people", raise_exception=True)
@require_http_methods(["GET", "POST"])
def invitation_create(request):
    form = InvitationForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            invitation = services.invite_person(
                organisation=data["organisation"],
                role=data["role"],
                email=data["email"],
                function=data["function"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                by=request.user,
                base_url=request.build_absolute_uri("/").rstrip("/"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"Invitation envoyée à {invitation.email} ({invitation.get_role_display()}, "
                f"{invitation.organisation}). Le lien est valable {settings.INVITATION_VALIDITY_DAYS} jours.",
            )
            return redirect("invitation_create")
    sent = Invitation.objects.filter(invited_by=request.user).select_related(
        "federation", "organising_authority", "school", "guidance_centre"
    )[:20]
    return render(
        request,
        "accounts/invitation_form.html",
        {"form": form, "sent": sent, "days": settings.INVITATION_VALIDITY_DAYS},
    )


@login_not_required
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    try:
        invitation = services.find_usable_invitation(token)
    except ValidationError as error:
        return render(request, "accounts/invitation_invalid.html", {"problem": error.messages[0]}, status=410)

    signed_in = request.user.is_authenticated
    form = (
        None
        if signed_in
        else AcceptInvitationForm(
            request.POST or None,
            email=invitation.email,
            initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
        )
    )
    if request.method == "POST" and (signed_in or form.is_valid()):
        try:
            if signed_in:
                user = services.accept_invitation(token=token, user=request.user)
            else:
                user = services.accept_invitation(
                    token=token,
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                )
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        except ValidationError as error:
            return render(
                request, "accounts/invitation_invalid.html", {"problem": error.messages[0]}, status=409
            )
        messages.success(
            request,
            f"Bienvenue ! Vous êtes désormais {lower_first(invitation.get_role_display())} "
            f"pour {invitation.organisation}.",
        )
        return redirect("home")
    return render(
        request,
        "accounts/invitation_accept.html",
        {"invitation": invitation, "form": form, "Role": Role},
    )


def email_change(request):
    """The e-mail address is the login and what signatures will name: only an administrator
    changes it (allauth's own page would let anyone take any address, unverified)."""
    return render(request, "accounts/email_change.html")


@require_http_methods(["GET", "POST"])
def api_tokens(request):
    """One's own API tokens: make one (its secret is shown on this response only), see when
    each was last used, revoke them."""
    form = ApiTokenForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            token, secret = services.create_api_token(user=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            created = {"token": token, "secret": secret}
            form = ApiTokenForm()
    response = render(
        request,
        "accounts/api_tokens.html",
        {"form": form, "created": created, "tokens": ApiToken.objects.of(request.user)},
        status=400 if form.errors else 200,
    )
    # The secret is in this page: no cache may keep it.
    response["Cache-Control"] = "no-store"
    return response


@require_http_methods(["POST"])
def api_token_revoke(request, pk: int):
    token = get_object_or_404(ApiToken.objects.of(request.user), pk=pk)
    services.revoke_api_token(token=token, by=request.user)
    messages.success(request, f"Le jeton « {token.name} » est révoqué : il ne donne plus accès à l'API.")
    return redirect("api_tokens")

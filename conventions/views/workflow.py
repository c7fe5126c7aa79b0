"""The workflow actions on a convention's page: a transition, the written answer to a notice of
termination, an amendment, a signatory's link resent, a signatory replaced."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from core.text import lower_first

from ..forms.conventions import AmendmentForm, AnswerForm, CommentForm
from ..forms.signatures import ReplaceSignatoryForm, ResendLinkForm
from ..models import ConventionSignatory
from ..rules import can_amend, can_resend_links
from ..services import drafting, sending, workflow
from .conventions import visible_convention


@require_POST
def convention_transition(request, reference, name):
    convention = visible_convention(request, reference)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["comment"]))
        return redirect(convention)
    try:
        workflow.apply_transition(convention=convention, name=name, by=request.user, comment=comment)
    except PermissionDenied as error:
        messages.error(request, str(error) or "Action non permise.")
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        convention.refresh_from_db()
        messages.success(
            request, f"La convention est désormais « {lower_first(convention.get_state_display())} »."
        )
    return redirect(convention)


@require_POST
def convention_answer(request, reference):
    convention = visible_convention(request, reference)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            workflow.answer_termination_notice(
                convention=convention, by=request.user, answer=form.cleaned_data["answer"]
            )
            messages.success(request, "Votre réponse écrite est enregistrée et transmise à l'autre partie.")
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
    else:
        messages.error(request, " ".join(m for errors in form.errors.values() for m in errors))
    return redirect(convention)


@require_POST
def convention_amend(request, reference):
    convention = visible_convention(request, reference)
    if not can_amend(request.user, convention):
        raise PermissionDenied
    form = AmendmentForm(request.POST, convention=convention)
    if not form.is_valid():
        messages.error(request, "Choisissez un des motifs prévus par la convention.")
        return redirect(convention)
    amendment = drafting.create_amendment(
        convention=convention, by=request.user, ground=form.cleaned_data["ground"]
    )
    messages.success(request, f"L'avenant {amendment.reference} est créé : complétez-le puis soumettez-le.")
    return redirect(amendment)


@require_POST
def signatory_resend_link(request, reference, pk):
    convention = visible_convention(request, reference)
    if not can_resend_links(request.user, convention):
        raise PermissionDenied("Seule la fédération renvoie les liens de signature, pendant la signature.")
    signatory = get_object_or_404(convention.signatories, pk=pk)
    form = ResendLinkForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"{signatory} : {' '.join(form.errors['email'])}")
        return redirect(convention)
    try:
        made = sending.correct_address_and_resend(
            signatory=signatory, email=form.cleaned_data["email"], by=request.user
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        email = form.cleaned_data["email"]
        messages.success(
            request,
            f"Nouveau lien de signature envoyé à {signatory} ({email}) ; l'ancien ne fonctionne plus."
            if made
            else f"Adresse de {signatory} enregistrée ({email}) : son lien lui sera envoyé quand viendra son tour.",
        )
    return redirect(convention)


@require_POST
def signatory_replace(request, reference, pk):
    convention = visible_convention(request, reference)
    if not can_resend_links(request.user, convention):
        raise PermissionDenied("Seule la fédération remplace un signataire, pendant la signature.")
    signatory = get_object_or_404(convention.signatories, pk=pk)
    before = str(signatory)
    form = ReplaceSignatoryForm(request.POST, instance=ConventionSignatory(convention=convention))
    if not form.is_valid():
        errors = " ".join(message for messages_ in form.errors.values() for message in messages_)
        messages.error(request, f"Remplacement de {before} : {errors}")
        return redirect(convention)
    try:
        sending.replace_signatory(signatory=signatory, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        signatory.refresh_from_db()
        messages.success(
            request,
            f"{before} est remplacé(e) par {signatory} ({signatory.email}) : le texte est figé à nouveau "
            "avec ce nom et les liens de signature sont renvoyés ; les anciens ne fonctionnent plus.",
        )
    return redirect(convention)

"""The review's conversation on a convention's page: comment on an article or answer a thread,
mark a thread resolved or dismiss it. A refused form comes back on the page with its text."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from core.text import lower_first

from ..forms.review import ReviewCloseForm, ReviewCommentForm
from ..services import review
from .conventions import render_detail, visible_convention

# The fields whose errors sit beside them; the others (hidden ids) are said above the form.
VISIBLE_FIELDS = {"text", "note"}


@require_POST
def review_comment(request, reference):
    convention = visible_convention(request, reference)
    form = ReviewCommentForm(request.POST)
    if form.is_valid():
        try:
            comment = review.post_comment(
                convention=convention,
                by=request.user,
                text=form.cleaned_data["text"],
                article_id=form.cleaned_data["article"],
                parent_id=form.cleaned_data["parent"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                "Votre réponse est enregistrée."
                if comment.parent_id
                else "Votre commentaire est enregistré.",
            )
            return _at_thread(convention, comment.parent_id or comment.pk)
    draft = review.Draft(form=form, article=request.POST.get("article"), thread=request.POST.get("parent"))
    return _refused(request, convention, draft)


@require_POST
def review_close(request, reference, pk):
    convention = visible_convention(request, reference)
    form = ReviewCloseForm(request.POST)
    if form.is_valid():
        try:
            thread = review.close_thread(
                convention=convention,
                by=request.user,
                comment_id=pk,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, f"Le commentaire est « {lower_first(thread.get_outcome_display())} ».")
            return _at_thread(convention, thread.pk)
    return _refused(request, convention, review.Draft(form=form, thread=pk, closing=True))


def _at_thread(convention, thread_id):
    return redirect(f"{convention.get_absolute_url()}#commentaire-{thread_id}")


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in VISIBLE_FIELDS else None, messages_)
    else:
        form.add_error(None, error.messages)


def _refused(request, convention, draft):
    """The page again, the form filled in as it was sent and its error beside it."""
    said = [message for errors in draft.form.errors.values() for message in errors]
    messages.error(
        request, "Rien n'est enregistré : " + " ".join(said) + " Votre texte est conservé plus bas."
    )
    return render_detail(request, convention, draft=draft)

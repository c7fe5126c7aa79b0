"""Frameworks and convention templates, read-only."""

from django.db.models import Q
from django.shortcuts import get_object_or_404, render

from ..forms.conventions import FrameworkSearchForm
from ..models import PLACEHOLDERS, ConventionTemplate, FrameworkNode, FrameworkVersion
from ..rendering import framework_tree


def framework_list(request):
    versions = FrameworkVersion.objects.select_related("framework", "framework__federation").order_by(
        "framework__title", "-number"
    )
    return render(request, "conventions/framework_list.html", {"versions": versions})


def framework_detail(request, code, number):
    version = get_object_or_404(
        FrameworkVersion.objects.select_related("framework"), framework__code=code, number=number
    )
    form = FrameworkSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    matches = []
    if query:
        matches = list(
            FrameworkNode.objects.filter(version=version)
            .filter(Q(title__icontains=query) | Q(text__icontains=query) | Q(label__iexact=query))
            .order_by("path")[:100]
        )
    context = {
        "version": version,
        "tree": framework_tree(version),
        "form": form,
        "query": query,
        "matches": matches,
    }
    return render(request, "conventions/framework_detail.html", context)


def template_list(request):
    templates = ConventionTemplate.objects.visible_to(request.user).select_related(
        "federation", "annex_framework__framework"
    )
    return render(request, "conventions/template_list.html", {"templates": templates})


def template_detail(request, code, version):
    template = get_object_or_404(
        ConventionTemplate.objects.visible_to(request.user)
        .select_related("federation", "annex_framework__framework")
        .prefetch_related("articles", "signatories", "engagements", "annex_sections"),
        code=code,
        version=version,
    )
    return render(
        request, "conventions/template_detail.html", {"template": template, "placeholders": PLACEHOLDERS}
    )

"""Loads the frameworks and convention templates kept in `fixtures/` as readable JSON trees.

A version already in the database is left as it is when the file still says the same, and
refused when it differs: a published version never changes, a new one must be numbered."""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import Federation

from .models import (
    ConventionTemplate,
    Framework,
    FrameworkNode,
    FrameworkVersion,
    TemplateAnnexSection,
    TemplateArticle,
    TemplateEngagement,
    TemplateSignatory,
)

FIXTURES = Path(settings.BASE_DIR) / "fixtures"


def _federation(code):
    return Federation.objects.get(code__iexact=code) if code else None


def _flatten(nodes, parent_path="", depth=0):
    """Yields (node data, path, parent path, depth) in reading order."""
    for position, node in enumerate(nodes, start=1):
        path = f"{parent_path}.{position:04d}" if parent_path else f"{position:04d}"
        yield node, path, parent_path, depth
        yield from _flatten(node.get("children", []), path, depth + 1)


def _node_signature(version):
    return [(n.path, n.kind, n.label, n.title, n.text, n.extra) for n in version.nodes.order_by("path")]


@transaction.atomic
def load_framework(path: Path) -> FrameworkVersion:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    framework, _ = Framework.objects.update_or_create(
        code=data["code"],
        defaults={
            "title": data["title"],
            "source": data.get("source", ""),
            "federation": _federation(data.get("federation")),
            "country": data.get("country", "BE"),
        },
    )
    version, created = FrameworkVersion.objects.get_or_create(
        framework=framework, number=data["version"], defaults={"label": data.get("version_label", "")}
    )
    flat = list(_flatten(data["nodes"]))
    wanted = [
        (
            path,
            node["kind"],
            node.get("label", ""),
            node.get("title", ""),
            node.get("text", ""),
            node.get("extra") or {},
        )
        for node, path, _parent, _depth in flat
    ]
    if not created:
        if _node_signature(version) != wanted:
            raise ValidationError(
                f"La version {version.number} du référentiel « {framework.title} » existe déjà avec un "
                "autre contenu : une version publiée ne change pas, numérotez-en une nouvelle."
            )
        return version
    by_path = {}
    for node, path, parent_path, depth in flat:
        by_path[path] = FrameworkNode.objects.create(
            version=version,
            parent=by_path.get(parent_path),
            kind=node["kind"],
            label=node.get("label", ""),
            title=node.get("title", ""),
            text=node.get("text", ""),
            extra=node.get("extra") or {},
            position=int(path.rsplit(".", 1)[-1]),
            path=path,
            depth=depth,
        )
    return version


def _decimal(value) -> Decimal | None:
    return Decimal(value) if value is not None else None


def _template_content(data):
    return {
        "articles": [(str(a["number"]), a.get("title", ""), a["body"]) for a in data["articles"]],
        "sections": [
            (placement, s["title"], s["body"])
            for placement in ("before", "after")
            for s in data.get(f"annex_sections_{placement}", [])
        ],
        "signatories": [(s["party"], s["function"], s.get("step", 1)) for s in data.get("signatories", [])],
        "engagements": [(e["code"], e["label"], e.get("step")) for e in data.get("engagements", [])],
    }


def _stored_content(template):
    return {
        "articles": [(a.number, a.title, a.body) for a in template.articles.all()],
        "sections": [(s.placement, s.title, s.body) for s in template.annex_sections.order_by("position")],
        "signatories": [(s.party, s.function, s.step) for s in template.signatories.order_by("position")],
        "engagements": [(e.code, e.label, e.step) for e in template.engagements.all()],
    }


@transaction.atomic
def load_template(path: Path) -> ConventionTemplate:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    annex = None
    if data.get("annex_framework"):
        annex = FrameworkVersion.objects.get(
            framework__code=data["annex_framework"], number=data.get("annex_framework_version") or 1
        )
    fields = {
        "federation": _federation(data.get("federation")),
        "kind": data["kind"],
        "title": data["title"],
        "parties": data.get("parties", ""),
        "preamble": data.get("preamble", ""),
        "closing": data.get("closing", ""),
        "annex_title": data.get("annex_title", ""),
        "annex_framework": annex,
        "article_heading": data.get("article_heading", ConventionTemplate.ArticleHeading.NUMBER_FIRST),
        "signature_blocks": data.get("signature_blocks", []),
        "amendment_grounds": data.get("amendment_grounds", []),
        "termination_notice_days": data.get("termination_notice_days"),
        "duration_years": data.get("duration_years"),
        "committed_fte": _decimal(data.get("committed_fte")),
        "committed_adviser_fte": _decimal(data.get("committed_adviser_fte")),
    }
    template = ConventionTemplate.objects.filter(code=data["code"], version=data["version"]).first()
    if template:
        same = all(getattr(template, name) == value for name, value in fields.items())
        if not same or _stored_content(template) != _template_content(data):
            raise ValidationError(
                f"La version {template.version} du modèle « {template.title} » existe déjà avec un autre "
                "contenu : une version publiée ne change pas, numérotez-en une nouvelle."
            )
        return template
    ConventionTemplate.objects.filter(code=data["code"], is_current=True).update(is_current=False)
    template = ConventionTemplate(code=data["code"], version=data["version"], is_current=True, **fields)
    template.full_clean()
    template.save()
    content = _template_content(data)
    parts = [
        *(
            TemplateArticle(template=template, position=i, number=n, title=t, body=b)
            for i, (n, t, b) in enumerate(content["articles"])
        ),
        *(
            TemplateAnnexSection(template=template, position=i, placement=p, title=t, body=b)
            for i, (p, t, b) in enumerate(content["sections"])
        ),
        *(
            TemplateSignatory(template=template, position=i, party=p, function=f, step=s)
            for i, (p, f, s) in enumerate(content["signatories"])
        ),
        *(
            TemplateEngagement(template=template, position=i, code=c, label=label, step=s)
            for i, (c, label, s) in enumerate(content["engagements"])
        ),
    ]
    for part in parts:
        part.full_clean(exclude=["template"])
    for model in (TemplateArticle, TemplateAnnexSection, TemplateSignatory, TemplateEngagement):
        model.objects.bulk_create([part for part in parts if type(part) is model])
    return template


def load_reference_data() -> tuple[list[FrameworkVersion], list[ConventionTemplate]]:
    """Every framework, then every template (which annex frameworks) found in fixtures/."""
    frameworks = [load_framework(path) for path in sorted((FIXTURES / "frameworks").glob("*.json"))]
    templates = [load_template(path) for path in sorted((FIXTURES / "templates").glob("*.json"))]
    return frameworks, templates

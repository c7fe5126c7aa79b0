"""Convention templates: versioned models of a convention, their articles, annex, required
signatories and the PO's engagements, and the closed set of placeholders their texts may use."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse

from accounts.models import Federation
from core.scoping import ScopedQuerySet

from .frameworks import FrameworkVersion

# The only names article texts may use, as `{{ name }}`. Nothing stored in the database is
# ever run as a template: these are replaced by plain, escaped values.
PLACEHOLDERS = {
    "federation_name": "nom de la fédération",
    "federation_address": "adresse de la fédération",
    "po_name": "nom du pouvoir organisateur",
    "po_address": "adresse du pouvoir organisateur",
    "school_name": "nom de l'école",
    "school_address": "adresse de l'école",
    "fase": "numéro FASE de l'école",
    "centre_name": "nom du centre (convention de collaboration centre – école)",
    "centre_address": "adresse du centre",
    "centre_signatories": "signataires du centre",
    "schools_list": "liste des écoles couvertes",
    "start_date": "date de prise de cours",
    "end_date": "date de fin",
    "council_decision_date": "date de la décision du conseil",
    "council_decision_reference": "référence de la décision du conseil",
    "po_signatories": "signataires du pouvoir organisateur",
    "fpo_signatories": "signataires de la fédération",
    "school_signatories": "signataires de l'école",
    "po_contacts": "personnes de contact du pouvoir organisateur",
    "reference": "référence de la convention",
    "notice_days": "délai de préavis (jours)",
    "po_signatory_1": "premier signataire du pouvoir organisateur (civilité, nom)",
    "po_function_1": "fonction du premier signataire du pouvoir organisateur",
    "po_signatory_2": "second signataire du pouvoir organisateur (civilité, nom)",
    "po_function_2": "fonction du second signataire du pouvoir organisateur",
    "fpo_signatory_1": "signataire de la fédération (civilité, nom)",
    "fpo_function_1": "fonction du signataire de la fédération",
    "signature_place": "lieu de la signature (la localité du pouvoir organisateur)",
    "signature_date": "date du texte signé (le jour où il a été figé)",
}
PLACEHOLDER_PATTERN = re.compile(r"\{\{\s*(\w+)\s*\}\}")


def validate_placeholders(text: str):
    unknown = sorted({name for name in PLACEHOLDER_PATTERN.findall(text) if name not in PLACEHOLDERS})
    if unknown:
        raise ValidationError(
            "Champ(s) inconnu(s) : %(names)s. Champs possibles : %(allowed)s.",
            params={"names": ", ".join(unknown), "allowed": ", ".join(PLACEHOLDERS)},
        )
    if "{%" in text:
        raise ValidationError("Les balises « {% … %} » ne sont pas permises dans le texte.")


class Party(models.TextChoices):
    FPO = "fpo", "Fédération"
    PO = "po", "Pouvoir organisateur"
    SCHOOL = "school", "École"
    CENTRE = "centre", "Centre"


class ConventionTemplateQuerySet(ScopedQuerySet):
    def visibility(self, user) -> Q:
        return Q(federation__isnull=True) | Q(federation__in=Federation.objects.visible_to(user).values("pk"))

    def current(self):
        return self.filter(is_current=True)


class ConventionTemplate(models.Model):
    """A version of a convention model. A version used by a convention never changes:
    editing means publishing a new version."""

    class Kind(models.TextChoices):
        PO = "po", "Convention avec le pouvoir organisateur"
        SCHOOL = "school", "Convention pour une école"
        CENTRE_SCHOOL = "centre_school", "Convention de collaboration centre – école"

    code = models.SlugField("code", max_length=60)
    version = models.PositiveSmallIntegerField("version", default=1)
    is_current = models.BooleanField(
        "version proposée", default=True, help_text="La version utilisée pour les nouvelles conventions."
    )
    federation = models.ForeignKey(
        Federation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="templates",
        verbose_name="fédération",
    )
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    title = models.CharField("titre", max_length=300)
    parties = models.TextField("parties", blank=True, validators=[validate_placeholders])
    preamble = models.TextField("préambule", blank=True, validators=[validate_placeholders])
    closing = models.TextField("formule finale", blank=True, validators=[validate_placeholders])
    annex_title = models.CharField("titre de l'annexe", max_length=300, blank=True)
    annex_framework = models.ForeignKey(
        FrameworkVersion,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="templates",
        verbose_name="référentiel annexé",
    )

    class ArticleHeading(models.TextChoices):
        NUMBER_FIRST = "number_first", "« Article 1 – Objet »"
        TITLE_FIRST = "title_first", "l'intitulé, puis « Article 1er »"

    article_heading = models.CharField(
        "titre des articles",
        max_length=20,
        choices=ArticleHeading.choices,
        default=ArticleHeading.NUMBER_FIRST,
    )
    # How the document lays out its signatures, as the paper model does: blocks in order, each
    # with its caption ("Pour le Pouvoir Organisateur") and the template's signatories it holds
    # (their position among the template's signatories, and the line written above the name,
    # e.g. "La Secrétaire générale"). Empty: one block per party, the default layout.
    signature_blocks = models.JSONField("disposition des signatures", default=list, blank=True)
    amendment_grounds = models.JSONField("motifs d'avenant", default=list, blank=True)
    termination_notice_days = models.PositiveSmallIntegerField(
        "délai de réponse à une résiliation (jours)", null=True, blank=True
    )
    duration_years = models.PositiveSmallIntegerField("durée (années)", null=True, blank=True)
    # The human resources the annex commits, as figures beside the text that states them
    # (CPEONS annex: "TOTAL 63,2", of which 41,2 ETP of advisers).
    committed_fte = models.DecimalField(
        "ETP engagés (total)", max_digits=6, decimal_places=2, null=True, blank=True
    )
    committed_adviser_fte = models.DecimalField(
        "ETP de conseillers engagés", max_digits=6, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    objects = ConventionTemplateQuerySet.as_manager()

    class Meta:
        verbose_name = "modèle de convention"
        verbose_name_plural = "modèles de convention"
        ordering = ["federation__code", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="template_unique_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="template_one_current_version"
            ),
        ]

    def __str__(self):
        return (
            f"{self.title} ({self.federation.code.upper() if self.federation else 'public'}, v{self.version})"
        )

    def get_absolute_url(self):
        return reverse("template_detail", args=[self.code, self.version])

    @property
    def is_used(self) -> bool:
        return self.conventions.exists()


class TemplatePart(models.Model):
    template = models.ForeignKey(ConventionTemplate, on_delete=models.CASCADE, verbose_name="modèle")
    position = models.PositiveSmallIntegerField("position", default=0)

    class Meta:
        abstract = True
        ordering = ["template", "position"]


class TemplateArticle(TemplatePart):
    number = models.CharField("numéro", max_length=10)
    title = models.CharField("titre", max_length=200, blank=True)
    body = models.TextField("texte (Markdown)", validators=[validate_placeholders])

    class Meta(TemplatePart.Meta):
        verbose_name = "article"
        verbose_name_plural = "articles"
        default_related_name = "articles"

    def __str__(self):
        return f"Article {self.number}{f' – {self.title}' if self.title else ''}"


class TemplateAnnexSection(TemplatePart):
    class Placement(models.TextChoices):
        BEFORE = "before", "Avant les objectifs"
        AFTER = "after", "Après les objectifs"

    placement = models.CharField("place", max_length=10, choices=Placement.choices)
    title = models.CharField("titre", max_length=200)
    body = models.TextField("texte (Markdown)", validators=[validate_placeholders])

    class Meta(TemplatePart.Meta):
        verbose_name = "section d'annexe"
        verbose_name_plural = "sections d'annexe"
        default_related_name = "annex_sections"

    def __str__(self):
        return self.title


class TemplateSignatory(TemplatePart):
    """A signature the template requires. Signatories of the same step sign in parallel;
    steps follow one another."""

    party = models.CharField("partie", max_length=10, choices=Party.choices)
    function = models.CharField("fonction", max_length=200)
    step = models.PositiveSmallIntegerField("étape de signature", default=1)

    class Meta(TemplatePart.Meta):
        verbose_name = "signataire requis"
        verbose_name_plural = "signataires requis"
        default_related_name = "signatories"
        ordering = ["template", "step", "position"]

    def __str__(self):
        return f"{self.get_party_display()} : {self.function}"


class TemplateEngagement(TemplatePart):
    """One item of the PO's engagements checklist (CECP art. 4)."""

    code = models.SlugField("code", max_length=60)
    label = models.TextField("engagement")
    step = models.PositiveSmallIntegerField("étape du processus", null=True, blank=True)

    class Meta(TemplatePart.Meta):
        verbose_name = "engagement du PO"
        verbose_name_plural = "engagements du PO"
        default_related_name = "engagements"
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="engagement_unique_code")]

    def __str__(self):
        return self.label[:80]

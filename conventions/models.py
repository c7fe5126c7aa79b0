"""Frameworks (référentiels), convention templates and the conventions made from them."""

import hashlib
import json
import re
from datetime import UTC

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.models import Federation, GuidanceCentre, OrganisingAuthority, School, membership_ids

# --- Frameworks ---------------------------------------------------------------------------


class Framework(models.Model):
    """An objective framework: the CPEONS annex, the FWB digital strategy, an académie's
    strategic project, the system's objectifs d'amélioration."""

    code = models.SlugField("code", max_length=60, unique=True)
    title = models.CharField("titre", max_length=200)
    source = models.CharField("source", max_length=300, blank=True)
    federation = models.ForeignKey(
        Federation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="frameworks",
        verbose_name="fédération propriétaire",
        help_text="Vide pour un référentiel public.",
    )

    class Meta:
        verbose_name = "référentiel"
        verbose_name_plural = "référentiels"
        ordering = ["title"]

    def __str__(self):
        return self.title


class FrameworkVersion(models.Model):
    """One edition of a framework. Once a template annexes it, it never changes."""

    framework = models.ForeignKey(
        Framework, on_delete=models.CASCADE, related_name="versions", verbose_name="référentiel"
    )
    number = models.PositiveSmallIntegerField("version")
    label = models.CharField("édition", max_length=60, blank=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    class Meta:
        verbose_name = "version de référentiel"
        verbose_name_plural = "versions de référentiel"
        ordering = ["framework", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "number"], name="framework_version_unique_number")
        ]

    def __str__(self):
        return f"{self.framework} (version {self.number}{f', {self.label}' if self.label else ''})"

    def get_absolute_url(self):
        return reverse("framework_detail", args=[self.framework.code, self.number])

    @property
    def is_annexed(self) -> bool:
        return self.templates.exists()


class FrameworkNode(models.Model):
    """A numbered node of a framework tree: an axis, an objective, a priority action, a
    lettered action, a lever, an evaluation criterion…"""

    class Kind(models.TextChoices):
        SECTION = "section", "Section"
        AXIS = "axis", "Axe"
        OBJECTIVE = "objective", "Objectif"
        PRIORITY_ACTION = "priority_action", "Action prioritaire"
        ACTION = "action", "Action"
        LEVER = "lever", "Levier"
        CRITERION = "criterion", "Critère d'évaluation"
        ITEM = "item", "Élément"

    version = models.ForeignKey(
        FrameworkVersion, on_delete=models.CASCADE, related_name="nodes", verbose_name="version"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="parent",
    )
    kind = models.CharField("type", max_length=20, choices=Kind.choices)
    label = models.CharField("numéro", max_length=30, blank=True)
    title = models.TextField("intitulé", blank=True)
    text = models.TextField("texte", blank=True)
    position = models.PositiveIntegerField("position")
    # The position of every ancestor, zero-padded ("0002.0005"): the whole tree comes back in
    # reading order from one query.
    path = models.CharField(max_length=255, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    extra = models.JSONField("données complémentaires", default=dict, blank=True)

    class Meta:
        verbose_name = "élément de référentiel"
        verbose_name_plural = "éléments de référentiel"
        ordering = ["version", "path"]
        constraints = [models.UniqueConstraint(fields=["version", "path"], name="framework_node_unique_path")]

    def __str__(self):
        return " ".join(part for part in (self.get_kind_display(), self.label, self.title[:60]) if part)

    @property
    def anchor(self) -> str:
        return f"n{self.pk}"

    @property
    def heading(self) -> str:
        """Label and title, without repeating a label the title already ends with
        ("Objectif transversal 1")."""
        if self.label and self.title.endswith(self.label):
            return self.title
        return " ".join(part for part in (self.label, self.title) if part)


# --- Templates ----------------------------------------------------------------------------

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


class ConventionTemplateQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(federation__isnull=True) | Q(federation__in=Federation.objects.visible_to(user).values("pk"))
        )

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
    amendment_grounds = models.JSONField("motifs d'avenant", default=list, blank=True)
    termination_notice_days = models.PositiveSmallIntegerField(
        "délai de réponse à une résiliation (jours)", null=True, blank=True
    )
    duration_years = models.PositiveSmallIntegerField("durée (années)", null=True, blank=True)
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


# --- Conventions --------------------------------------------------------------------------


class State(models.TextChoices):
    DRAFT = "draft", "Brouillon"
    TO_COMPLETE = "to_complete", "À compléter par le PO"
    IN_REVIEW = "in_review", "En relecture (fédération)"
    CHANGES_REQUESTED = "changes_requested", "Modifications demandées"
    READY = "ready", "Prête à signer"
    SIGNING = "signing", "En signature"
    SIGNED = "signed", "Signée"
    TERMINATION_NOTICE = "termination_notice", "Résiliation notifiée"
    TERMINATED = "terminated", "Résiliée"
    EXPIRED = "expired", "Expirée"
    CANCELLED = "cancelled", "Annulée"


# The text is frozen from "prête à signer" on.
FROZEN_STATES = {
    State.READY,
    State.SIGNING,
    State.SIGNED,
    State.TERMINATION_NOTICE,
    State.TERMINATED,
    State.EXPIRED,
}


class ConventionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A federation's people see its conventions; a PO's people, the PO's; a school's
        direction and DCO, those that cover their school."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(
            Q(federation__in=membership_ids(user, "federation"))
            | Q(organising_authority__in=membership_ids(user, "organising_authority"))
            | Q(
                pk__in=Convention.schools.through.objects.filter(
                    school__in=membership_ids(user, "school")
                ).values("convention")
            )
            | Q(guidance_centre__in=membership_ids(user, "guidance_centre"))
        )

    def for_list(self):
        return self.select_related("template", "federation", "organising_authority").prefetch_related(
            "schools"
        )


class Convention(models.Model):
    reference = models.CharField("référence", max_length=40, unique=True)
    template = models.ForeignKey(
        ConventionTemplate, on_delete=models.PROTECT, related_name="conventions", verbose_name="modèle"
    )
    federation = models.ForeignKey(
        Federation, on_delete=models.PROTECT, related_name="conventions", verbose_name="fédération"
    )
    organising_authority = models.ForeignKey(
        OrganisingAuthority,
        on_delete=models.PROTECT,
        related_name="conventions",
        verbose_name="pouvoir organisateur",
    )
    schools = models.ManyToManyField(School, related_name="conventions", blank=True, verbose_name="écoles")
    guidance_centre = models.ForeignKey(
        GuidanceCentre,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conventions",
        verbose_name="centre",
    )
    amendment_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        verbose_name="avenant à",
    )
    amendment_ground = models.TextField("motif de l'avenant", blank=True)
    state = models.CharField("état", max_length=20, choices=State.choices, default=State.DRAFT)
    # Optimistic concurrency: every save of the PO's part checks and increments it.
    lock_version = models.PositiveIntegerField(default=1)
    start_date = models.DateField("prise de cours", null=True, blank=True)
    end_date = models.DateField("fin", null=True, blank=True)
    council_decision_date = models.DateField("date de la décision du conseil", null=True, blank=True)
    council_decision_reference = models.CharField(
        "référence de la décision du conseil", max_length=100, blank=True
    )
    signed_at = models.DateTimeField("en vigueur depuis", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="créée par",
    )
    created_at = models.DateTimeField("créée le", auto_now_add=True)
    updated_at = models.DateTimeField("modifiée le", auto_now=True)

    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-created_at", "-reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gt=models.F("start_date")),
                name="convention_dates_in_order",
                violation_error_message="La date de fin doit suivre la date de prise de cours.",
            )
        ]
        indexes = [models.Index(fields=["state"])]

    def __str__(self):
        return self.reference

    def get_absolute_url(self):
        return reverse("convention_detail", args=[self.reference])

    @property
    def is_frozen(self) -> bool:
        return self.state in FROZEN_STATES

    @property
    def kind(self) -> str:
        return self.template.kind

    def clean(self):
        if self.start_date and self.end_date and self.end_date <= self.start_date:
            raise ValidationError({"end_date": "La date de fin doit suivre la date de prise de cours."})


class ConventionSignatory(models.Model):
    """A named signatory of a convention, in the place the template gives them."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="signatories", verbose_name="convention"
    )
    party = models.CharField("partie", max_length=10, choices=Party.choices)
    step = models.PositiveSmallIntegerField("étape de signature", default=1)
    position = models.PositiveSmallIntegerField("position", default=0)
    civility = models.CharField(
        "civilité", max_length=10, blank=True, choices=[("Madame", "Madame"), ("Monsieur", "Monsieur")]
    )
    full_name = models.CharField("nom et prénom", max_length=150, blank=True)
    function = models.CharField("fonction", max_length=200)
    email = models.EmailField("adresse e-mail", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="signatory_roles",
        verbose_name="compte",
    )

    class Meta:
        verbose_name = "signataire"
        verbose_name_plural = "signataires"
        ordering = ["convention", "step", "position"]

    def __str__(self):
        return f"{self.display_name}, {self.function}"

    @property
    def display_name(self) -> str:
        return " ".join(part for part in (self.civility, self.full_name) if part) or "…"

    @property
    def field_name(self) -> str:
        return f"Signature-{self.step}-{self.position}"


class ConventionContact(models.Model):
    """One of the PO's contact persons for the convention (référent pilotage…)."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="contacts", verbose_name="convention"
    )
    full_name = models.CharField("nom et prénom", max_length=150)
    function = models.CharField("fonction", max_length=200)
    email = models.EmailField("adresse e-mail")
    phone = models.CharField("téléphone", max_length=30, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = "personne de contact"
        verbose_name_plural = "personnes de contact"
        ordering = ["convention", "position", "pk"]

    def __str__(self):
        return f"{self.full_name}, {self.function}"


class ConventionTransition(models.Model):
    """The history of a convention: who moved it from which state to which, when, why."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="transitions", verbose_name="convention"
    )
    name = models.CharField("action", max_length=40)
    from_state = models.CharField("de", max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField("vers", max_length=20, choices=State.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    at = models.DateTimeField("le", default=timezone.now)
    comment = models.TextField("commentaire", blank=True)

    class Meta:
        verbose_name = "étape de l'historique"
        verbose_name_plural = "historique"
        ordering = ["convention", "at", "pk"]

    def __str__(self):
        return f"{self.convention}: {self.from_state} → {self.to_state}"


class ConventionSnapshot(models.Model):
    """The text of a convention as it stood at a point of its history, for the diff between
    versions."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="snapshots", verbose_name="convention"
    )
    number = models.PositiveIntegerField("version du texte")
    transition = models.OneToOneField(
        ConventionTransition, on_delete=models.CASCADE, null=True, related_name="snapshot"
    )
    text = models.TextField("texte")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "version du texte"
        verbose_name_plural = "versions du texte"
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "number"], name="snapshot_unique_number")
        ]

    def __str__(self):
        return f"{self.convention} — version {self.number}"


class ConventionDocument(models.Model):
    """The exact PDF bytes issued for a convention: the frozen text, then each signed
    revision. Stored in the database, never rewritten."""

    class Kind(models.TextChoices):
        FROZEN = "frozen", "Texte figé"
        PREPARED = "prepared", "Préparé pour la signature"
        SIGNED = "signed", "Révision signée"
        EVIDENCE = "evidence", "Certificat de preuve"

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="documents", verbose_name="convention"
    )
    revision = models.PositiveIntegerField("révision")
    kind = models.CharField("nature", max_length=10, choices=Kind.choices)
    content = models.BinaryField("contenu")
    sha256 = models.CharField("empreinte SHA-256", max_length=64, db_index=True)
    # Where each signatory's box lies in a frozen PDF: the signature fields go there.
    fields = models.JSONField("champs de signature", default=list, blank=True)
    created_at = models.DateTimeField("créé le", default=timezone.now)

    class Meta:
        verbose_name = "document PDF"
        verbose_name_plural = "documents PDF"
        ordering = ["convention", "revision"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "revision"], name="document_unique_revision")
        ]

    def __str__(self):
        return f"{self.convention} r{self.revision} ({self.get_kind_display()})"


class SignatureRequest(models.Model):
    """A signatory's personal link to sign one round of signatures (one prepared document).
    Only a hash of the token is kept; the link serves once (signature, upload or refusal)."""

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="signature_requests", verbose_name="convention"
    )
    signatory = models.ForeignKey(
        ConventionSignatory, on_delete=models.CASCADE, related_name="requests", verbose_name="signataire"
    )
    prepared = models.ForeignKey(
        ConventionDocument, on_delete=models.PROTECT, related_name="+", verbose_name="document préparé"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("créée le", default=timezone.now)
    expires_at = models.DateTimeField("expire le")
    sent_at = models.DateTimeField("envoyée le", null=True, blank=True)
    last_reminded_at = models.DateTimeField("dernier rappel", null=True, blank=True)
    opened_at = models.DateTimeField("ouverte le", null=True, blank=True)
    used_at = models.DateTimeField("utilisée le", null=True, blank=True)
    signed_at = models.DateTimeField("signée le", null=True, blank=True)
    declined_at = models.DateTimeField("refusée le", null=True, blank=True)
    decline_reason = models.TextField("motif du refus", blank=True)
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)

    class Meta:
        verbose_name = "demande de signature"
        verbose_name_plural = "demandes de signature"
        ordering = ["convention", "signatory__step", "signatory__position", "created_at"]

    def __str__(self):
        return f"{self.convention} — {self.signatory}"


class Signature(models.Model):
    """A signatory's signature in one round (one prepared document): at most one, enforced by
    the database, however many requests arrive at once."""

    class Method(models.TextChoices):
        PLATFORM = "platform", "Signature par la plateforme au nom du signataire"
        UPLOAD = "upload", "Signature par le certificat du signataire (eID)"

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="signatures", verbose_name="convention"
    )
    signatory = models.ForeignKey(
        ConventionSignatory, on_delete=models.PROTECT, related_name="signatures", verbose_name="signataire"
    )
    prepared = models.ForeignKey(
        ConventionDocument, on_delete=models.PROTECT, related_name="+", verbose_name="document préparé"
    )
    document = models.OneToOneField(
        ConventionDocument, on_delete=models.PROTECT, related_name="signature", verbose_name="révision signée"
    )
    method = models.CharField("mode", max_length=10, choices=Method.choices)
    signer_common_name = models.CharField("nom du certificat", max_length=200, blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par"
    )
    signed_at = models.DateTimeField("signée le")

    class Meta:
        verbose_name = "signature"
        verbose_name_plural = "signatures"
        ordering = ["convention", "signed_at"]
        constraints = [
            models.UniqueConstraint(fields=["prepared", "signatory"], name="signature_once_per_document")
        ]

    def __str__(self):
        return f"{self.convention} — {self.signatory}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Le journal de preuve ne se modifie pas.")

    def delete(self):
        raise PermissionError("Le journal de preuve ne s'efface pas.")


class ConventionEvent(models.Model):
    """One step of the signature of a convention, as evidence: append-only, each record's hash
    covers its fields and the previous record's hash (a chain per convention)."""

    class Kind(models.TextChoices):
        PREPARED = "prepared", "Document préparé"
        SENT = "sent", "Lien envoyé"
        OPENED = "opened", "Lien ouvert"
        REAUTHENTICATED = "reauthenticated", "Identité confirmée"
        SIGNED = "signed", "Signé"
        UPLOADED = "uploaded", "Signé (fichier déposé)"
        DECLINED = "declined", "Refus de signer"
        REMINDED = "reminded", "Rappel envoyé"
        COMPLETED = "completed", "Toutes les signatures recueillies"

    convention = models.ForeignKey(
        Convention, on_delete=models.PROTECT, related_name="events", verbose_name="convention"
    )
    sequence = models.PositiveIntegerField("numéro")
    kind = models.CharField("événement", max_length=20, choices=Kind.choices)
    signatory = models.ForeignKey(
        ConventionSignatory,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name="signataire",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="par",
    )
    actor_label = models.CharField("auteur", max_length=254)
    at = models.DateTimeField("le")
    ip = models.GenericIPAddressField("adresse IP", null=True, blank=True)
    user_agent = models.CharField("navigateur", max_length=300, blank=True)
    document_sha256 = models.CharField("empreinte du document", max_length=64, blank=True)
    detail = models.TextField("détail", blank=True)
    previous_hash = models.CharField("empreinte précédente", max_length=64, blank=True)
    hash = models.CharField("empreinte", max_length=64)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        verbose_name = "événement de preuve"
        verbose_name_plural = "journal de preuve"
        ordering = ["convention", "sequence"]
        constraints = [
            models.UniqueConstraint(fields=["convention", "sequence"], name="event_unique_sequence")
        ]

    def __str__(self):
        return f"{self.convention} #{self.sequence} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("Le journal de preuve ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Le journal de preuve ne s'efface pas.")

    def canonical(self) -> dict:
        """What the hash covers."""
        return {
            "convention": self.convention.reference,
            "sequence": self.sequence,
            "kind": self.kind,
            "signatory": self.signatory_id,
            "actor": self.actor_label,
            "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
            "ip": self.ip or "",
            "user_agent": self.user_agent,
            "document_sha256": self.document_sha256,
            "detail": self.detail,
            "previous_hash": self.previous_hash,
        }

    def compute_hash(self) -> str:
        data = json.dumps(self.canonical(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(data.encode()).hexdigest()


class TerminationNotice(models.Model):
    """A written warning of termination: the other party has a number of calendar days to
    answer in writing, then the convention is terminated or maintained."""

    class Outcome(models.TextChoices):
        TERMINATED = "terminated", "Résiliée"
        MAINTAINED = "maintained", "Maintenue"

    convention = models.ForeignKey(
        Convention, on_delete=models.CASCADE, related_name="termination_notices", verbose_name="convention"
    )
    party = models.CharField("notifiée par", max_length=10, choices=Party.choices)
    given_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par"
    )
    given_at = models.DateTimeField("le", default=timezone.now)
    reason = models.TextField("motif")
    answer_deadline = models.DateField("réponse attendue au plus tard le")
    answer = models.TextField("réponse écrite", blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField("répondu le", null=True, blank=True)
    outcome = models.CharField("issue", max_length=12, choices=Outcome.choices, blank=True)
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)

    class Meta:
        verbose_name = "notification de résiliation"
        verbose_name_plural = "notifications de résiliation"
        ordering = ["convention", "-given_at"]

    def __str__(self):
        return f"{self.convention} : résiliation notifiée le {self.given_at:%d/%m/%Y}"


class ReferenceCounter(models.Model):
    """The last number given in a federation's reference series for a year."""

    federation = models.ForeignKey(Federation, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["federation", "year"], name="reference_counter_unique_year")
        ]

    def __str__(self):
        return f"{self.federation_id}/{self.year}: {self.last}"


class BulkCreation(models.Model):
    """A batch of conventions created at once by federation staff, in a background task."""

    class Status(models.TextChoices):
        PENDING = "pending", "En attente"
        RUNNING = "running", "En cours"
        DONE = "done", "Terminée"
        FAILED = "failed", "Échouée"

    federation = models.ForeignKey(Federation, on_delete=models.CASCADE, related_name="+")
    template = models.ForeignKey(ConventionTemplate, on_delete=models.PROTECT, related_name="+")
    rows = models.JSONField(default=list)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    done = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    references = models.JSONField(default=list, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "création groupée"
        verbose_name_plural = "créations groupées"

    def __str__(self):
        return f"Création groupée {self.pk} ({self.get_status_display()})"

    @property
    def total(self) -> int:
        return len(self.rows)

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.total) if self.total else 100

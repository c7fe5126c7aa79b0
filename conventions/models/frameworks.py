"""Frameworks (référentiels): versioned trees of axes, objectives, actions, levers, criteria."""

from django.db import models
from django.urls import reverse

from accounts.models import Federation


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
    # Public frameworks come from several systems: a school in Belgium is offered the Belgian
    # ones first, a French académie's project only on request.
    country = models.CharField(
        "pays",
        max_length=2,
        default="BE",
        help_text="Code ISO du pays dont relève le référentiel : BE, FR…",
    )

    class Meta:
        verbose_name = "référentiel"
        verbose_name_plural = "référentiels"
        ordering = ["title"]

    def __str__(self):
        return self.title

    @property
    def is_belgian(self) -> bool:
        return self.country == "BE"


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


TIMELINE_PHASES = [
    ("preparation", "Préparation"),
    ("jalon", ""),
    ("montee_en_puissance", "Montée en puissance"),
    ("rythme_de_croisiere", "Rythme de croisière"),
]


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
    def timeline_phases(self) -> list[tuple[str, str]]:
        """The phases of a priority action's timeline as (label, text), in the strategy's order:
        PostgreSQL's jsonb keeps no key order, so the order is this one, not the stored one. A
        milestone (« jalon ») has no label of its own in the seed: its label is empty."""
        timeline = (self.extra or {}).get("timeline") or {}
        return [(label, timeline[key]) for key, label in TIMELINE_PHASES if key in timeline]

    @property
    def heading(self) -> str:
        """Label and title, without repeating a label the title already ends with
        ("Objectif transversal 1")."""
        if self.label and self.title.endswith(self.label):
            return self.title
        return " ".join(part for part in (self.label, self.title) if part)

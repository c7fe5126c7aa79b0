"""Creating many conventions at once: one per school of a PO, or one per row of a file.

Rows are checked first, all of them, and shown for confirmation; nothing is created until the
whole batch is known to be good, and then all of it is created in one transaction."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from accounts.models import OrganisingAuthority, School
from core import jobs
from core.imports import TableImportError, encoding_note, read_table
from core.models import Job

from ..models import ConventionTemplate, Party
from .drafting import check_parties, conventions_standing, create_convention

COLUMNS = ("po", "ecoles", "signataires")


@dataclass
class PlannedConvention:
    line: int
    organising_authority: OrganisingAuthority
    schools: list
    signatories: list = field(default_factory=list)

    def as_row(self) -> dict:
        return {
            "line": self.line,
            "po": self.organising_authority.pk,
            "schools": [s.pk for s in self.schools],
            "signatories": self.signatories,
        }


class BulkError(Exception):
    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


def plan_for_po_schools(
    *, template: ConventionTemplate, organising_authority: OrganisingAuthority, schools
) -> list[PlannedConvention]:
    """One school-level convention per school of the PO (those without one from this template yet)."""
    covered = set(conventions_standing(template=template, schools=schools).values_list("schools", flat=True))
    if template.kind == ConventionTemplate.Kind.PO:
        return [PlannedConvention(line=1, organising_authority=organising_authority, schools=list(schools))]
    return [
        PlannedConvention(line=i, organising_authority=organising_authority, schools=[school])
        for i, school in enumerate((s for s in schools if s.pk not in covered), start=1)
    ]


def read_rows(name: str, data: bytes) -> tuple[list[dict], str]:
    """The file's rows as dicts keyed by lower-case column, and what to tell the user about the
    encoding it was read in."""
    try:
        dataset = read_table(name, data)
    except TableImportError as error:
        raise BulkError(error.errors) from None
    headers = [str(h or "").strip().lower() for h in dataset.headers or []]
    missing = [c for c in COLUMNS[:2] if c not in headers]
    if missing:
        raise BulkError(
            [f"Colonne(s) manquante(s) : {', '.join(missing)}. Colonnes attendues : {', '.join(COLUMNS)}."]
        )
    return [dict(zip(headers, row, strict=False)) for row in dataset], encoding_note(dataset)


def _signatories(text: str, template: ConventionTemplate) -> list[dict]:
    """`Nom | Fonction | e-mail ; Nom | Fonction | e-mail`, in the order of the template's PO signatories."""
    slots = [s for s in template.signatories.all() if s.party != Party.FPO]
    entries = [e for e in (text or "").split(";") if e.strip()]
    if len(entries) > len(slots):
        raise ValidationError(
            f"{len(entries)} signataires donnés, le modèle en prévoit {len(slots)} pour le PO et l'école."
        )
    result = []
    for slot, entry in zip(slots, entries, strict=False):
        parts = [p.strip() for p in entry.split("|")]
        if len(parts) != 3 or not all(parts[:2]):
            raise ValidationError(
                f"« {entry.strip()} » : indiquez « Nom | Fonction | e-mail » (la fonction est obligatoire)."
            )
        full_name, function, email = parts
        if email:
            try:
                validate_email(email)
            except ValidationError:
                raise ValidationError(f"« {email} » n'est pas une adresse e-mail valide.") from None
        result.append(
            {
                "party": slot.party,
                "function": slot.function,
                "given_function": function,
                "full_name": full_name,
                "email": email,
            }
        )
    return result


def plan_from_rows(
    *, template: ConventionTemplate, rows: list[dict], visible_pos, visible_schools
) -> list[PlannedConvention]:
    """Every row checked; all problems reported together as 'Ligne N : raison'."""
    pos = {po.name.casefold(): po for po in visible_pos}
    schools = {s.fase: s for s in visible_schools}
    planned, errors = [], []
    for line, row in enumerate(rows, start=2):  # line 1 holds the headers
        if not any(str(v or "").strip() for v in row.values()):
            continue
        try:
            po = pos.get(str(row.get("po") or "").strip().casefold())
            if po is None:
                raise ValidationError(f"pouvoir organisateur inconnu « {row.get('po') or ''} ».")
            numbers = [n for n in re.split(r"[\s,;]+", str(row.get("ecoles") or "").strip()) if n]
            if not numbers:
                raise ValidationError("aucune école (numéros FASE) n'est indiquée.")
            unknown = [n for n in numbers if not n.isdigit() or int(n) not in schools]
            if unknown:
                raise ValidationError(f"numéro(s) FASE inconnu(s) : {', '.join(unknown)}.")
            chosen = [schools[int(n)] for n in numbers]
            check_parties(template=template, organising_authority=po, schools=chosen)
            planned.append(
                PlannedConvention(
                    line=line,
                    organising_authority=po,
                    schools=chosen,
                    signatories=_signatories(row.get("signataires"), template),
                )
            )
        except ValidationError as error:
            errors.extend(f"Ligne {line} : {message[0].lower() + message[1:]}" for message in error.messages)
    if not errors and not planned:
        errors = ["Le fichier ne contient aucune ligne à créer."]
    if errors:
        raise BulkError(errors)
    return planned


KIND = "conventions.bulk_creation"


def new_job(*, template: ConventionTemplate, rows: list[dict], by) -> Job:
    """A batch of checked rows, waiting to be created (by the background task)."""
    return jobs.create_job(kind=KIND, by=by, params={"template": template.pk, "rows": rows})


def job_template(job: Job) -> ConventionTemplate:
    return ConventionTemplate.objects.get(pk=job.params["template"])


def run_bulk_job(*, job: Job) -> Job:
    """All or nothing: the batch's conventions are created in one transaction, the same that
    records the job as done, so that a retry after a worker died never creates them twice; the
    progress of the checks before it is saved row by row so that the page can show it."""

    def work(job: Job) -> dict:
        template = job_template(job)
        try:
            check_job_rows(job, template)
            return jobs.once(job, lambda: {"references": run_bulk_creation(job, template)})
        except ValidationError as error:
            raise jobs.JobRefused(error.messages) from None

    return jobs.run(job, work)


def check_job_rows(job: Job, template: ConventionTemplate) -> None:
    """Checks the job's rows again against the database as it is now, saving the progress
    row by row (outside the creation's transaction, so the page can show it)."""
    rows = job.params["rows"]
    pos = OrganisingAuthority.objects.in_bulk({row["po"] for row in rows})
    schools = School.objects.in_bulk({pk for row in rows for pk in row["schools"]})
    for done, row in enumerate(rows, start=1):
        if row["po"] not in pos or any(pk not in schools for pk in row["schools"]):
            raise ValidationError(
                f"Ligne {row['line']} : le pouvoir organisateur ou une école n'existe plus."
            )
        try:
            check_parties(
                template=template,
                organising_authority=pos[row["po"]],
                schools=[schools[pk] for pk in row["schools"]],
            )
        except ValidationError as error:
            raise ValidationError(f"Ligne {row['line']} : {' '.join(error.messages)}") from None
        jobs.report_progress(
            job, percent=round(100 * done / len(rows)), stage=f"vérification {done} / {len(rows)}"
        )


def run_bulk_creation(job: Job, template: ConventionTemplate) -> list[str]:
    """Creates the job's conventions; called inside one transaction (`jobs.once`) by `run_bulk_job`."""
    rows = job.params["rows"]
    pos = OrganisingAuthority.objects.in_bulk({row["po"] for row in rows})
    schools = School.objects.in_bulk({pk for row in rows for pk in row["schools"]})
    references = []
    for row in rows:
        convention = create_convention(
            template=template,
            organising_authority=pos[row["po"]],
            schools=[schools[pk] for pk in row["schools"]],
            by=job.created_by,
            signatories=row["signatories"],
        )
        for given in row["signatories"]:
            if given.get("given_function") and given["given_function"] != given["function"]:
                # Saved one by one (a handful per convention) so that the audit trail keeps it.
                for signatory in convention.signatories.filter(
                    party=given["party"], function=given["function"]
                ):
                    signatory.function = given["given_function"]
                    signatory._history_user = job.created_by
                    signatory.save(update_fields=["function"])
        references.append(convention.reference)
    return references

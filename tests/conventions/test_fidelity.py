"""The demo's CPEONS and CECP conventions, signed, carry their seed's text word for word: the
text of each PDF and of each preview (the convention's page) holds every paragraph of the seed
document (docs/seeds/, copies of shared/seeds/), in the seed's order, with only the placeholders filled.

The seeds are Markdown converted from the paper documents: `#` and `**` marks, list dashes and
the seed's page breaks are formatting, not text. What legitimately differs (the people's names,
the dates, the schools) is in one explicit list per convention, SUBSTITUTIONS below."""

import io
import re
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.db import transaction
from django.test import Client
from pypdf import PdfReader

from accounts.demo import load_demo
from accounts.models import Role
from conventions.demo import load_conventions_demo
from conventions.loading import load_reference_data
from conventions.models import Convention, State
from conventions.rendering import signed_on
from conventions.signatures import rounds
from tests.accounts.factories import FederationFactory

pytestmark = pytest.mark.django_db

# Copies of the team's shared/seeds/, in the repository so that every clone has them.
SEEDS = Path(settings.BASE_DIR) / "docs" / "seeds"

# The allowed differences, (what the seed says, what the demo's convention says), applied to the
# seed's normalised text (paragraphs separated by a blank line). Each must be used: a
# substitution that no longer matches is an error too, so that the list stays short and true.
SUBSTITUTIONS = {
    "CPEONS-2026-0001": [
        # The federation's signatory as the demo names him (the seed: « Administrateur – délégué »).
        (
            "Roberto GALLUCCIO, Administrateur – délégué,",
            "Roberto GALLUCCIO, Administrateur délégué du CPEONS,",
        ),
        # The date of the council's decision is a field of the PO's part.
        (
            "d'une décision du conseil communal, Madame",
            "d'une décision du conseil communal du 23/07/2024, Madame",
        ),
        # The PO's signatories as the PO's référent gave them.
        (
            "Faouzia HARICHE, Echevine en charge de l'Instruction Publique, de la Jeunesse et des "
            "Ressources Humaines, et Monsieur",
            "Faouzia HARICHE, Échevine en charge de l'Instruction Publique, de la Jeunesse et des "
            "Ressources Humaines et Monsieur",
        ),
        # Article 1: the schools covered, a list.
        (
            "ci-après nommés « les Bénéficiaires ».",
            "ci-après nommés « les Bénéficiaires » :\n\n"
            "Athénée communal du Centre (FASE 9001)\n\n"
            "Institut communal d'enseignement spécialisé de Laeken (FASE 9032)\n\n"
            "Institut communal des Sciences appliquées (FASE 9003)\n\n"
            "Lycée communal des Arts et Métiers (FASE 9002)",
        ),
        # Article 3: the PO's contact persons.
        (
            "et les Bénéficiaires.\n\nArticle 4",
            "et les Bénéficiaires.\n\n"
            "Nadia Référente – Référent(e) pilotage – referent.bruxelles@pilotis.example – 02 279 00 00\n\n"
            "Article 4",
        ),
        ("La mission prend cours le .....", "La mission prend cours le 01/09/2024"),
        ("à Bruxelles, le .....", "à Bruxelles, le {signed_on}"),
        # The signatories' names and functions as the PO's référent gave them.
        ("Madame Faouzia Hariche", "Madame Faouzia HARICHE"),
        (
            "Echevine de l'Instruction publique, de la Jeunesse et des Ressources humaines",
            "Échevine en charge de l'Instruction Publique, de la Jeunesse et des Ressources Humaines",
        ),
        ("Monsieur Luc Symoens", "Monsieur Luc SYMOENS"),
        (
            "Monsieur Roberto Galluccio\n\nAdministrateur Délégué",
            "Monsieur Roberto GALLUCCIO\n\nAdministrateur délégué",
        ),
    ],
    "CECP-2026-0001": [
        ("Le pouvoir organisateur de : BRUXELLES", "Le pouvoir organisateur de : Ville de Bruxelles"),
        # « Madame/Monsieur ….. » and the line for the name: the PO's signatories, in order.
        (
            "représenté par Madame/Monsieur .....\n\n.....,\n\nen sa qualité de Secrétaire communal",
            "représenté par Monsieur Luc SYMOENS,\n\nen sa qualité de Secrétaire communal",
        ),
        (
            "et Madame/Monsieur .....\n\n.....,\n\nen sa qualité de Bourgmestre/Echevin-délégué",
            "et Madame Faouzia HARICHE,\n\nen sa qualité de Bourgmestre/Échevin-délégué",
        ),
        # Article 1er: the school covered.
        (
            "L'Ecole primaire Adolphe Max - Rue Charles-Quint 31 à 1000 BRUXELLES.",
            "École primaire Adolphe Max - Rue Charles-Quint 31, 1000 Bruxelles.",
        ),
        ("Fait à ....., le .....,", "Fait à Bruxelles, le {signed_on},"),
        # The seed reads the signatures' two columns line by line; the document, block by block.
        (
            "Pour le CECP asbl,\n\nPour le Conseil communal,\n\nLa Secrétaire générale",
            "Pour le CECP asbl,\n\nLa Secrétaire générale\n\nPour le Conseil communal,",
        ),
    ],
}


def _fold(text: str) -> str:
    """Without case nor accents: a seed's line in capitals (« CONVENTION RELATIVE A … ») is
    compared so, capitals being a way of writing a title."""
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c)).casefold()


def normalise(text: str) -> str:
    """Whitespace to single spaces; typographic apostrophes and non-breaking spaces as plain
    ones; no space around a slash (« pilotage/ contrat », « pilotage / contrat »)."""
    text = text.replace("\u2019", "'").replace("\u00a0", " ").replace("\u202f", " ")
    text = re.sub(r"\s*/\s*", "/", re.sub(r"\s+", " ", text).strip())
    # The seed's OCR hyphenation: « Bruxelles- Capitale » is a line's end in the paper document.
    text = re.sub(r"(\w)- (?=[A-ZÉ])", r"\1-", text)
    # The heading « Article 1 – Objet » (the seed: « Article 1 Objet »): the dash is typography.
    return re.sub(r"\b(Article \w+) – ", r"\1 ", text)


_LABEL = re.compile(r"^(?:[a-z]\)|\d+°|\d+\.?) ")


def seed_paragraphs(markdown: str) -> list[str]:
    """The seed's paragraphs, formatting taken out: each line of a block is a paragraph (the
    seed's lines are the paper's). A block that starts in lower case after an unfinished
    plain line (« … création » then « - d'un nouveau plan… ») goes on the previous line: one of
    the seed's page breaks cut it."""
    paragraphs, previous = [], ""
    for block in re.split(r"\n\s*\n", markdown):
        lines = [line for line in block.splitlines() if line.strip()]
        for index, raw in enumerate(lines):
            line = re.sub(r"^\s*(?:#+\s*|[-*]\s+)", "", raw)
            line = re.sub(r"</?sup>|\*\*", "", line)
            text = normalise(re.sub(r"<(https?://[^>]+)>", r"\1", line))
            cut = (
                index == 0
                and paragraphs
                and text[:1].islower()
                and not _LABEL.match(text)
                and "**" not in previous
                and not re.search(r"[.;:!?]$", paragraphs[-1])
            )
            if cut:
                paragraphs[-1] = f"{paragraphs[-1]} {text}"
            else:
                paragraphs.append(text)
            previous = raw
    return paragraphs


def _apply(paragraphs: list[str], substitutions: list[tuple[str, str]], **values) -> list[str]:
    text = "\n\n".join(paragraphs)
    for seed, rendered in substitutions:
        assert seed in text, f"substitution sans objet (le modèle ne dit pas « {seed} »)"
        text = text.replace(seed, rendered.format(**values))
    return [normalise(p) for p in text.split("\n\n")]


def pdf_text(data: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    # The pages' margins (running footer, page number) and the list bullets are not the text.
    # No hyphenation in the PDF (print.css): a hyphen that ends a line is the text's own.
    text = re.sub(r"-\n", "-", text)
    text = re.sub(r"\s+", " ", re.sub(r"[•◦▪]", " ", text))
    text = re.sub(r"\S+ – version \d+ – vérifier : \S+ \(réf\. \w+\)", " ", text)
    return normalise(re.sub(r"page \d+ / \d+", " ", text))


_BLOCKS = "p, li, h1, h2, h3, h4, h5, h6, div, section, header, td, th, br"


def preview_text(html: str) -> str:
    soup = BeautifulSoup(html, "html.parser")
    document = soup.select_one(".convention-document")
    for hidden in document.select("[aria-hidden=true], .review-thread, form"):
        hidden.decompose()
    for block in document.select(_BLOCKS):
        block.insert_after("\n")
    return normalise(document.get_text(""))


def differences(seed: list[str], rendered: str) -> list[str]:
    """The seed's paragraphs that the rendered text does not carry at their place, each named
    with its number and what the rendered text has there instead."""
    problems, cursor = [], 0
    for number, paragraph in enumerate(seed, start=1):
        found = rendered.find(paragraph, cursor)
        if found < 0 and paragraph == paragraph.upper():
            found = _fold(rendered).find(_fold(paragraph), cursor)
        if found < 0:
            problems.append(
                f"paragraphe {number} : « {paragraph[:160]} » ; à cet endroit : « {rendered[cursor : cursor + 160]} »"
            )
            continue
        cursor = found + len(paragraph)
    return problems


SEED_FILES = {
    "CPEONS-2026-0001": "convention-cpeons-ville-de-bruxelles.md",
    "CECP-2026-0001": "convention-cecp-ecole.md",
}


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker):
    """The demo loaded once; for each of its two seed conventions, signed: the seed's
    paragraphs (substitutions made), the text of its signed PDF and of its page's preview.
    The demo is rolled back afterwards."""
    texts = {}
    with django_db_blocker.unblock(), transaction.atomic():
        load_demo()
        load_conventions_demo()
        for reference, seed_file in SEED_FILES.items():
            convention = Convention.objects.get(reference=reference)
            assert convention.state == State.SIGNED
            seed = _apply(
                seed_paragraphs((SEEDS / seed_file).read_text(encoding="utf-8")),
                SUBSTITUTIONS[reference],
                signed_on=signed_on(convention).strftime("%d/%m/%Y"),
            )
            client = Client()
            client.force_login(convention.signatories.first().user)
            page = client.get(convention.get_absolute_url())
            assert page.status_code == 200
            texts[reference] = {
                "seed": seed,
                "PDF": pdf_text(bytes(rounds.latest_document(convention).content)),
                "aperçu": preview_text(page.content.decode()),
            }
        transaction.set_rollback(True)
    return texts


@pytest.mark.parametrize("where", ["PDF", "aperçu"])
@pytest.mark.parametrize("reference", SEED_FILES)
def test_the_seed_conventions_carry_their_seeds_text_word_for_word(rendered, reference, where):
    texts = rendered[reference]
    problems = differences(texts["seed"], texts[where])
    assert not problems, f"{reference}, {where} :\n" + "\n".join(problems[:12])


def test_the_comparison_names_the_paragraph_that_differs():
    seed = ["Article 1 Objet", "La mission prend cours le 01/09/2024.", "Fin."]
    rendered = normalise("Article 1 – Objet La mission prend cours le ..... Fin.")
    (problem,) = differences(seed, rendered)
    assert problem.startswith("paragraphe 2 : « La mission prend cours le 01/09/2024. »")


# --- the frameworks' pages ---------------------------------------------------------------------


@pytest.fixture
def reference_data(side_a):
    FederationFactory(code="CPEONS", name="CPEONS")
    FederationFactory(code="CECP", name="CECP")
    load_reference_data()
    return side_a.users[Role.FPO_ADVISER]


def _phases(page, label):
    """The phases the page gives a priority action, as (label shown, text)."""
    soup = BeautifulSoup(page.content.decode(), "html.parser")
    action = next(
        d for d in soup.select("details details") if d.summary.get_text(" ", strip=True).startswith(label)
    )
    return [
        (dt.get_text(strip=True), dd.get_text(strip=True))
        for dt, dd in zip(action.select("dt"), action.select("dd"), strict=True)
    ]


def test_the_digital_strategy_shows_each_phase_under_the_seeds_own_label(client, reference_data):
    client.force_login(reference_data)
    page = client.get("/referentiels/strategie-numerique-fwb/v2/")
    assert page.status_code == 200
    # the seed: « Préparation à partir de 2018 », then « Adoption dans le courant de l'année 2019 »
    assert _phases(page, "AP 3.2") == [
        ("Préparation", "à partir de 2018"),
        ("Étape", "Adoption dans le courant de l'année 2019"),
    ]
    assert _phases(page, "AP 1.3") == [
        ("Préparation", "à partir de 2018"),
        ("Montée en puissance", "à partir de 2019"),
        ("Rythme de croisière", "à partir de 2021"),
    ]
    soup = BeautifulSoup(page.content.decode(), "html.parser")
    for dt in soup.select("dt"):
        assert dt.get_text(strip=True) != "Étape" or "visually-hidden" in dt["class"]


def test_the_academie_shows_the_introduction_its_criteria_share(client, reference_data):
    client.force_login(reference_data)
    page = client.get("/referentiels/projet-academique-clermont/v2/")
    assert page.status_code == 200
    soup = BeautifulSoup(page.content.decode(), "html.parser")
    intros = soup.select(".fw-criteria-intro")
    assert len(intros) == 11
    assert intros[0].get_text(" ", strip=True) == (
        "Critères d'évaluation Évolutions quantitatives et/ou qualitatives portant sur :"
    )
    # before the objective's first criterion
    assert "Critère" in intros[0].find_next_sibling("li").get_text()

"""The convention templates in fixtures/templates/ are faithful transcriptions of the source documents
(see ../shared/seeds/): plain JSON, checked here without a database."""

import json
import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "fixtures" / "templates"
CODES = ("cpeons-po", "cecp-ecole", "cooperation-centre-ecole")

ALLOWED_PLACEHOLDERS = {
    "federation_name",
    "federation_address",
    "po_name",
    "po_address",
    "school_name",
    "school_address",
    "fase",
    "centre_name",
    "centre_address",
    "centre_signatories",
    "schools_list",
    "start_date",
    "end_date",
    "council_decision_date",
    "council_decision_reference",
    "po_signatories",
    "fpo_signatories",
    "school_signatories",
    "po_contacts",
    "reference",
    "notice_days",
    # each signatory by their place, for a text that names them apart (CECP: « représenté par
    # … en sa qualité de … et … en sa qualité de … »), and « Fait à …, le … » once frozen
    "po_signatory_1",
    "po_function_1",
    "po_signatory_2",
    "po_function_2",
    "fpo_signatory_1",
    "fpo_function_1",
    "signature_place",
    "signature_date",
}
PLACEHOLDER = re.compile(r"\{\{\s*(\w+)\s*\}\}")
STRICT_PLACEHOLDER = re.compile(r"\{\{ \w+ \}\}")

KEYS = {
    "code",
    "federation",
    "kind",
    "version",
    "committed_fte",
    "committed_adviser_fte",
    "title",
    "parties",
    "preamble",
    "articles",
    "closing",
    "article_heading",
    "signature_blocks",
    "annex_title",
    "annex_sections_before",
    "annex_framework",
    "annex_framework_version",
    "annex_sections_after",
    "signatories",
    "engagements",
    "amendment_grounds",
    "termination_notice_days",
    "duration_years",
}
PARTIES = {"fpo", "po", "school", "centre"}


def load(code):
    with open(TEMPLATES / f"{code}.json", encoding="utf-8") as f:
        return json.load(f)


def strings(value):
    """Every string anywhere in a JSON value."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def article(template, number):
    # « Article 1er » (CECP) is article 1.
    return next(a for a in template["articles"] if a["number"].removesuffix("er") == str(number))


@pytest.fixture(params=CODES)
def template(request):
    return load(request.param)


# --- every template -------------------------------------------------------------------------


def test_shape(template):
    assert set(template) == KEYS
    assert template["kind"] in {"po", "school", "centre_school"}
    # Every template is at version 2: the cooperation agreement's version 1 had no placeholder
    # for the centre; the CPEONS and CECP ones gave their seeds' text less faithfully (issue 11).
    assert template["version"] == 2
    assert template["article_heading"] in {"number_first", "title_first"}
    slots = range(len(template["signatories"]))
    for block in template["signature_blocks"]:
        assert set(block) == {"caption", "signatories"}
        assert all(entry["slot"] in slots for entry in block["signatories"])
    assert template["title"] and template["parties"] and template["preamble"]
    for key in ("annex_sections_before", "annex_sections_after"):
        for section in template[key]:
            assert set(section) == {"title", "body"} and section["title"] and section["body"]
    assert (template["annex_framework"] is None) == (template["annex_framework_version"] is None)
    for engagement in template["engagements"]:
        assert set(engagement) == {"code", "label", "step"} and engagement["label"]
    codes = [e["code"] for e in template["engagements"]]
    assert len(codes) == len(set(codes))


def test_articles_numbered_in_order(template):
    articles = template["articles"]
    assert [a["number"].removesuffix("er") for a in articles] == [str(n) for n in range(1, len(articles) + 1)]
    for a in articles:
        assert set(a) == {"number", "title", "body"} and a["title"].strip() and a["body"].strip()
        assert "**" not in a["title"] and not a["title"].startswith("#")


def test_placeholders_belong_to_the_closed_set(template):
    for text in strings(template):
        assert "{%" not in text and "%}" not in text
        used = PLACEHOLDER.findall(text)
        assert set(used) <= ALLOWED_PLACEHOLDERS, set(used) - ALLOWED_PLACEHOLDERS
        # written exactly "{{ name }}", and no stray braces
        assert len(STRICT_PLACEHOLDER.findall(text)) == text.count("{{") == text.count("}}") == len(used)


def test_markdown_only(template):
    for text in strings(template):
        assert "<" not in text and ">" not in text, text[:80]
        assert "&nbsp;" not in text and "&amp;" not in text


def test_signatories(template):
    signatories = template["signatories"]
    assert signatories
    for s in signatories:
        assert set(s) == {"party", "function", "step"}
        assert s["party"] in PARTIES and s["function"].strip()
        assert isinstance(s["step"], int) and s["step"] >= 1
    steps = sorted({s["step"] for s in signatories})
    assert steps == list(range(1, len(steps) + 1))  # sequential steps, no gap
    parties = {s["party"] for s in signatories}
    expected = {"po": {"po", "fpo"}, "school": {"po", "fpo", "school"}, "centre_school": {"school", "centre"}}
    assert parties == expected[template["kind"]]


# --- CPEONS, PO-level -------------------------------------------------------------------------


def test_cpeons_articles():
    t = load("cpeons-po")
    assert (t["federation"], t["kind"]) == ("CPEONS", "po")
    assert [(a["number"], a["title"]) for a in t["articles"]] == [
        ("1", "Objet de la convention"),
        ("2", "Description de la nature et de l'étendue de la mission"),
        ("3", "Personnes de Contact du Pouvoir Organisateur"),
        ("4", "Personne de Contact du Réseau CPEONS"),
        ("5", "Durée"),
        ("6", "Responsabilité civile"),
        ("7", "Règlement des litiges"),
        ("8", "Clause résolutoire expresse"),
    ]
    assert "{{ schools_list }}" in article(t, 1)["body"]
    assert "gratuitement" in article(t, 1)["body"]
    steps = article(t, 2)["body"]
    for words in ("Mobiliser", "état des lieux", "stratégies", "Négocier", "Mettre en œuvre"):
        assert words in steps
    assert "rue des Minimes, 87-89 à 1000 Bruxelles" in t["parties"]  # the FPO's own text stays literal
    assert "Roberto Galluccio" in article(t, 4)["body"]
    assert "{{ start_date }}" in article(t, 5)["body"] and "6 ans" in article(t, 5)["body"]
    assert t["duration_years"] == 6
    assert "{{ po_signatories }}" in t["parties"] and "{{ po_name }}" in t["parties"]
    assert (
        t["closing"]
        == "### SIGNATURES DES PARTIES\n\nFait en deux exemplaires à Bruxelles, le {{ signature_date }}"
    )


def test_cpeons_annex():
    t = load("cpeons-po")
    assert t["annex_title"].endswith("(Annexe 1 à la Convention)")
    assert (t["annex_framework"], t["annex_framework_version"]) == ("cpeons-annexe-1", 2)
    before = {s["title"]: s["body"] for s in t["annex_sections_before"]}
    assert list(before) == ["Définitions", "Engagements du CPEONS"]
    assert before["Engagements du CPEONS"].startswith("#### 1. Missions (rappel)\n\n")
    assert before["Définitions"].count("\n- ") == 8  # 1° … 8°
    assert "- 10° Favoriser la collaboration" in before["Engagements du CPEONS"]
    assert "  - o) Exercer toute autre mission" in before["Engagements du CPEONS"]  # a) … o) nested under 1°
    # the objectives live in the framework fixture, not here
    assert "Objectif transversal" not in json.dumps(t, ensure_ascii=False)
    (after,) = t["annex_sections_after"]
    assert after["title"] == "Moyens mis à disposition"
    # The staff the CPEONS commits, as the seed lists it (a list, not a table), and its total.
    assert (
        "- 41,2 ETP conseillers au soutien et à l'accompagnement (dont 2 ETP coordonnateurs" in after["body"]
    )
    assert after["body"].endswith("\n\nTOTAL : 63,2 ETP.")


def test_cpeons_engagements():
    t = load("cpeons-po")
    assert [e["code"] for e in t["engagements"]] == ["referent"]
    assert t["amendment_grounds"] == [] and t["termination_notice_days"] is None


def test_cpeons_signing_order():
    t = load("cpeons-po")
    assert [(s["party"], s["step"]) for s in t["signatories"]] == [("po", 1), ("po", 1), ("fpo", 2)]


# --- CECP, school-level -----------------------------------------------------------------------


def test_cecp_articles():
    t = load("cecp-ecole")
    assert (t["federation"], t["kind"]) == ("CECP", "school")
    assert [a["title"] for a in t["articles"]] == [
        "Champ d'application de la convention",
        "Objet de la convention",
        "Engagements du CECP",
        "Engagements du PO",
        "Mise à disposition de données",
        "Modifications de la convention",
        "Fin de la convention",
        "Date de prise de cours et durée de la convention",
    ]
    scope = article(t, 1)["body"]
    assert {"school_name", "school_address", "fase"} <= set(PLACEHOLDER.findall(scope))


def test_cecp_five_steps():
    body = article(load("cecp-ecole"), 3)["body"]
    steps = [line for line in body.splitlines() if line.startswith("- Etape")]
    assert len(steps) == 5
    keywords = ["Mobiliser", "état des lieux", "stratégies", "Négocier", "Mettre en œuvre"]
    for n, (line, words) in enumerate(zip(steps, keywords, strict=True), 1):
        assert line.startswith(f"- Etape {n} :") and words in line
    assert "miroir de l'école" in body and "causes-racines" in body
    assert "intervision" in body and "coaching" in body and "évaluation intermédiaire" in body


def test_cecp_po_engagements():
    t = load("cecp-ecole")
    engagements = t["engagements"]
    assert len(engagements) == 15
    assert engagements[0]["code"] == "referent" and engagements[0]["label"].startswith(
        "Désigner un référent pilotage"
    )
    assert {e["step"] for e in engagements} <= {1, 2, 3, 4, 5}
    assert "lettre de mission" in engagements[-1]["label"]
    body = article(t, 4)["body"]
    for e in engagements:  # the checklist is art. 4, word for word
        assert e["label"] in body


def test_cecp_amendment_termination_duration():
    t = load("cecp-ecole")
    assert len(t["amendment_grounds"]) == 2
    for ground in t["amendment_grounds"]:
        assert ground in article(t, 6)["body"]
    termination = article(t, 7)["body"]
    assert "30 jours" in termination and "avertissement écrit" in termination
    assert t["termination_notice_days"] == 30
    duration = article(t, 8)["body"]
    assert "date de sa signature" in duration and "n'est pas automatique" in duration
    assert t["annex_framework"] is None and t["annex_title"] == ""


def test_cecp_signatories():
    t = load("cecp-ecole")
    assert [(s["party"], s["step"]) for s in t["signatories"]] == [
        ("po", 1),
        ("po", 1),
        ("fpo", 2),
        ("school", 3),
    ]
    assert "contresignature" in t["signatories"][-1]["function"]


# --- centre ↔ school cooperation --------------------------------------------------------------


def test_cooperation_agreement():
    t = load("cooperation-centre-ecole")
    assert (t["federation"], t["kind"]) == (None, "centre_school")
    assert t["annex_framework"] is None
    for a in t["articles"]:
        assert re.search(r"\(art\. [^)]*du décret\)", a["body"]), a["title"]  # every article cites the decree
    text = json.dumps(t, ensure_ascii=False)
    for words in (
        "arrangements de coopération",
        "dossier multidisciplinaire",
        "vie privée",
        "secret professionnel",
        "fonction de signal",
        "31 décembre",
    ):
        assert words in text
    assert t["termination_notice_days"] is None and t["duration_years"] is None

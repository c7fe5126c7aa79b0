"""The frameworks (référentiels) in fixtures/frameworks/ are faithful transcriptions of the source
documents (see ../shared/seeds/): plain JSON, checked here without a database."""

import json
import re
from pathlib import Path

import pytest

FRAMEWORKS = Path(__file__).resolve().parents[2] / "fixtures" / "frameworks"
CODES = ("cpeons-annexe-1", "strategie-numerique-fwb", "projet-academique-clermont", "objectifs-amelioration")

TOP_KEYS = {"code", "title", "version", "version_label", "source", "federation", "country", "nodes"}
NODE_KEYS = {"kind", "label", "title", "text", "children"}
KINDS = {"section", "axis", "objective", "priority_action", "action", "lever", "criterion", "item"}
EXTRA_KEYS = {"timeline", "actors", "budget", "indicators", "calendar", "after", "criteria_intro"}
# "jalon": a phase the seed gives without a label (« Adoption dans le courant de l'année 2019 »)
TIMELINE_KEYS = {"preparation", "montee_en_puissance", "rythme_de_croisiere", "jalon"}
HTML_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(\s[^<>]*)?/?>")


def load(code):
    with open(FRAMEWORKS / f"{code}.json", encoding="utf-8") as fh:
        return json.load(fh)


def walk(nodes):
    for node in nodes:
        yield node
        yield from walk(node["children"])


def texts(data):
    """Every string a user may read: titles, texts and the strings inside extra."""

    def strings(value):
        if isinstance(value, str):
            yield value
        elif isinstance(value, dict):
            for v in value.values():
                yield from strings(v)
        elif isinstance(value, list):
            for v in value:
                yield from strings(v)

    yield data["title"]
    yield data["source"]
    for node in walk(data["nodes"]):
        yield node["title"]
        yield node["text"]
        yield from strings(node.get("extra", {}))


def test_the_four_frameworks_are_there():
    assert set(CODES) <= {p.stem for p in FRAMEWORKS.glob("*.json")}


# Version 2 of these: version 1 hid or mislabelled some of their seed's text (issue 11).
VERSIONS = {"cpeons-annexe-1": 2, "strategie-numerique-fwb": 2, "projet-academique-clermont": 2}


@pytest.mark.parametrize("code", CODES)
def test_shape(code):
    data = load(code)
    assert set(data) == TOP_KEYS
    assert data["code"] == code
    # cpeons-annexe-1 is at version 2: version 1 hid objectives 5 and 6's closing paragraph
    # and dropped the numbers of its sections and of thematic objective 1 i)'s items (issue 11).
    assert data["version"] == VERSIONS.get(code, 1)
    assert data["title"] and len(data["title"]) <= 200
    assert data["source"] and len(data["source"]) <= 300
    assert data["version_label"] and len(data["version_label"]) <= 60
    assert data["nodes"]
    for node in walk(data["nodes"]):
        assert NODE_KEYS <= set(node) <= NODE_KEYS | {"extra"}, node
        assert node["kind"] in KINDS, node["kind"]
        assert all(isinstance(node[key], str) for key in ("label", "title", "text")), node
        assert isinstance(node["children"], list)
        assert node["title"] or node["text"], node
        assert len(node["label"]) <= 30
        extra = node.get("extra", {})
        assert isinstance(extra, dict)
        assert set(extra) <= EXTRA_KEYS, extra
        if "timeline" in extra:
            assert extra["timeline"] and set(extra["timeline"]) <= TIMELINE_KEYS
            assert all(isinstance(v, str) and v for v in extra["timeline"].values())
        if "actors" in extra:
            assert extra["actors"] and all(isinstance(a, str) and a for a in extra["actors"])
        if "budget" in extra:
            assert isinstance(extra["budget"], str) and extra["budget"]


@pytest.mark.parametrize("code", CODES)
def test_texts_are_clean(code):
    data = load(code)
    for text in texts(data):
        assert not HTML_TAG.search(text), text
        assert "\t" not in text and "\r" not in text
        assert text == text.strip(), text
        assert text.count("**") % 2 == 0, text  # no stray bold markers
        assert "  " not in text.replace("\n  - ", "\n- "), text


def test_federations():
    assert load("cpeons-annexe-1")["federation"] == "CPEONS"
    for code in CODES[1:]:
        assert load(code)["federation"] is None


def test_countries():
    """The French académie's project is the one framework from outside Belgium."""
    assert {code: load(code)["country"] for code in CODES} == {
        "cpeons-annexe-1": "BE",
        "strategie-numerique-fwb": "BE",
        "projet-academique-clermont": "FR",
        "objectifs-amelioration": "BE",
    }


# --- CPEONS annex 1 ---------------------------------------------------------------------------


def test_cpeons_annex_sections_objectives_and_action_counts():
    data = load("cpeons-annexe-1")
    sections = data["nodes"]
    assert [(s["kind"], s["label"], s["title"]) for s in sections] == [
        ("section", "2.", "Objectifs transversaux"),
        ("section", "3.", "Objectifs thématiques"),
    ]
    expected = {
        "Objectifs transversaux": ("Objectif transversal", [16, 8, 7, 5, 8, 2, 7, 8]),
        "Objectifs thématiques": ("Objectif thématique", [9, 14, 11, 7]),
    }
    for section in sections:
        heading, counts = expected[section["title"]]
        objectives = section["children"]
        assert [o["kind"] for o in objectives] == ["objective"] * len(counts)
        assert [o["label"] for o in objectives] == [str(i) for i in range(1, len(counts) + 1)]
        assert [o["title"] for o in objectives] == [f"{heading} {i}" for i in range(1, len(counts) + 1)]
        assert [len(o["children"]) for o in objectives] == counts
        for objective in objectives:
            actions = objective["children"]
            assert all(a["kind"] == "action" and not a["children"] for a in actions)
            # lettered a), b), c)… without gap or repeat
            assert [a["label"] for a in actions] == [f"{chr(ord('a') + i)})" for i in range(len(actions))]
            assert all(a["text"] for a in actions)
    assert sum(len(o["children"]) for s in sections for o in s["children"]) == 61 + 41


def test_cpeons_annex_text_is_the_source_text():
    data = load("cpeons-annexe-1")
    transversal, thematic = data["nodes"]
    assert transversal["children"][0]["text"].startswith(
        "Offrir aux écoles son appui pour l'élaboration et la mise en œuvre des stratégies des plans de pilotage"
    )
    h = transversal["children"][0]["children"][7]
    assert h["label"] == "h)"
    assert h["text"].startswith(
        "Accompagner les équipes dans l'élaboration du diagnostic de l'établissement :\n\n- "
    )
    assert h["text"].count("\n- Dans ") == 10
    # an item cut by a page break is joined again
    a5 = transversal["children"][4]["children"][0]
    assert (
        "par le décret du 14 mars 2019, création d'un nouveau plan de formation pour le volet « réseau »"
        in a5["text"]
    )
    d4 = thematic["children"][3]["children"][3]
    assert "de renforcement de la fonctionnalité, de la sécurité au profit des élèves" in d4["text"]
    # the numbered sub-items of thematic objective 1 i)
    i1 = thematic["children"][0]["children"][8]
    # as the seed numbers them: « 1 accompagner … »
    assert i1["label"] == "i)" and [line[:4] for line in i1["text"].splitlines()[-4:]] == [
        "- 1 ",
        "- 2 ",
        "- 3 ",
        "- 4 ",
    ]
    # the paragraph that closes objectives 5 and 6, after their actions
    for objective in data["nodes"][0]["children"][4:6]:
        assert objective["extra"]["after"].startswith(
            "L'organe de représentation et de coordination veillera à ce que l'offre de formation"
        )
    assert thematic["children"][1]["children"][-1]["text"].startswith(
        "Participer avec les enseignants à l'élaboration et la mise en œuvre de stratégies et projets numériques"
    )


# --- FWB digital strategy ---------------------------------------------------------------------

AP_LABELS = [
    *(f"AP 1.{i}" for i in range(1, 5)),
    *(f"AP 2.{i}" for i in range(1, 7)),
    *(f"AP 3.{i}" for i in range(1, 6)),
    *(f"AP 4.{i}" for i in range(1, 8)),
    *(f"AP 5.{i}" for i in range(1, 4)),
]


def test_digital_strategy_axes_and_priority_actions():
    data = load("strategie-numerique-fwb")
    axes = data["nodes"]
    assert [(a["kind"], a["label"]) for a in axes] == [("axis", str(i)) for i in range(1, 6)]
    assert [a["title"] for a in axes] == [
        "Définir les contenus et ressources numériques au service des apprentissages",
        "Accompagner et former les enseignants et les chefs d'établissement",
        "Définir les modalités d'équipement des écoles",
        "Partager, communiquer et diffuser",
        "Développer la gouvernance numérique",
    ]
    assert [len(a["children"]) for a in axes] == [4, 6, 5, 7, 3]
    aps = [ap for axis in axes for ap in axis["children"]]
    assert [ap["label"] for ap in aps] == AP_LABELS
    for axis in axes:
        for ap in axis["children"]:
            assert ap["kind"] == "priority_action" and not ap["children"]
            assert ap["label"].startswith(f"AP {axis['label']}.")
            assert ap["title"] and ap["text"]
            assert ap["extra"]["timeline"] and ap["extra"]["actors"] and ap["extra"]["budget"]
            assert "*Acteurs : " in ap["text"]


def test_digital_strategy_timelines_actors_and_budgets():
    aps = {ap["label"]: ap for axis in load("strategie-numerique-fwb")["nodes"] for ap in axis["children"]}
    assert aps["AP 1.1"]["extra"]["timeline"] == {
        "preparation": "2018-2019",
        "jalon": "Mise en œuvre à partir de 2020",
        "rythme_de_croisiere": "à partir de 2027",
    }
    # A phase the seed states without « Préparation », « Montée en puissance » or « Rythme de
    # croisière » is shown without a label, never under one the seed does not give.
    unlabelled = {label: ap["extra"]["timeline"].get("jalon") for label, ap in aps.items()}
    assert {label: text for label, text in unlabelled.items() if text} == {
        "AP 1.1": "Mise en œuvre à partir de 2020",
        "AP 1.4": "En cours depuis 2017",
        "AP 2.1": "A partir de septembre 2019",
        "AP 2.2": "À partir de la rentrée 2020",
        "AP 3.2": "Adoption dans le courant de l'année 2019",
        "AP 3.4": "A partir de 2018",
        "AP 4.2": "Mise à disposition de la solution pour les enseignants en juillet 2021",
        "AP 4.6": "Déploiement phasé à partir de 2019",
    }
    assert aps["AP 3.3"]["extra"]["timeline"] == {
        "preparation": "à partir de 2019",
        "montee_en_puissance": "selon un phasage à définir précisément",
        "rythme_de_croisiere": "à partir de 2031 (terme des plans de pilotage II)",
    }
    assert aps["AP 3.1"]["extra"]["timeline"] == {"preparation": "à partir de 2018"}
    assert aps["AP 4.4"]["extra"]["timeline"] == {
        "montee_en_puissance": "à partir de 2018",
        "rythme_de_croisiere": "à partir de 2020",
    }
    assert aps["AP 2.4"]["title"] == (
        "Programmer le déploiement des CTP à partir de 2019 en identifiant clairement leurs objectifs et missions"
    )
    assert aps["AP 2.4"]["extra"]["actors"] == ["AGE", "FPO", "CINE"]
    # a semicolon inside parentheses does not split an actor
    assert "Acteurs régionaux (Perspective Brussels ; CIRB ; AdN ; SPW)" in aps["AP 2.5"]["extra"]["actors"]
    assert aps["AP 4.5"]["extra"]["budget"] == "initiative financée par les budgets des établissements"
    assert aps["AP 2.1"]["extra"]["budget"] == (
        "cout pris en compte dans les initiatives relatives au renforcement de la FIE"
    )
    # the CTP missions keep their nested list
    assert (
        "\n  - veillent prioritairement au développement de l'équipement minimal standard"
        in aps["AP 2.4"]["text"]
    )


# --- Académie de Clermont-Ferrand --------------------------------------------------------------

OBJECTIVES = ["1.1", "1.2", "1.3", "2.1", "2.2", "2.3", "3.1", "3.2", "4.1", "4.2", "4.3"]
# (items printed before the "Leviers" heading, levers, criteria) per objective
ACADEMIE_COUNTS = {
    "1.1": (0, 8, 9),
    "1.2": (0, 8, 8),
    "1.3": (0, 7, 10),
    "2.1": (0, 7, 4),
    "2.2": (0, 8, 4),
    "2.3": (0, 9, 4),
    "3.1": (5, 9, 8),
    "3.2": (5, 4, 4),
    "4.1": (0, 5, 3),
    "4.2": (0, 5, 5),
    "4.3": (0, 7, 3),
}


def test_academie_axes_objectives_levers_and_criteria():
    data = load("projet-academique-clermont")
    axes = data["nodes"]
    assert [(a["kind"], a["label"]) for a in axes] == [("axis", str(i)) for i in range(1, 5)]
    assert [a["title"] for a in axes] == [
        "La réussite pour tous, de la maternelle à l'enseignement supérieur",
        "L'épanouissement professionnel de tous les personnels dans une logique de métiers",
        "Le déploiement des réseaux et des territoires apprenants",
        "L'accompagnement et la responsabilisation des acteurs",
    ]
    objectives = [o for axis in axes for o in axis["children"]]
    assert [o["label"] for o in objectives] == OBJECTIVES
    for axis in axes:
        for objective in axis["children"]:
            assert objective["kind"] == "objective" and objective["title"]
            assert objective["label"].split(".")[0] == axis["label"]
            kinds = [c["kind"] for c in objective["children"]]
            # items, then levers, then criteria, in the order of the source
            assert kinds == sorted(kinds, key=["item", "lever", "criterion"].index)
            counts = tuple(kinds.count(k) for k in ("item", "lever", "criterion"))
            assert counts == ACADEMIE_COUNTS[objective["label"]], objective["label"]
            assert counts[1] >= 1 and counts[2] >= 1
            # the criteria's shared introduction, as the seed gives it under « Critères d'évaluation »
            assert (
                objective["extra"]["criteria_intro"]
                == "Évolutions quantitatives et/ou qualitatives portant sur :"
            )
    assert objectives[0]["title"] == (
        "Porter une attention particulière aux attendus de chaque cycle et garantir l'acquisition du socle "
        "commun de connaissances, de compétences et de culture"
    )


def test_academie_ocr_is_repaired():
    data = load("projet-academique-clermont")
    everything = "\n".join(texts(data))
    assert not re.search(r"\bI'", everything)  # "I'" for "l'"
    assert "’" not in everything and "'" in everything
    for artefact in (
        "d''",
        " 'a",
        "[I",
        "[Il",
        "ceuvre",
        "c6té",
        "pdles",
        "regus",
        "renforgant",
        "éléeve",
        "&",
        "®",
        "¢",
        "°",
    ):
        assert artefact not in everything, artefact
    for word in (
        "élèves",
        "réussite",
        "à l'école",
        "maîtrise",
        "œuvre",
        "École",
        "Éducation",
        "collège",
        "près",
    ):
        assert word in everything, word
    # OCR words that lost their accents
    for bare in (r"\beleves?\b", r"\breussite\b", r"\bsysteme\b", r"\bcollege\b", r"\bpres\b", r"\ba l'"):
        assert not re.search(bare, everything), bare


# --- objectifs d'amélioration ------------------------------------------------------------------


def test_the_seven_improvement_goals():
    data = load("objectifs-amelioration")
    assert data["version_label"] == "2018"
    assert (
        data["source"]
        == "Décret du 13 septembre 2018 (pilotage), objectifs d'amélioration fixés par le Gouvernement"
    )
    nodes = data["nodes"]
    assert [(n["kind"], n["label"]) for n in nodes] == [("objective", f"OA {i}") for i in range(1, 8)]
    assert all(n["title"][0].isupper() and not n["children"] for n in nodes)
    assert nodes[0]["title"] == "Améliorer significativement les savoirs et les compétences des élèves"
    assert nodes[6]["title"] == "Accroître les indices du bien-être à l'école et du climat scolaire"

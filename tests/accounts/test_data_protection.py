"""The « Protection des données » page: open to everyone, linked from every page's footer."""

from tests.utils import text_of


def test_anyone_reads_what_pilotis_keeps(client, db):
    response = client.get("/protection-des-donnees/")

    assert response.status_code == 200
    page = text_of(response)
    assert "aucune donnée sur les élèves" in page
    for kept in (
        "Organisations",
        "Personnes qui ont un compte",
        "Signatures et preuves",
        "Journaux techniques",
    ):
        assert kept in page
    assert "Pilotis ne supprime rien automatiquement" in page
    assert "aussi le PO, la direction et le DCO de l'école" in page


def test_the_footer_links_to_it(client, db):
    page = client.get("/comptes/login/").content.decode()

    assert 'href="/protection-des-donnees/">Protection des données</a>' in page

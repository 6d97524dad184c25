"""Returns of works pieces: a piece refused by its recipient (MOE, MOA) or returned for a
routing error shows in its depositor's pages, with the action that corrects it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from factures.enums import Cadre as C
from factures.enums import StatutFacture as S
from factures.models import Facture
from habilitations.enums import Application, Niveau
from tests.habilitations.factories import UtilisateurFactory
from tests.travaux.factories import PieceFactory, habiliter

pytestmark = pytest.mark.django_db


def url(role, page, *args):
    return reverse(f"travaux:{role}_{page}", args=args)


def contenu(response) -> str:
    return response.content.decode()


def rubrique(page: str, titre: str) -> str:
    """The list of the Synthèse under the section `titre` ("" when the section is empty)."""
    debut = page.find(f">{titre}</h2>")
    if debut < 0:
        return ""
    fin = page.find("<h2", debut + 1)
    return page[debut : fin if fin > 0 else None]


def test_un_projet_refuse_par_la_moe_se_corrige_par_une_nouvelle_piece_pre_remplie(
    client, ch, dossier
):
    a4 = PieceFactory(dossier=dossier, numero="PDM-2026-11", montant_ht=Decimal("8000.00"))
    client.force_login(ch.moe)
    client.post(url("moe", "traiter", a4.pk, "refuser"), {"motif": "Quantités non justifiées"})
    assert Facture.objects.get(pk=a4.pk).statut == S.REFUSEE_MOE
    # The titulaire finds it in his Synthèse, with the motif and the action on its page.
    client.force_login(ch.fournisseur)
    page = contenu(client.get(url("fournisseur", "synthese")))
    assert "PDM-2026-11<" in rubrique(page, "Refusées : à déposer à nouveau")
    detail = contenu(client.get(url("fournisseur", "detail", a4.pk)))
    assert "Quantités non justifiées" in detail
    assert "Déposer une pièce corrigée" in detail
    cible = f"{url('fournisseur', 'deposer_piece', 'a4')}?dossier={dossier.pk}&reprise={a4.pk}"
    assert cible.replace("&", "&amp;") in detail
    formulaire = contenu(client.get(cible))
    assert "Pièce corrigée de la pièce n° PDM-2026-11" in formulaire
    assert 'value="8000,00"' in formulaire  # its amounts, to correct
    response = client.post(
        cible, {"numero": "PDM-2026-11B", "date_facture": "2026-11-20", "montant_ht": "7500"}
    )
    corrigee = Facture.objects.get(numero="PDM-2026-11B")
    assert response["Location"] == url("fournisseur", "envoyer", corrigee.pk)
    assert (corrigee.dossier, corrigee.cadre) == (dossier, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR)
    client.post(url("fournisseur", "envoyer", corrigee.pk))
    assert Facture.objects.get(pk=corrigee.pk).statut == S.MISE_A_DISPOSITION_MOE
    # Replaced, the refused piece leaves the section.
    page = contenu(client.get(url("fournisseur", "synthese")))
    assert "PDM-2026-11<" not in rubrique(page, "Refusées : à déposer à nouveau")


def test_un_etat_d_acompte_refuse_par_la_moa_revient_a_la_moe(client, ch, dossier):
    a15 = PieceFactory(
        dossier=dossier,
        cadre=C.A15_ETAT_ACOMPTE_MOE,
        numero="EA-3",
        statut=S.MISE_A_DISPOSITION_MOA,
        destinataire=ch.moa_structure,
    )
    client.force_login(ch.moa)
    client.post(url("moa", "traiter", a15.pk, "refuser"), {"motif": "Retenue oubliée"})
    assert Facture.objects.get(pk=a15.pk).statut == S.REFUSEE_MOA
    client.force_login(ch.moe)
    page = contenu(client.get(url("moe", "synthese")))
    assert "EA-3" in rubrique(page, "Refusées : à déposer à nouveau")
    detail = contenu(client.get(url("moe", "detail", a15.pk)))
    assert "Retenue oubliée" in detail and "Déposer une pièce corrigée" in detail
    # Not for a colleague who only consults.
    lecteur = UtilisateurFactory()
    habiliter(lecteur, ch.moe_structure, Application.FACTURES_TRAVAUX, niveau=Niveau.CONSULTATION)
    client.force_login(lecteur)
    assert "Déposer une pièce corrigée" not in contenu(client.get(url("moe", "detail", a15.pk)))


def test_une_erreur_d_acheminement_attend_sa_correction_chez_le_fournisseur(client, ch, dossier):
    a4 = PieceFactory(dossier=dossier, numero="PDM-7")
    client.force_login(ch.moe)
    client.post(
        url("moe", "traiter", a4.pk, "signaler-erreur"), {"motif": "Nous ne sommes pas la MOE"}
    )
    assert Facture.objects.get(pk=a4.pk).statut == S.ERREUR_DE_MOE
    client.force_login(ch.fournisseur)
    page = contenu(client.get(url("fournisseur", "synthese")))
    assert "PDM-7" in rubrique(page, "À corriger")
    detail = contenu(client.get(url("fournisseur", "detail", a4.pk)))
    assert "Nous ne sommes pas la MOE" in detail
    assert url("fournisseur", "corriger", a4.pk) in detail


def test_la_reprise_d_une_piece_qui_n_est_pas_refusee_est_introuvable(client, ch, dossier):
    a4 = PieceFactory(dossier=dossier)
    client.force_login(ch.fournisseur)
    cible = f"{url('fournisseur', 'deposer_piece', 'a4')}?dossier={dossier.pk}&reprise={a4.pk}"
    assert client.get(cible).status_code == 404

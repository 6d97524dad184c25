"""Two answers to the same piece at the same moment: one succeeds, the other changes nothing
(real PostgreSQL row locks, two threads, two connections)."""

import threading
from datetime import date
from decimal import Decimal

import pytest
from django.db import connection

from chorus.workflow import ActionImpossible
from factures.enums import Cadre as C
from factures.enums import StatutFacture as S
from factures.models import Facture
from habilitations.enums import Application
from habilitations.models import Utilisateur
from tests.habilitations.factories import UtilisateurFactory
from tests.travaux.factories import Chantier, habiliter
from travaux.services.depot import piece_creer, piece_envoyer
from travaux.services.dossiers import dossier_ouvrir_ou_continuer

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_deux_etats_d_acompte_pour_le_meme_projet_un_seul_passe():
    ch = Chantier()
    dossier = dossier_ouvrir_ou_continuer(parties=ch.parties(), acting_user=ch.fournisseur)
    a4 = piece_envoyer(
        piece=piece_creer(
            acting_user=ch.fournisseur,
            cadre=C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR,
            dossier=dossier,
            deposant=ch.titulaire,
            donnees={
                "numero": "PDM-1",
                "date_facture": date(2026, 11, 2),
                "montant_ht": Decimal("100.00"),
            },
        ),
        acting_user=ch.fournisseur,
    )
    collegue = UtilisateurFactory()
    habiliter(collegue, ch.moe_structure, Application.FACTURES_TRAVAUX)
    brouillons = {
        user.pk: piece_creer(
            acting_user=user,
            cadre=C.A15_ETAT_ACOMPTE_MOE,
            dossier=dossier,
            deposant=ch.moe_structure,
            donnees={
                "numero": f"EA-{i}",
                "date_facture": date(2026, 11, 3),
                "montant_ht": Decimal("100.00"),
            },
            precedente=a4,
        )
        for i, user in enumerate((ch.moe, collegue))
    }
    depart = threading.Barrier(2, timeout=30)
    resultats = []

    def envoyer(user_pk):
        try:
            user = Utilisateur.objects.get(pk=user_pk)
            brouillon = Facture.objects.get(pk=brouillons[user_pk].pk)
            depart.wait()
            try:
                piece_envoyer(piece=brouillon, acting_user=user)
                resultats.append("envoyée")
            except ActionImpossible as refus:
                resultats.append(refus)
        except Exception as erreur:  # surfaced by the assertions below
            resultats.append(erreur)
        finally:
            connection.close()

    fils = [threading.Thread(target=envoyer, args=(pk,)) for pk in brouillons]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert not any(fil.is_alive() for fil in fils)

    assert sorted(map(type, resultats), key=lambda t: t.__name__) == [ActionImpossible, str]
    assert Facture.objects.get(pk=a4.pk).statut == S.ASSOCIEE
    statuts = sorted(
        Facture.objects.filter(cadre=C.A15_ETAT_ACOMPTE_MOE).values_list("statut", flat=True)
    )
    assert statuts == [S.BROUILLON, S.MISE_A_DISPOSITION_MOA]
    # The answer that lost wrote nothing: no history, no second ASSOCIER on the A4.
    perdante = Facture.objects.get(cadre=C.A15_ETAT_ACOMPTE_MOE, statut=S.BROUILLON)
    assert not perdante.historique.exists()
    assert a4.historique.filter(action="ASSOCIER").count() == 1

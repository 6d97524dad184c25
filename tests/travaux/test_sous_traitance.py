"""Sub- and co-contractors' pieces (A10, A11, A13, A14) validated as in Factures à valider:
the titulaire or mandataire, and first the cotraitant when a sub-contractor works for one
(as A12 in Factures émises); 15 days each, tacit after, through the same deadline sweep;
then the piece reaches the MOE for traceability and the titulaire includes it in his A4."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from chorus.workflow import ActeurNonAutorise
from factures.enums import ActionFacture as A
from factures.enums import Cadre as C
from factures.enums import StatutFacture as S
from factures.models import Facture
from factures.services import delais as balayage
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import StructureFactory
from tests.travaux.factories import Groupement, PieceFactory
from travaux.models import PieceIncluse
from travaux.services.depot import piece_creer, piece_envoyer
from travaux.services.traitement import piece_corriger_acheminement, piece_traiter

pytestmark = pytest.mark.django_db


def statut(piece):
    return Facture.objects.values_list("statut", flat=True).get(pk=piece.pk)


@pytest.fixture
def gr():
    return Groupement()


def test_le_cotraitant_valide_puis_le_mandataire_puis_la_piece_va_a_la_moe(gr):
    a10 = gr.deposer_a10()
    assert (a10.statut, a10.valideur_1, a10.valideur_2) == (
        S.A_VALIDER_1,
        gr.cotraitant,
        gr.ch.titulaire,
    )
    # The mandataire's turn has not come.
    with pytest.raises(ActeurNonAutorise):
        piece_traiter(piece=a10, acting_user=gr.ch.fournisseur, action=A.VALIDER)
    piece_traiter(piece=a10, acting_user=gr.user_cotraitant, action=A.VALIDER)
    a10.refresh_from_db()
    assert a10.statut == S.A_VALIDER_2
    assert a10.echeance_action > timezone.now() + timedelta(days=14)
    piece_traiter(piece=a10, acting_user=gr.ch.fournisseur, action=A.VALIDER)
    a10.refresh_from_db()
    assert (a10.statut, a10.destinataire, a10.echeance_action) == (
        S.MISE_A_DISPOSITION_MOE,
        gr.ch.moe_structure,
        None,
    )
    # The titulaire attaches it to his own projet de décompte.
    a4 = piece_creer(
        acting_user=gr.ch.fournisseur,
        cadre=C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR,
        dossier=gr.dossier,
        deposant=gr.ch.titulaire,
        donnees={"numero": "PDM-1", "date_facture": date(2026, 11, 3), "montant_ht": 1},
        incluses=[a10],
    )
    piece_envoyer(piece=a4, acting_user=gr.ch.fournisseur)
    assert statut(a10) == S.ASSOCIEE
    assert PieceIncluse.objects.get(piece=a10).decompte == a4


def _echeance_passee(piece):
    """Fifteen days have gone by: the piece's deadline is behind us."""
    piece.refresh_from_db()
    assert piece.echeance_action > timezone.now() + timedelta(days=14, hours=23)
    Facture.objects.filter(pk=piece.pk).update(
        echeance_action=timezone.now() - timedelta(minutes=1)
    )


def test_sans_reponse_chaque_valideur_est_tacite_apres_quinze_jours_par_le_balayage(gr):
    a10 = gr.deposer_a10()
    assert balayage.balayer_echeances(maintenant=timezone.now() + timedelta(days=14)) == 0
    _echeance_passee(a10)
    assert balayage.balayer_echeances() == 1
    assert statut(a10) == S.A_VALIDER_2  # the mandataire's own 15 days begin
    assert balayage.balayer_echeances() == 0
    _echeance_passee(a10)
    assert balayage.balayer_echeances() == 1
    assert statut(a10) == S.MISE_A_DISPOSITION_MOE
    assert [h.action for h in a10.historique.order_by("date", "pk")][-5:] == [
        A.CONSTATER_ABSENCE_VALIDATION,
        A.SOUMETTRE_VALIDEUR_2,
        A.CONSTATER_ABSENCE_VALIDATION,
        A.ACHEMINER,
        A.METTRE_A_DISPOSITION_MOE,
    ]


def test_chaque_valideur_est_prevenu_quand_la_piece_l_attend(
    gr, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        a10 = gr.deposer_a10()
    assert gr.user_cotraitant.email in {m.to[0] for m in mailoutbox}
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        piece_traiter(piece=a10, acting_user=gr.user_cotraitant, action=A.VALIDER)
    assert gr.ch.fournisseur.email in {m.to[0] for m in mailoutbox}  # the mandataire's turn


def test_le_cotraitant_est_une_autre_entreprise_que_le_mandataire(gr):
    with pytest.raises(ValidationError) as erreur:
        piece_creer(
            acting_user=gr.user_sous_traitant,
            cadre=C.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT,
            dossier=gr.dossier,
            deposant=gr.sous_traitant,
            donnees={"numero": "ST-9", "date_facture": date(2026, 11, 2), "montant_ht": 1},
            cotraitant=gr.ch.titulaire,
        )
    assert "cotraitant" in erreur.value.message_dict


def test_le_mandataire_signale_qu_il_n_est_pas_le_bon_et_le_sous_traitant_le_corrige(gr):
    a10 = gr.deposer_a10()
    piece_traiter(piece=a10, acting_user=gr.user_cotraitant, action=A.VALIDER)
    piece_traiter(
        piece=a10,
        acting_user=gr.ch.fournisseur,
        action=A.SIGNALER_ERREUR_VALIDEUR,
        motif="Nous ne sommes pas le mandataire de ce groupement",
    )
    assert statut(a10) == S.ERREUR_COTRAITANT_SUR_VALIDEUR
    vrai_mandataire = StructureFactory(raison_sociale="Vrai mandataire")
    corrigee = piece_corriger_acheminement(
        piece=a10,
        acting_user=gr.user_sous_traitant,
        parties=gr.ch.parties(titulaire=vrai_mandataire),
    )
    # The cotraitant's validation stands: the right mandataire validates next.
    assert (corrigee.statut, corrigee.valideur_1, corrigee.valideur_2) == (
        S.A_VALIDER_2,
        gr.cotraitant,
        vrai_mandataire,
    )


def url(role, page, *args):
    return reverse(f"travaux:{role}_{page}", args=args)


def test_par_les_pages_le_cotraitant_puis_le_mandataire_valident(client, gr):
    client.force_login(gr.user_sous_traitant)
    cible = url("fournisseur", "deposer_piece", "a10")
    assert "Cotraitant pour lequel vous travaillez" in client.get(cible).content.decode()
    client.post(
        cible,
        {
            "parties-structure": gr.sous_traitant.pk,
            "parties-numero_marche": gr.dossier.numero_marche,
            "parties-titulaire": gr.ch.titulaire.identifiant,
            "parties-moa": gr.ch.moa_structure.identifiant,
            "parties-moe": gr.ch.moe_structure.identifiant,
            "parties-cotraitant": gr.cotraitant.identifiant,
            "numero": "ST-2",
            "date_facture": "2026-11-02",
            "montant_ht": "1500",
        },
    )
    a10 = Facture.objects.get(numero="ST-2")
    client.post(url("fournisseur", "envoyer", a10.pk))
    assert statut(a10) == S.A_VALIDER_1
    # The cotraitant finds it waiting for him, and validates it.
    client.force_login(gr.user_cotraitant)
    page = client.get(url("fournisseur", "synthese")).content.decode()
    assert "Pièces de sous-traitants à valider" in page and "ST-2" in page
    client.post(url("fournisseur", "traiter", a10.pk, "valider"), {"motif": ""})
    assert statut(a10) == S.A_VALIDER_2
    # He sees the dossier, with the pieces he validates only.
    PieceFactory(dossier=a10.dossier, numero="PDM-DU-MANDATAIRE")
    page = client.get(url("fournisseur", "dossier", a10.dossier_id)).content.decode()
    assert "ST-2" in page and "PDM-DU-MANDATAIRE" not in page
    # Then the mandataire.
    client.force_login(gr.ch.fournisseur)
    page = client.get(url("fournisseur", "synthese")).content.decode()
    assert "ST-2" in page
    client.post(url("fournisseur", "traiter", a10.pk, "valider"), {"motif": ""})
    assert statut(a10) == S.MISE_A_DISPOSITION_MOE
    # A stranger to the piece does not see it.
    client.force_login(UtilisateurFactory(gestionnaire_de=StructureFactory()))
    assert client.get(url("fournisseur", "detail", a10.pk)).status_code == 404

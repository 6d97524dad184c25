"""The works circuits (domain §6.2) played through the services, as the actors would.

The monthly circuit: A4 → the MOE answers with A15 → the MOA answers with A19 → the service
financier processes it as any invoice. The end of the contract: A7 → A17 → A20 → the
supplier signs with A8 → the service financier. Without MOA: A4 → A16. Refusals, routing
errors and their correction, the MOE's deadline, sub- and co-contractors.
"""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from chorus.workflow import ActeurNonAutorise, ActionImpossible, MotifObligatoire
from factures.circuits import circuit_de
from factures.enums import ActionFacture as A
from factures.enums import Cadre as C
from factures.enums import StatutFacture as S
from factures.models import Facture
from factures.services import delais as balayage
from factures.services.traitement import facture_traiter
from factures.services.validation import facture_valider
from habilitations.enums import Application
from structures.enums import PresenceMoa
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import StructureFactory
from tests.travaux.factories import Chantier, habiliter
from travaux.circuits import CIRCUITS
from travaux.models import DossierFacturation, PieceIncluse
from travaux.services.depot import piece_creer, piece_envoyer
from travaux.services.dossiers import dossier_ouvrir_ou_continuer
from travaux.services.traitement import piece_corriger_acheminement, piece_traiter

pytestmark = pytest.mark.django_db

_numeros = iter(range(1, 10_000))


def donnees(ht="10000.00", tva="2000.00", **autres):
    return {
        "numero": f"P-{next(_numeros):04d}",
        "date_facture": date(2026, 11, 2),
        "montant_ht": Decimal(ht),
        "montant_tva": Decimal(tva),
        **autres,
    }


def deposer(chantier, user, cadre, *, deposant, dossier=None, precedente=None, **valeurs):
    """Creates and sends a piece, as its depositor would."""
    if dossier is None:
        dossier = dossier_ouvrir_ou_continuer(parties=chantier.parties(), acting_user=user)
    piece = piece_creer(
        acting_user=user,
        cadre=cadre,
        dossier=dossier,
        deposant=deposant,
        donnees=donnees(**valeurs),
        precedente=precedente,
    )
    return piece_envoyer(piece=piece, acting_user=user)


def statut(piece):
    return Facture.objects.values_list("statut", flat=True).get(pk=piece.pk)


def test_chaque_cadre_de_travaux_a_son_circuit():
    piece = Facture(cadre=C.A19_ETAT_ACOMPTE_VALIDE_MOA)
    assert circuit_de(piece) is CIRCUITS[C.A19_ETAT_ACOMPTE_VALIDE_MOA]
    assert circuit_de(Facture(cadre=C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR)).nom.startswith(
        "travaux."
    )


def test_circuit_mensuel_du_projet_au_paiement():
    ch = Chantier()
    a4 = deposer(
        ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire
    )
    assert a4.statut == S.MISE_A_DISPOSITION_MOE
    assert a4.destinataire == ch.moe_structure
    assert a4.echeance_action is not None
    assert timezone.now() + timedelta(days=6) < a4.echeance_action
    assert a4.echeance_action <= timezone.now() + timedelta(days=7)
    dossier = a4.dossier
    assert dossier.numero.startswith("DF-")
    assert (dossier.titulaire, dossier.moe, dossier.moa) == (
        ch.titulaire,
        ch.moe_structure,
        ch.moa_structure,
    )

    # The MOE takes it into account, then answers with an état d'acompte of another amount.
    piece_traiter(piece=a4, acting_user=ch.moe, action=A.PRENDRE_EN_COMPTE)
    assert statut(a4) == S.PRISE_EN_COMPTE_MOE
    a15 = deposer(
        ch,
        ch.moe,
        C.A15_ETAT_ACOMPTE_MOE,
        deposant=ch.moe_structure,
        dossier=dossier,
        precedente=a4,
        ht="9500.00",
        tva="1900.00",
    )
    assert statut(a4) == S.ASSOCIEE
    assert Facture.objects.get(pk=a4.pk).echeance_action is None
    assert a15.statut == S.MISE_A_DISPOSITION_MOA
    assert a15.fournisseur == ch.titulaire  # paid to the titulaire, deposited by the MOE
    assert a15.montant_ttc == Decimal("11400.00")

    # The MOA validates it: A19 to the service financier.
    a19 = deposer(
        ch,
        ch.moa,
        C.A19_ETAT_ACOMPTE_VALIDE_MOA,
        deposant=ch.moa_structure,
        dossier=dossier,
        precedente=a15,
        ht="9500.00",
        tva="1900.00",
    )
    assert statut(a15) == S.ASSOCIEE
    assert a19.statut == S.MISE_A_DISPOSITION
    assert (a19.destinataire, a19.service_destinataire) == (ch.financiere, ch.service_financier)

    # The service financier sees it in Factures reçues and processes it as any invoice.
    recues = Facture.objects.visible_to(ch.financier, Application.FACTURES_RECUES)
    assert list(recues) == [a19]
    facture_traiter(facture=a19, action=A.METTRE_EN_PAIEMENT, acting_user=ch.financier)
    assert statut(a19) == S.MISE_EN_PAIEMENT
    assert [h.statut_apres for h in a19.historique.all()] == [
        S.DEPOSEE,
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
        S.MISE_EN_PAIEMENT,
    ]


def test_circuit_de_fin_de_marche_jusqu_au_decompte_general_et_definitif():
    ch = Chantier(presence_moa=PresenceMoa.EXCLUSIVEMENT_MOA)
    a7 = deposer(ch, ch.fournisseur, C.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR, deposant=ch.titulaire)
    dossier = a7.dossier
    assert dossier.structure_financiere == ch.financiere  # not the MOA: it pays nothing
    a17 = deposer(
        ch,
        ch.moe,
        C.A17_PROJET_DECOMPTE_GENERAL_MOE,
        deposant=ch.moe_structure,
        dossier=dossier,
        precedente=a7,
    )
    assert (statut(a7), a17.statut) == (S.ASSOCIEE, S.MISE_A_DISPOSITION_MOA)
    a20 = deposer(
        ch,
        ch.moa,
        C.A20_DECOMPTE_GENERAL_MOA,
        deposant=ch.moa_structure,
        dossier=dossier,
        precedente=a17,
    )
    assert (statut(a17), a20.statut) == (S.ASSOCIEE, S.A_ASSOCIER_FOURNISSEUR)
    assert a20.destinataire == ch.titulaire
    a8 = deposer(
        ch,
        ch.fournisseur,
        C.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR,
        deposant=ch.titulaire,
        dossier=dossier,
        precedente=a20,
    )
    assert (statut(a20), a8.statut) == (S.ASSOCIEE, S.MISE_A_DISPOSITION)
    assert a8.destinataire == ch.financiere
    assert list(Facture.objects.visible_to(ch.financier, Application.FACTURES_RECUES)) == [a8]
    # The MOA (exclusivement MOA) never receives payable pieces.
    assert not Facture.objects.visible_to(ch.moa, Application.FACTURES_RECUES).exists()


def test_le_fournisseur_refuse_le_decompte_general_avec_un_motif():
    ch = Chantier()
    a7 = deposer(ch, ch.fournisseur, C.A7_PROJET_DECOMPTE_FINAL_FOURNISSEUR, deposant=ch.titulaire)
    a18 = deposer(
        ch,
        ch.moe,
        C.A18_DECOMPTE_GENERAL_MOE,
        deposant=ch.moe_structure,
        dossier=a7.dossier,
        precedente=a7,
    )
    with pytest.raises(MotifObligatoire):
        piece_traiter(piece=a18, acting_user=ch.fournisseur, action=A.REFUSER, motif=" ")
    piece_traiter(
        piece=a18, acting_user=ch.fournisseur, action=A.REFUSER, motif="Pénalités contestées"
    )
    assert statut(a18) == S.REFUSEE_FOURNISSEUR
    # A signed DGD can no longer answer it.
    with pytest.raises(ValidationError):
        piece_creer(
            acting_user=ch.fournisseur,
            cadre=C.A8_DECOMPTE_GENERAL_DEFINITIF_FOURNISSEUR,
            dossier=a7.dossier,
            deposant=ch.titulaire,
            donnees=donnees(),
            precedente=a18,
        )


def test_sans_moa_le_moe_repond_par_un_etat_d_acompte_valide_au_service_financier():
    ch = Chantier(presence_moa=PresenceMoa.SANS_MOA)
    a4 = deposer(
        ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire
    )
    with pytest.raises(ValidationError, match="ne répond pas"):
        piece_creer(
            acting_user=ch.moe,
            cadre=C.A15_ETAT_ACOMPTE_MOE,
            dossier=a4.dossier,
            deposant=ch.moe_structure,
            donnees=donnees(),
            precedente=a4,
        )
    a16 = deposer(
        ch,
        ch.moe,
        C.A16_ETAT_ACOMPTE_VALIDE_MOE,
        deposant=ch.moe_structure,
        dossier=a4.dossier,
        precedente=a4,
    )
    assert (statut(a4), a16.statut) == (S.ASSOCIEE, S.MISE_A_DISPOSITION)
    assert a16.destinataire == ch.moa_structure  # the structure without MOA pays itself
    # Nobody acts as MOA for a structure « sans MOA ».
    with pytest.raises(PermissionDenied):
        piece_creer(
            acting_user=ch.moa,
            cadre=C.A19_ETAT_ACOMPTE_VALIDE_MOA,
            dossier=a4.dossier,
            deposant=ch.moa_structure,
            donnees=donnees(),
        )


def test_sans_moa_un_projet_de_decompte_general_n_a_pas_de_destinataire():
    ch = Chantier(presence_moa=PresenceMoa.SANS_MOA)
    dossier = dossier_ouvrir_ou_continuer(parties=ch.parties(), acting_user=ch.fournisseur)
    with pytest.raises(ValidationError, match="sans MOA"):
        piece_creer(
            acting_user=ch.moe,
            cadre=C.A17_PROJET_DECOMPTE_GENERAL_MOE,
            dossier=dossier,
            deposant=ch.moe_structure,
            donnees=donnees(),
        )
    assert not Facture.objects.exists()


def test_la_moe_refuse_pour_erreur_d_acheminement_et_le_fournisseur_corrige():
    ch = Chantier()
    mauvaise = ch.moe_structure
    a4 = deposer(
        ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire
    )
    ancien_dossier = a4.dossier
    piece_traiter(
        piece=a4,
        acting_user=ch.moe,
        action=A.SIGNALER_ERREUR_ACHEMINEMENT,
        motif="Nous ne sommes pas la maîtrise d'œuvre de ce marché.",
    )
    a4.refresh_from_db()
    assert (a4.statut, a4.echeance_action) == (S.ERREUR_DE_MOE, None)
    # The supplier names the right MOE: the piece keeps its number and goes there.
    bonne = StructureFactory(raison_sociale="Bon architecte")
    bonne_moe = UtilisateurFactory(gestionnaire_de=bonne)
    with pytest.raises(ValidationError):  # the MOA was not in error
        piece_corriger_acheminement(
            piece=a4,
            acting_user=ch.fournisseur,
            parties=ch.parties(moe=bonne, moa=StructureFactory(publique=True)),
        )
    corrigee = piece_corriger_acheminement(
        piece=a4, acting_user=ch.fournisseur, parties=ch.parties(moe=bonne)
    )
    assert corrigee.numero == a4.numero
    assert corrigee.statut == S.MISE_A_DISPOSITION_MOE
    assert corrigee.destinataire == bonne
    assert corrigee.dossier.moe == bonne
    assert not DossierFacturation.objects.filter(pk=ancien_dossier.pk).exists()
    # The wrong MOE no longer sees anything; the right one acts.
    assert not DossierFacturation.objects.visible_to(ch.moe, "MOE").exists()
    assert mauvaise != bonne
    piece_traiter(piece=corrigee, acting_user=bonne_moe, action=A.PRENDRE_EN_COMPTE)
    assert [h.action for h in corrigee.historique.all()][-4:] == [
        A.SIGNALER_ERREUR_ACHEMINEMENT,
        A.RECYCLER,
        A.METTRE_A_DISPOSITION_MOE,
        A.PRENDRE_EN_COMPTE,
    ]


def test_seul_le_deposant_corrige_et_seulement_apres_une_erreur_d_acheminement():
    ch = Chantier()
    a4 = deposer(
        ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire
    )
    with pytest.raises(ActionImpossible):
        piece_corriger_acheminement(
            piece=a4, acting_user=ch.fournisseur, parties=ch.parties(moe=StructureFactory())
        )
    piece_traiter(
        piece=a4, acting_user=ch.moe, action=A.SIGNALER_ERREUR_ACHEMINEMENT, motif="Pas nous."
    )
    with pytest.raises(PermissionDenied):
        piece_corriger_acheminement(
            piece=a4, acting_user=ch.moa, parties=ch.parties(moe=StructureFactory())
        )


def test_la_moa_refuse_pour_erreur_de_service_et_la_moe_designe_le_bon():
    ch = Chantier()
    from tests.structures.factories import ServiceFactory

    mauvais = ServiceFactory(structure=ch.moa_structure, code="ECOLES")
    bon = ServiceFactory(structure=ch.moa_structure, code="TRAVAUX")
    dossier = dossier_ouvrir_ou_continuer(
        parties=ch.parties(service_moa=mauvais), acting_user=ch.fournisseur
    )
    a15 = deposer(ch, ch.moe, C.A15_ETAT_ACOMPTE_MOE, deposant=ch.moe_structure, dossier=dossier)
    assert a15.service_destinataire == mauvais
    piece_traiter(
        piece=a15, acting_user=ch.moa, action=A.SIGNALER_ERREUR_ACHEMINEMENT, motif="Service"
    )
    corrigee = piece_corriger_acheminement(
        piece=a15, acting_user=ch.moe, parties=ch.parties(service_moa=bon)
    )
    assert (corrigee.statut, corrigee.service_destinataire) == (S.MISE_A_DISPOSITION_MOA, bon)
    assert corrigee.dossier == dossier  # same contract, its MOA's service corrected


def test_un_ecart_de_montant_se_corrige_dans_la_piece_suivante_et_la_moe_peut_refuser():
    ch = Chantier()
    a4 = deposer(
        ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire
    )
    with pytest.raises(MotifObligatoire):
        piece_traiter(piece=a4, acting_user=ch.moe, action=A.REFUSER)
    piece_traiter(piece=a4, acting_user=ch.moe, action=A.REFUSER, motif="Travaux non réalisés")
    assert statut(a4) == S.REFUSEE_MOE
    with pytest.raises(ActionImpossible):
        piece_traiter(piece=a4, acting_user=ch.moe, action=A.PRENDRE_EN_COMPTE)


def test_seule_la_moe_du_dossier_traite_ses_pieces():
    ch = Chantier()
    a4 = deposer(
        ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire
    )
    for intrus in (ch.moa, ch.fournisseur, UtilisateurFactory()):
        with pytest.raises(ActeurNonAutorise):
            piece_traiter(piece=a4, acting_user=intrus, action=A.PRENDRE_EN_COMPTE)
    # In consultation only, the MOE's colleague sees but does not act.
    collegue = UtilisateurFactory()
    habiliter(collegue, ch.moe_structure, Application.FACTURES_TRAVAUX, niveau="CONSULTATION")
    with pytest.raises(ActeurNonAutorise):
        piece_traiter(piece=a4, acting_user=collegue, action=A.PRENDRE_EN_COMPTE)
    assert statut(a4) == S.MISE_A_DISPOSITION_MOE


def test_une_piece_ne_recoit_qu_une_reponse():
    ch = Chantier()
    a4 = deposer(
        ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire
    )
    brouillons = [
        piece_creer(
            acting_user=ch.moe,
            cadre=C.A15_ETAT_ACOMPTE_MOE,
            dossier=a4.dossier,
            deposant=ch.moe_structure,
            donnees=donnees(),
            precedente=a4,
        )
        for _ in range(2)
    ]
    piece_envoyer(piece=brouillons[0], acting_user=ch.moe)
    with pytest.raises(ActionImpossible, match="déjà reçu une réponse"):
        piece_envoyer(piece=brouillons[1], acting_user=ch.moe)
    assert statut(brouillons[1]) == S.BROUILLON
    assert not brouillons[1].historique.exists()


def test_le_numero_d_une_piece_est_unique_pour_son_fournisseur_et_son_annee():
    ch = Chantier()
    a4 = deposer(
        ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire
    )
    with pytest.raises(ValidationError) as erreur:
        piece_creer(
            acting_user=ch.moe,
            cadre=C.A15_ETAT_ACOMPTE_MOE,
            dossier=a4.dossier,
            deposant=ch.moe_structure,
            donnees=donnees(numero=a4.numero),
            precedente=a4,
        )
    assert a4.numero in str(erreur.value.message_dict["numero"])


def test_le_service_financier_exige_un_engagement_quand_ses_parametres_le_disent():
    ch = Chantier()
    ch.service_financier.engagement_obligatoire = True
    ch.service_financier.save()
    dossier = dossier_ouvrir_ou_continuer(parties=ch.parties(), acting_user=ch.fournisseur)
    a6 = piece_creer(
        acting_user=ch.fournisseur,
        cadre=C.A6_ETAT_ACOMPTE_VALIDE_FOURNISSEUR,
        dossier=dossier,
        deposant=ch.titulaire,
        donnees=donnees(),
    )
    with pytest.raises(ValidationError, match="numéro d'engagement"):
        piece_envoyer(piece=a6, acting_user=ch.fournisseur)
    assert statut(a6) == S.BROUILLON


def test_un_marche_et_ses_parties_forment_un_seul_dossier():
    ch = Chantier()
    premier = dossier_ouvrir_ou_continuer(parties=ch.parties(), acting_user=ch.fournisseur)
    assert dossier_ouvrir_ou_continuer(parties=ch.parties(), acting_user=ch.moe) == premier
    autre_marche = dossier_ouvrir_ou_continuer(
        parties=ch.parties(numero_marche="M-2026-002"), acting_user=ch.fournisseur
    )
    sans_moe = dossier_ouvrir_ou_continuer(parties=ch.parties(moe=None), acting_user=ch.fournisseur)
    assert len({premier.pk, autre_marche.pk, sans_moe.pk}) == 3
    assert dossier_ouvrir_ou_continuer(parties=ch.parties(moe=None), acting_user=ch.moa) == sans_moe


def test_les_parties_d_un_dossier_sont_verifiees():
    ch = Chantier(presence_moa=PresenceMoa.EXCLUSIVEMENT_MOA)
    with pytest.raises(ValidationError) as erreur:
        dossier_ouvrir_ou_continuer(
            parties=ch.parties(structure_financiere=None, moa=ch.moa_structure),
            acting_user=ch.fournisseur,
        )
    assert "structure_financiere" in erreur.value.message_dict
    with pytest.raises(ValidationError) as erreur:
        dossier_ouvrir_ou_continuer(
            parties=ch.parties(moa=StructureFactory()), acting_user=ch.fournisseur
        )
    assert "moa" in erreur.value.message_dict
    assert not DossierFacturation.objects.exists()


# --- The MOE's 7 days ---------------------------------------------------------------------


def test_passe_sept_jours_la_piece_est_signalee_et_reste_traitable():
    ch = Chantier()
    a4 = deposer(
        ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire
    )
    assert balayage.balayer_echeances() == 0  # not due yet
    dans_huit_jours = timezone.now() + timedelta(days=8)
    assert balayage.balayer_echeances(maintenant=dans_huit_jours) == 1
    a4.refresh_from_db()
    assert (a4.statut, a4.echeance_action) == (S.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE, None)
    assert balayage.balayer_echeances(maintenant=dans_huit_jours) == 0  # flagged once
    # Still actionable: the MOE answers late.
    a15 = deposer(
        ch,
        ch.moe,
        C.A15_ETAT_ACOMPTE_MOE,
        deposant=ch.moe_structure,
        dossier=a4.dossier,
        precedente=a4,
    )
    assert (statut(a4), a15.statut) == (S.ASSOCIEE, S.MISE_A_DISPOSITION_MOA)


def test_le_delai_court_aussi_apres_la_prise_en_compte():
    ch = Chantier()
    a4 = deposer(
        ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire
    )
    piece_traiter(piece=a4, acting_user=ch.moe, action=A.PRENDRE_EN_COMPTE)
    balayage.balayer_echeances(maintenant=timezone.now() + timedelta(days=8))
    assert statut(a4) == S.ABSENCE_VALIDATION_MOE_DELAI_REGLEMENTAIRE


# --- Sub- and co-contractors -------------------------------------------------------------


@pytest.fixture
def sous_traitance():
    ch = Chantier()
    sous_traitant = StructureFactory(raison_sociale="Plomberie sous-traitante")
    user = UtilisateurFactory(gestionnaire_de=sous_traitant)
    dossier = dossier_ouvrir_ou_continuer(parties=ch.parties(), acting_user=user)
    return ch, sous_traitant, user, dossier


def test_le_titulaire_valide_la_piece_du_sous_traitant_puis_elle_va_a_la_moe(sous_traitance):
    ch, sous_traitant, user, dossier = sous_traitance
    a10 = deposer(
        ch,
        user,
        C.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT,
        deposant=sous_traitant,
        dossier=dossier,
        ht="2000.00",
        tva="400.00",
    )
    assert (a10.statut, a10.valideur_1, a10.fournisseur) == (
        S.A_VALIDER_1,
        ch.titulaire,
        sous_traitant,
    )
    # The titulaire validates it as in Factures à valider (same service, same space).
    assert a10 in Facture.objects.visible_to(ch.fournisseur, Application.FACTURES_A_VALIDER)
    facture_valider(facture=a10, acting_user=ch.fournisseur)
    a10.refresh_from_db()
    assert (a10.statut, a10.destinataire, a10.echeance_action) == (
        S.MISE_A_DISPOSITION_MOE,
        ch.moe_structure,
        None,  # traceability only: no MOE deadline
    )
    # The titulaire includes it in his own projet de décompte.
    a4 = piece_creer(
        acting_user=ch.fournisseur,
        cadre=C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR,
        dossier=dossier,
        deposant=ch.titulaire,
        donnees=donnees(),
        incluses=[a10],
    )
    piece_envoyer(piece=a4, acting_user=ch.fournisseur)
    assert statut(a10) == S.ASSOCIEE
    assert PieceIncluse.objects.get(piece=a10).decompte == a4


def test_sans_reponse_du_titulaire_en_quinze_jours_la_validation_est_tacite(sous_traitance):
    ch, sous_traitant, user, dossier = sous_traitance
    a13 = deposer(
        ch, user, C.A13_PROJET_DECOMPTE_MENSUEL_COTRAITANT, deposant=sous_traitant, dossier=dossier
    )
    assert balayage.balayer_echeances(maintenant=timezone.now() + timedelta(days=14)) == 0
    assert balayage.balayer_echeances(maintenant=timezone.now() + timedelta(days=16)) == 1
    a13.refresh_from_db()
    assert a13.statut == S.MISE_A_DISPOSITION_MOE
    assert [h.action for h in a13.historique.all()][-3:] == [
        A.CONSTATER_ABSENCE_VALIDATION,
        A.ACHEMINER,
        A.METTRE_A_DISPOSITION_MOE,
    ]


def test_le_titulaire_signale_qu_il_n_est_pas_le_bon_et_le_sous_traitant_corrige(sous_traitance):
    ch, sous_traitant, user, dossier = sous_traitance
    a11 = deposer(
        ch, user, C.A11_PROJET_DECOMPTE_FINAL_SOUSTRAITANT, deposant=sous_traitant, dossier=dossier
    )
    piece_traiter(
        piece=a11,
        acting_user=ch.fournisseur,
        action=A.SIGNALER_ERREUR_VALIDEUR,
        motif="Pas notre sous-traitant",
    )
    assert statut(a11) == S.ERREUR_FOURNISSEUR_SUR_VALIDEUR
    vrai_titulaire = StructureFactory(raison_sociale="Vrai titulaire")
    corrigee = piece_corriger_acheminement(
        piece=a11, acting_user=user, parties=ch.parties(titulaire=vrai_titulaire)
    )
    assert (corrigee.statut, corrigee.valideur_1) == (S.A_VALIDER_1, vrai_titulaire)
    assert corrigee.dossier.titulaire == vrai_titulaire
    assert corrigee.echeance_action > timezone.now() + timedelta(days=14)


def test_le_titulaire_ne_depose_pas_a_la_place_de_son_sous_traitant(sous_traitance):
    ch, _sous_traitant, _user, dossier = sous_traitance
    with pytest.raises(ValidationError):
        piece_creer(
            acting_user=ch.fournisseur,
            cadre=C.A10_PROJET_DECOMPTE_MENSUEL_SOUSTRAITANT,
            dossier=dossier,
            deposant=ch.titulaire,
            donnees=donnees(),
        )


def test_le_service_financier_suspend_une_piece_et_son_deposant_la_complete():
    ch = Chantier()
    dossier = dossier_ouvrir_ou_continuer(parties=ch.parties(), acting_user=ch.fournisseur)
    a19 = deposer(
        ch, ch.moa, C.A19_ETAT_ACOMPTE_VALIDE_MOA, deposant=ch.moa_structure, dossier=dossier
    )
    facture_traiter(
        facture=a19, action=A.SUSPENDRE, acting_user=ch.financier, motif="Pièce illisible"
    )
    assert statut(a19) == S.SUSPENDUE
    with pytest.raises(ActeurNonAutorise):  # the titulaire did not deposit it
        piece_traiter(piece=a19, acting_user=ch.fournisseur, action=A.COMPLETER, motif="x")
    piece_traiter(piece=a19, acting_user=ch.moa, action=A.COMPLETER, motif="Version lisible")
    assert statut(a19) == S.COMPLETEE
    assert a19 in Facture.objects.visible_to(ch.financier, Application.FACTURES_RECUES)


def test_une_piece_refusee_apres_le_stockage_de_son_fichier_ne_laisse_aucun_fichier(settings):
    from chorus.models import Document
    from tests.structures.factories_gestion import fichier_pdf

    ch = Chantier()
    dossier = dossier_ouvrir_ou_continuer(parties=ch.parties(), acting_user=ch.fournisseur)
    etrangere = deposer(
        ch, ch.fournisseur, C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR, deposant=ch.titulaire
    )
    with pytest.raises(ValidationError) as erreur:
        piece_creer(
            acting_user=ch.fournisseur,
            cadre=C.A4_PROJET_DECOMPTE_MENSUEL_FOURNISSEUR,
            dossier=dossier,
            deposant=ch.titulaire,
            donnees=donnees(),
            fichier=fichier_pdf("projet.pdf"),
            incluses=[etrangere],  # not a sub-contractor's piece: refused after storing
        )
    assert "incluses" in erreur.value.message_dict
    assert Facture.objects.count() == 1 and not Document.objects.exists()
    assert not list(settings.MEDIA_ROOT.rglob("*.pdf"))

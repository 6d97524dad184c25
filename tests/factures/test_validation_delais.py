"""Validators validate or refuse; after 15 days the sweep validates tacitly (domain §6.1)."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.utils import timezone
from django.utils.formats import date_format

from chorus.models import Evenement
from chorus.tasks import envoyer_emails_lot
from chorus.workflow import ActeurNonAutorise, ActionImpossible, MotifObligatoire
from factures.enums import Cadre
from factures.enums import StatutFacture as S
from factures.models import Facture
from factures.services import delais
from factures.services.acheminement import facture_acheminer
from factures.services.retours import facture_corriger_valideur
from factures.services.validation import (
    facture_refuser,
    facture_signaler_erreur_valideur,
    facture_valider,
)
from factures.tasks import appliquer_delais_echus
from tests.factures.factories import FactureFactory
from tests.factures.factories_recues import scene
from tests.habilitations.factories import UtilisateurFactory
from tests.structures.factories import StructureFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def s():
    return scene()


def soumise(s, **kwargs):
    """An A9 invoice routed to the titulaire as the system does it (15-day deadline)."""
    facture = s.facture_a_valider(statut=S.DEPOSEE, **kwargs)
    facture_acheminer(facture=facture)
    facture.refresh_from_db()
    return facture


def statuts(facture):
    return [h.statut_apres for h in facture.historique.all()]


def test_valider_avec_un_complement_puis_l_acheminement_suit(s):
    facture = soumise(s)
    facture_valider(facture=facture, acting_user=s.gp_titulaire, complement="Travaux conformes")
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION
    assert facture.echeance_action is None
    validation = facture.historique.get(statut_apres=S.VALIDEE_1)
    assert validation.motif == "Travaux conformes"
    assert validation.acteur == s.gp_titulaire


def test_refuser_exige_un_motif_et_clot_le_circuit(s):
    facture = soumise(s)
    with pytest.raises(MotifObligatoire):
        facture_refuser(facture=facture, acting_user=s.gp_titulaire, motif="")
    facture_refuser(facture=facture, acting_user=s.gp_titulaire, motif="Travaux non réalisés")
    facture.refresh_from_db()
    assert facture.statut == S.REFUSEE_1
    assert facture.echeance_action is None  # the sweep will not touch it


def test_le_mauvais_valideur_renvoie_au_fournisseur(s):
    facture = soumise(s)
    facture_signaler_erreur_valideur(
        facture=facture, acting_user=s.gp_titulaire, motif="Nous ne sommes pas titulaires"
    )
    facture.refresh_from_db()
    assert facture.statut == S.ERREUR_FOURNISSEUR_SUR_VALIDEUR
    assert facture.echeance_action is None


def test_seul_le_valideur_nomme_valide(s):
    facture = soumise(s)
    for intrus in (s.gp_fournisseur, s.gp_entite, s.inconnu):
        with pytest.raises(ActeurNonAutorise):
            facture_valider(facture=facture, acting_user=intrus)
    facture.refresh_from_db()
    assert facture.statut == S.A_VALIDER_1


def test_valider_deux_fois_est_refuse_sans_rien_changer(s):
    facture = soumise(s)
    facture_valider(facture=facture, acting_user=s.gp_titulaire)
    with pytest.raises(ActionImpossible):
        facture_valider(facture=facture, acting_user=s.gp_titulaire)
    assert statuts(facture).count(S.VALIDEE_1) == 1


def test_le_second_valideur_suit_le_premier(s):
    mandataire = StructureFactory(raison_sociale="Mandataire SA")
    gp_mandataire = UtilisateurFactory(gestionnaire_de=mandataire)
    facture = soumise(s, valideur_2=mandataire)
    facture_valider(facture=facture, acting_user=s.gp_titulaire)
    facture.refresh_from_db()
    assert facture.statut == S.A_VALIDER_2
    assert facture.echeance_action > timezone.now() + timedelta(days=14)
    facture_valider(facture=facture, acting_user=gp_mandataire)
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION


# --- The sweep --------------------------------------------------------------------------


def test_quinze_jours_plus_tard_la_validation_est_tacite_et_le_fournisseur_prevenu(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    facture = soumise(s, numero="F-TACITE")
    mailoutbox.clear()
    with time_machine.travel(timezone.now() + timedelta(days=14, hours=23), tick=False):
        assert appliquer_delais_echus.apply().get() == 0
    with (
        time_machine.travel(timezone.now() + timedelta(days=15, minutes=1), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        assert appliquer_delais_echus.apply().get() == 1
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION
    assert statuts(facture)[-3:] == [
        S.ABSENCE_VALIDATION_1_HORS_DELAI,
        S.EN_COURS_ACHEMINEMENT,
        S.MISE_A_DISPOSITION,
    ]
    assert facture.historique.get(statut_apres=S.ABSENCE_VALIDATION_1_HORS_DELAI).acteur is None
    courriels = {c.to[0]: c for c in mailoutbox}
    assert sorted(courriels) == ["agent@valbourg.fr", "gp@peintures-morel.fr", "gp@valbourg.fr"]
    au_fournisseur = courriels["gp@peintures-morel.fr"]
    assert au_fournisseur.subject == (
        "Chorus Pro : facture F-TACITE – Mise à disposition du destinataire"
    )
    assert "la validation est réputée acquise (validation tacite)" in au_fournisseur.body
    assert "Validation 1 hors délai" in au_fournisseur.body


def test_le_bon_valideur_designe_a_quinze_jours_neufs_et_il_est_prevenu(
    s, mailoutbox, django_capture_on_commit_callbacks
):
    facture = soumise(s, numero="F-BON-VALIDEUR")
    depart = timezone.now()
    # Ten days later the titulaire says he is not the validator; two days after that the
    # supplier names the right one: the new validator's 15 days start then.
    with time_machine.travel(depart + timedelta(days=10), tick=False):
        facture_signaler_erreur_valideur(
            facture=facture, acting_user=s.gp_titulaire, motif="Nous ne sommes pas titulaires"
        )
    bon = StructureFactory(raison_sociale="Le Vrai Titulaire")
    gp_bon = UtilisateurFactory(email="gp@vrai-titulaire.fr", gestionnaire_de=bon)
    mailoutbox.clear()
    corrige_le = depart + timedelta(days=12)
    with (
        time_machine.travel(corrige_le, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        facture_corriger_valideur(
            facture=facture, acting_user=s.gp_fournisseur, identifiant=bon.identifiant
        )
    facture.refresh_from_db()
    assert (facture.statut, facture.valideur_1) == (S.A_VALIDER_1, bon)
    assert facture.echeance_action == corrige_le + timedelta(days=15)
    # The new validator is told (and the old one is not); the supplier sees the change.
    courriels = {c.to[0]: c for c in mailoutbox}
    assert sorted(courriels) == ["gp@peintures-morel.fr", gp_bon.email]
    echeance = date_format(timezone.localtime(facture.echeance_action), "SHORT_DATE_FORMAT")
    assert "F-BON-VALIDEUR · Peintures Morel" in courriels[gp_bon.email].body
    assert f"à valider avant le {echeance}" in courriels[gp_bon.email].body
    # Past the first deadline (day 15) the sweep leaves it to him; past his own, tacit.
    with time_machine.travel(depart + timedelta(days=26), tick=False):
        assert delais.balayer_echeances() == 0
    with time_machine.travel(corrige_le + timedelta(days=15, minutes=1), tick=False):
        assert delais.balayer_echeances() == 1
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION
    assert statuts(facture).count(S.ABSENCE_VALIDATION_1_HORS_DELAI) == 1


def test_le_balayage_ne_touche_ni_les_factures_a_l_heure_ni_les_autres_statuts(s):
    passe = timezone.now() - timedelta(minutes=1)
    echue = s.facture_a_valider(echeance_action=passe)
    a_l_heure = s.facture_a_valider(echeance_action=timezone.now() + timedelta(days=3))
    # A deadline left on a status without timeout is not this sweep's business.
    refusee = s.facture_a_valider(statut=S.REFUSEE_1, echeance_action=passe)
    assert delais.balayer_echeances() == 1
    for facture, attendu in [
        (echue, S.MISE_A_DISPOSITION),
        (a_l_heure, S.A_VALIDER_1),
        (refusee, S.REFUSEE_1),
    ]:
        facture.refresh_from_db()
        assert facture.statut == attendu


def test_apres_le_premier_valideur_tacite_le_second_a_ses_quinze_jours(s):
    facture = s.facture_a_valider(
        valideur_2=StructureFactory(), echeance_action=timezone.now() - timedelta(seconds=1)
    )
    delais.balayer_echeances()
    facture.refresh_from_db()
    assert facture.statut == S.A_VALIDER_2
    assert facture.echeance_action > timezone.now() + timedelta(days=14)
    with time_machine.travel(timezone.now() + timedelta(days=15, seconds=5), tick=False):
        delais.balayer_echeances()
    facture.refresh_from_db()
    assert facture.statut == S.MISE_A_DISPOSITION
    assert S.ABSENCE_VALIDATION_2_HORS_DELAI in statuts(facture)


def test_le_balayage_travaille_par_lots_et_deux_passages_ne_changent_rien_de_plus(s):
    passe = timezone.now() - timedelta(hours=1)
    factures = [s.facture_a_valider(echeance_action=passe) for _ in range(7)]
    assert delais.balayer_echeances(taille_lot=3) == 7
    assert delais.balayer_echeances(taille_lot=3) == 0
    for facture in factures:
        assert statuts(facture) == [
            S.ABSENCE_VALIDATION_1_HORS_DELAI,
            S.EN_COURS_ACHEMINEMENT,
            S.MISE_A_DISPOSITION,
        ]


def test_un_delai_d_un_autre_cadre_s_enregistre_a_part(s):
    vus = []

    def moe(factures):
        vus.extend(f.pk for f in factures)
        Facture.objects.filter(pk__in=[f.pk for f in factures]).update(echeance_action=None)

    # A status and cadre no timeout is registered for (the works app registers its own).
    travaux = FactureFactory(
        cadre=Cadre.A15_ETAT_ACOMPTE_MOE,
        statut=S.MISE_A_DISPOSITION_MOA,
        deposee_le=timezone.now(),
        echeance_action=timezone.now() - timedelta(days=1),
    )
    cles = set(delais._DELAIS)
    try:
        delais.enregistrer_delai(
            [S.MISE_A_DISPOSITION_MOA], moe, cadres=[Cadre.A15_ETAT_ACOMPTE_MOE]
        )
        assert delais.balayer_echeances() == 1
    finally:
        for cle in set(delais._DELAIS) - cles:
            del delais._DELAIS[cle]
    assert vus == [travaux.pk]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_deux_balayages_simultanes_changent_chaque_facture_une_seule_fois_et_le_disent_une_fois(
    mailoutbox,
):
    s = scene()
    mandataire = StructureFactory(raison_sociale="Mandataire SA")
    UtilisateurFactory(email="gp@mandataire.fr", gestionnaire_de=mandataire)
    passe = timezone.now() - timedelta(hours=1)
    vers_l_entite = [s.facture_a_valider(echeance_action=passe) for _ in range(40)]
    vers_le_second = [
        s.facture_a_valider(echeance_action=passe, valideur_2=mandataire) for _ in range(20)
    ]
    toutes = vers_l_entite + vers_le_second
    depart = threading.Barrier(3)
    traitees, erreurs = [], []

    def balayer():
        try:
            depart.wait()
            traitees.append(delais.balayer_echeances(taille_lot=7))
        except Exception as exc:  # pragma: no cover - reported below
            erreurs.append(exc)
        finally:
            connection.close()

    fils = [threading.Thread(target=balayer) for _ in range(3)]
    for fil in fils:
        fil.start()
    for fil in fils:
        fil.join(timeout=60)
    assert erreurs == []
    assert sum(traitees) == 60
    assert delais.balayer_echeances() == 0  # and once more, later: nothing left

    # Each invoice changed once: its chain of steps, each historised once.
    for facture in vers_l_entite:
        facture.refresh_from_db()
        assert facture.statut == S.MISE_A_DISPOSITION
        assert statuts(facture) == [
            S.ABSENCE_VALIDATION_1_HORS_DELAI,
            S.EN_COURS_ACHEMINEMENT,
            S.MISE_A_DISPOSITION,
        ]
    for facture in vers_le_second:
        facture.refresh_from_db()
        assert facture.statut == S.A_VALIDER_2
        assert facture.echeance_action > timezone.now() + timedelta(days=14)
        assert statuts(facture) == [S.ABSENCE_VALIDATION_1_HORS_DELAI, S.A_VALIDER_2]

    # Told once: one event and one e-mail per invoice for the supplier, each invoice in one
    # grouped event for the recipient or the second validator.
    par_type = {}
    for evenement in Evenement.objects.all():
        par_type.setdefault(evenement.type, []).append(evenement.contexte)
    assert sorted(c["facture_id"] for c in par_type["factures.statut_fournisseur"]) == sorted(
        f.pk for f in toutes
    )
    au_fournisseur = [m.subject for m in mailoutbox if m.to == ["gp@peintures-morel.fr"]]
    assert sorted(au_fournisseur) == sorted(
        f"Chorus Pro : facture {f.numero} – {libelle}"
        for factures, libelle in [
            (vers_l_entite, "Mise à disposition du destinataire"),
            (vers_le_second, "Mise à disposition du second valideur"),
        ]
        for f in factures
    )

    def listees(type_):
        return sorted(f["facture_id"] for c in par_type[type_] for f in c["factures"])

    assert listees("factures.a_traiter") == sorted(f.pk for f in vers_l_entite)
    assert listees("factures.a_valider") == sorted(f.pk for f in vers_le_second)
    # A retried e-mail task sends nothing twice (`.result`: the sweeps' threads ran eager
    # tasks, after which Celery refuses a blocking `.get()` in this process).
    envoyes = len(mailoutbox)
    ids = [str(pk) for pk in Evenement.objects.values_list("pk", flat=True)]
    assert envoyer_emails_lot.apply(args=[ids]).result == 0
    assert len(mailoutbox) == envoyes

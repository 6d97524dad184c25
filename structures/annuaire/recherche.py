"""The public directory (annuaire des structures publiques): search, and the detail page.

Search (`RechercheAnnuaireForm`, `structures_de_l_annuaire`): only PUBLIQUE structures,
by identifier (at least 3 characters, any part of it), raison sociale and city (any part,
upper/lower case, accents, hyphens and apostrophes ignored), postal code (its beginning) and
status. Two ways to answer, both read by `PaginateurPlafonne` (counted up to a cap, then one
page at a time):

- browsing (no « any part » criterion): the structures table, walked in the chosen order
  along its btree indexes (migration 0003), so a page costs its 20 rows;
- « any part »: the directory's search table (`EntreeAnnuaire`: search keys, postal code,
  status), where a trigram index (migration 0005) finds the matches and PostgreSQL sorts
  them on the keys; then only the page's structures are read. Tests check that the indexes
  are usable.

Detail page (`services_de_l_annuaire`, `parametres_pour_le_fournisseur`,
`consigne_de_facturation`): what a supplier reads on a structure before invoicing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django import forms
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from chorus.forms import FormulaireDsfr
from structures.cles import cle_de_recherche
from structures.enums import PresenceMoa, StatutService, StatutStructure

PAR_PAGE = 20
LONGUEUR_MIN_IDENTIFIANT = 3
# Beyond this many results, the list says "more than…" and asks for a narrower search.
PLAFOND_DES_RESULTATS = 1000


def compacter_identifiant(texte: str) -> str:
    """An identifier as stored: upper case, without spaces, dots or dashes."""
    return re.sub(r"[\s.\-]", "", texte or "").upper()


# Sort keys offered on the result list: URL value -> (label, order_by).
TRIS = {
    "raison_sociale": (_lazy("Raison sociale"), ("raison_sociale", "pk")),
    "identifiant": (_lazy("Identifiant"), ("identifiant", "pk")),
    "ville": (_lazy("Ville"), ("ville", "raison_sociale", "pk")),
}
TRI_PAR_DEFAUT = "raison_sociale"


def tri_valide(valeur: str) -> str:
    """`valeur` if it names a known sort (`ville`, `-ville`…), else the default one."""
    return valeur if valeur.lstrip("-") in TRIS else TRI_PAR_DEFAUT


# With an « any part » criterion, the same sorts on the search table's keys: same
# alphabetical order, accents ignored.
TRI_SUR_LES_CLES = {
    "raison_sociale": "cle_raison_sociale",
    "identifiant": "cle_identifiant",
    "ville": "cle_ville",
}


def ordre_de_tri(tri: str, *, sur_les_cles: bool = False) -> list[str]:
    descendant = tri.startswith("-")
    champs = TRIS[tri.lstrip("-")][1]
    if sur_les_cles:
        champs = [TRI_SUR_LES_CLES.get(c, c) for c in champs]
    return [f"-{c}" if descendant else c for c in champs]


# What the result list shows of a structure.
CHAMPS_AFFICHES = (
    "pk",
    "identifiant",
    "type_identifiant",
    "raison_sociale",
    "code_postal",
    "ville",
    "statut",
)


class RechercheAnnuaireForm(FormulaireDsfr):
    identifiant = forms.CharField(
        label=_lazy("Identifiant (SIRET ou autre)"),
        help_text=_lazy("Au moins 3 caractères ; une partie du numéro suffit."),
        max_length=80,
        required=False,
    )
    raison_sociale = forms.CharField(
        label=_lazy("Raison sociale"),
        help_text=_lazy("Une partie du nom suffit ; majuscules et accents sont indifférents."),
        max_length=200,
        required=False,
    )
    code_postal = forms.CharField(
        label=_lazy("Code postal"),
        help_text=_lazy("Le début du code suffit (par exemple 75 pour Paris)."),
        max_length=10,
        required=False,
    )
    ville = forms.CharField(label=_lazy("Ville"), max_length=100, required=False)
    statut = forms.ChoiceField(
        label=_lazy("Statut"),
        choices=[("", _lazy("Tous")), *StatutStructure.choices],
        required=False,
    )
    tri = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_identifiant(self):
        valeur = compacter_identifiant(self.cleaned_data["identifiant"])
        if 0 < len(valeur) < LONGUEUR_MIN_IDENTIFIANT:
            raise forms.ValidationError(
                _(
                    "Saisissez au moins %(min)s caractères de l'identifiant pour lancer la "
                    "recherche (vous en avez saisi %(n)s)."
                )
                % {"min": LONGUEUR_MIN_IDENTIFIANT, "n": len(valeur)},
                code="identifiant_trop_court",
            )
        return valeur

    def clean_raison_sociale(self):
        return cle_de_recherche(self.cleaned_data["raison_sociale"])

    def clean_ville(self):
        return cle_de_recherche(self.cleaned_data["ville"])

    def clean_code_postal(self):
        return self.cleaned_data["code_postal"].replace(" ", "").upper()

    def clean_tri(self):
        return tri_valide(self.cleaned_data["tri"])


def structures_de_l_annuaire(
    *,
    identifiant: str = "",
    raison_sociale: str = "",
    code_postal: str = "",
    ville: str = "",
    statut: str = "",
    tri: str = TRI_PAR_DEFAUT,
) -> ResultatsAnnuaire:
    """The public structures matching the cleaned criteria of `RechercheAnnuaireForm`."""
    from structures.models import EntreeAnnuaire, Structure

    cles = {
        "cle_identifiant__contains": cle_de_recherche(identifiant),
        "cle_raison_sociale__contains": raison_sociale,
        "cle_ville__contains": ville,
    }
    cles = {condition: valeur for condition, valeur in cles.items() if valeur}
    autres = {"code_postal__startswith": code_postal, "statut": statut}
    autres = {condition: valeur for condition, valeur in autres.items() if valeur}
    tri = tri_valide(tri)
    if not cles:
        return ParcoursDesStructures(
            Structure.objects.publiques().filter(**autres), ordre_de_tri(tri)
        )
    return RechercheSurLesCles(
        EntreeAnnuaire.objects.filter(**cles, **autres), ordre_de_tri(tri, sur_les_cles=True)
    )


class ResultatsAnnuaire:
    """What a search found, as `PaginateurPlafonne` reads it: `compter()`, then a slice of
    the chosen order (a list of structures with the fields of `CHAMPS_AFFICHES`)."""

    ordered = True  # what Paginator checks before slicing

    def __init__(self, lignes: QuerySet, ordre: list[str]):
        self.lignes = lignes
        self.ordre = ordre

    def compter(self, limite: int) -> int:
        """How many, counting no further than `limite`. Without the order: PostgreSQL then
        stops at the first `limite` matches instead of finding and sorting them all."""
        return self.lignes.order_by()[:limite].count()

    def __getitem__(self, tranche: slice) -> list:
        raise NotImplementedError


class ParcoursDesStructures(ResultatsAnnuaire):
    """Public structures filtered on postal code and status only, read in order along the
    structures table's btree indexes: a page costs its own rows."""

    def __getitem__(self, tranche: slice) -> list:
        return list(self.lignes.order_by(*self.ordre).only(*CHAMPS_AFFICHES)[tranche])


class RechercheSurLesCles(ResultatsAnnuaire):
    """An « any part » search, answered by the search table (`EntreeAnnuaire`), whose narrow
    rows cost a third of the structures' to read and sort.

    Counting reads the matches' sort keys, at most `limite` of them, in no order (PostgreSQL
    takes them from the trigram index, or reads the narrow table until it has enough: at
    worst one pass over it). When there are fewer, they are all the matches: the page is cut
    from them sorted here, and one scan answered both count and page (keys compare byte by
    byte in the database, as Python compares strings). Beyond, PostgreSQL sorts the matches
    and one query reads the page's structures (`pk IN (the page of the sorted matches)`).
    Either way every match is read: no btree lets PostgreSQL walk the keys in order (see
    `EntreeAnnuaire`), so the cost follows the number of matches, never where they sit in
    the alphabet."""

    _toutes: list | None = None  # every match's (keys…, pk), once counted below the limit

    def compter(self, limite: int) -> int:
        champs = [champ.lstrip("-") for champ in self.ordre]
        trouvees = list(self.lignes.order_by().values_list(*champs)[:limite])
        if len(trouvees) < limite:
            self._toutes = trouvees
        return len(trouvees)

    def __getitem__(self, tranche: slice) -> list:
        from structures.models import Structure

        if self._toutes is not None:
            descendant = self.ordre[0].startswith("-")
            ids = [ligne[-1] for ligne in sorted(self._toutes, reverse=descendant)][tranche]
            structures = Structure.objects.only(*CHAMPS_AFFICHES).in_bulk(ids)
            return [structures[pk] for pk in ids]
        page = self.lignes.order_by(*self.ordre).values("pk")[tranche]
        return list(
            Structure.objects.filter(pk__in=page)
            .order_by(*(_par_l_entree(champ) for champ in self.ordre))
            .only(*CHAMPS_AFFICHES)
        )


def _par_l_entree(champ: str) -> str:
    """A sort of the search table, for structures: `-cle_ville` → `-entree_annuaire__cle_ville`."""
    signe, nom = ("-", champ[1:]) if champ.startswith("-") else ("", champ)
    return champ if nom == "pk" else f"{signe}entree_annuaire__{nom}"


class PaginateurPlafonne(Paginator):
    """Counts at most `PLAFOND_DES_RESULTATS` + 1 rows, so that a vague search costs no more
    than a precise one; only the first `PLAFOND_DES_RESULTATS` (in the chosen order) can be
    browsed, and the page says so. `object_list`: a `ResultatsAnnuaire`."""

    @cached_property
    def _nombre_reel(self) -> int:
        return self.object_list.compter(PLAFOND_DES_RESULTATS + 1)

    @cached_property
    def count(self) -> int:
        return min(self._nombre_reel, PLAFOND_DES_RESULTATS)

    @property
    def depasse_le_plafond(self) -> bool:
        return self._nombre_reel > PLAFOND_DES_RESULTATS


def services_de_l_annuaire(structure, recherche: str = "") -> QuerySet:
    """The active services of a structure, the ones a supplier may name on an invoice;
    `recherche` filters on a part of the code or of the label."""
    services = structure.services.filter(statut=StatutService.ACTIF)
    if recherche:
        services = services.filter(Q(code__icontains=recherche) | Q(libelle__icontains=recherche))
    return services.order_by("code", "pk").only(
        "pk", "structure_id", "code", "libelle", "engagement_obligatoire"
    )


@dataclass(frozen=True)
class Parametre:
    libelle: str
    valeur: str
    explication: str


def parametres_pour_le_fournisseur(structure) -> list[Parametre]:
    """The public-structure parameters, in the words a supplier understands."""
    oui, non = _("Oui"), _("Non")

    def booleen(valeur):
        return oui if valeur else non

    return [
        Parametre(
            _("Code service obligatoire"),
            booleen(structure.code_service_obligatoire),
            _("La facture doit indiquer le code du service destinataire."),
        ),
        Parametre(
            _("Numéro d'engagement obligatoire"),
            booleen(structure.numero_ej_obligatoire),
            _("La facture doit indiquer le numéro d'engagement juridique (bon de commande)."),
        ),
        Parametre(
            _("Code service ou numéro d'engagement obligatoire"),
            booleen(structure.code_service_ou_ej_obligatoire),
            _("La facture doit indiquer au moins l'un des deux."),
        ),
        Parametre(
            _("Mise en paiement non communiquée"),
            booleen(structure.mise_en_paiement_non_remontee),
            _("Le fournisseur ne voit pas le statut « mise en paiement » de ses factures."),
        ),
        Parametre(
            _("Réception par EDI"),
            booleen(structure.reception_edi),
            _("La structure reçoit ses factures par échange de données informatisé."),
        ),
        Parametre(
            _("Présence d'une maîtrise d'ouvrage (MOA)"),
            structure.get_presence_moa_display(),
            {
                PresenceMoa.SANS_MOA: _(
                    "Les pièces de travaux sont validées hors du portail, puis transmises au "
                    "service financier."
                ),
                PresenceMoa.AVEC_MOA: _(
                    "Une maîtrise d'ouvrage intervient sur les factures de travaux avant le "
                    "service financier."
                ),
                PresenceMoa.EXCLUSIVEMENT_MOA: _(
                    "La structure agit uniquement comme maîtrise d'ouvrage, dans les factures "
                    "de travaux."
                ),
            }.get(structure.presence_moa, ""),
        ),
    ]


def consigne_de_facturation(structure) -> str:
    """One sentence: what the supplier must write on an invoice to this structure."""
    if structure.code_service_obligatoire and structure.numero_ej_obligatoire:
        return _(
            "Indiquez sur votre facture le code du service destinataire et le numéro d'engagement."
        )
    if structure.code_service_obligatoire:
        return _("Indiquez sur votre facture le code du service destinataire.")
    if structure.numero_ej_obligatoire:
        return _("Indiquez sur votre facture le numéro d'engagement (bon de commande).")
    if structure.code_service_ou_ej_obligatoire:
        return _(
            "Indiquez sur votre facture au moins le code du service destinataire ou le "
            "numéro d'engagement."
        )
    return _(
        "La structure n'exige ni code service ni numéro d'engagement ; un service peut "
        "toutefois exiger le numéro d'engagement (voir la liste des services)."
    )

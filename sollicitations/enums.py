"""Codes of sollicitations (domain §7): statuses, actions, roles, destinations, messages.

Data keeps the codes; the UI shows the French labels. Named groups of statuses say whose turn
it is; views and templates use them instead of bare strings.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StatutSollicitation(models.TextChoices):
    BROUILLON = "BROUILLON", _("Brouillon")
    ENVOYEE = "ENVOYEE", _("Envoyée")
    EN_COURS = "EN_COURS", _("En cours de traitement")
    EN_ATTENTE_COMPLEMENT = "EN_ATTENTE_COMPLEMENT", _("En attente de complément")
    REPONDUE = "REPONDUE", _("Répondue")
    CLOTUREE = "CLOTUREE", _("Clôturée")
    RENVOYEE = "RENVOYEE", _("Renvoyée par le demandeur")
    SUPPRIMEE = "SUPPRIMEE", _("Supprimée")


S = StatutSollicitation

# The desk must act: take it, answer it, ask for more.
A_TRAITER_PAR_LE_DESK = [S.ENVOYEE, S.RENVOYEE, S.EN_COURS]
# The desk waits for the requester.
EN_ATTENTE_DU_DEMANDEUR = [S.EN_ATTENTE_COMPLEMENT, S.REPONDUE]
# Not taken by anyone yet (or sent back): "waiting" counts from the last hand-over.
NON_PRISES_EN_CHARGE = [S.ENVOYEE, S.RENVOYEE]
CLOTUREES = [S.CLOTUREE]
# Everything a desk ever sees: never drafts, never deleted drafts.
VISIBLES_PAR_LE_DESK = [*A_TRAITER_PAR_LE_DESK, *EN_ATTENTE_DU_DEMANDEUR, *CLOTUREES]

# The requester's tabs.
A_TRAITER_PAR_LE_DEMANDEUR = EN_ATTENTE_DU_DEMANDEUR
EN_COURS_POUR_LE_DEMANDEUR = A_TRAITER_PAR_LE_DESK


class ActionSollicitation(models.TextChoices):
    ENVOYER = "ENVOYER", _("Valider et envoyer")
    SUPPRIMER = "SUPPRIMER", _("Supprimer le brouillon")
    PRENDRE_EN_CHARGE = "PRENDRE_EN_CHARGE", _("Prendre en charge")
    ASSIGNER = "ASSIGNER", _("Assigner")
    DEMANDER_COMPLEMENT = "DEMANDER_COMPLEMENT", _("Demander un complément")
    COMPLETER = "COMPLETER", _("Apporter le complément")
    REPONDRE = "REPONDRE", _("Répondre")
    CLOTURER = "CLOTURER", _("Clôturer")
    RENVOYER = "RENVOYER", _("Renvoyer (réponse insatisfaisante)")
    TRANSFERER_AU_SUPPORT = "TRANSFERER_AU_SUPPORT", _("Transférer au support")


class RoleSollicitation(models.TextChoices):
    """Who acts on a request (computed per request by `sollicitations.acces.roles_de`)."""

    DEMANDEUR = "DEMANDEUR", _("Demandeur")
    TRAITANT = "TRAITANT", _("Membre du desk")
    ENTITE = "ENTITE", _("Membre du desk de l'entité publique")
    ASSIGNE = "ASSIGNE", _("Agent assigné")
    RESPONSABLE = "RESPONSABLE", _("Responsable du desk")


class Destination(models.TextChoices):
    """Where a request goes: decided by its sub-category, changed by a transfer."""

    SUPPORT = "SUPPORT", _("Support")
    ENTITE_PUBLIQUE = "ENTITE_PUBLIQUE", _("Entité publique destinataire de la facture")


class TypeMessage(models.TextChoices):
    MESSAGE = "MESSAGE", _("Message du demandeur")
    COMPLEMENT = "COMPLEMENT", _("Complément du demandeur")
    RENVOI = "RENVOI", _("Renvoi par le demandeur")
    REPONSE = "REPONSE", _("Réponse")
    DEMANDE_COMPLEMENT = "DEMANDE_COMPLEMENT", _("Demande de complément")
    CLOTURE = "CLOTURE", _("Message de clôture")
    NOTE_INTERNE = "NOTE_INTERNE", _("Note interne")
    TRANSFERT = "TRANSFERT", _("Motif du transfert au support")


# Messages written by the requester's side; the others come from the desk.
MESSAGES_DU_DEMANDEUR = [TypeMessage.MESSAGE, TypeMessage.COMPLEMENT, TypeMessage.RENVOI]
# Never shown to the requester.
MESSAGES_INTERNES = [TypeMessage.NOTE_INTERNE, TypeMessage.TRANSFERT]

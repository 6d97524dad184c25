"""Every operation that changes a sollicitation: `depot` (drafts, sending, the public contact
form), `conversation` (the desk's and the requester's actions), `pieces` (attachments),
`avis` (who is told), `aide` (the help centre's search)."""

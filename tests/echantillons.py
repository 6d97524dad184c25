"""Where the real third-party invoices live: `../shared/samples` beside the checkout.

A clone elsewhere (a CI workspace, /tmp) finds them through CHORUS_ECHANTILLONS, else in the
workplace's shared folder.
"""

import os
from pathlib import Path

_ICI = Path(__file__).resolve().parent.parent


def dossier_des_echantillons() -> Path:
    candidats = [
        os.environ.get("CHORUS_ECHANTILLONS", ""),
        _ICI.parent / "shared" / "samples",
        "/work/shared/samples",
    ]
    for candidat in candidats:
        if candidat and Path(candidat).is_dir():
            return Path(candidat)
    return _ICI.parent / "shared" / "samples"


ECHANTILLONS = dossier_des_echantillons()

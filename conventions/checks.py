"""Start-up checks of the signing configuration: a wrong passphrase or a missing key file is
reported when the server starts (and by `manage.py check`), not at the first signature."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register

from .signatures.crypto import SigningConfigurationError, load_platform_signer
from .signatures.verification import trust_roots


@register(deploy=False)
def signing_configuration(app_configs, **kwargs) -> list[Error]:
    errors = []
    path = settings.SIGNING_P12_PATH
    if path and not Path(path).is_file():
        errors.append(
            Error(
                f"Le fichier du certificat de cachet est introuvable : {path}",
                hint="Corrigez SIGNING_P12_PATH, ou créez un certificat de développement avec "
                "`manage.py create_signing_certificate`.",
                id="pilotis.E001",
            )
        )
    elif path:
        try:
            load_platform_signer()
        except SigningConfigurationError as error:
            errors.append(
                Error(str(error), hint="Vérifiez SIGNING_P12_PASSPHRASE et le fichier.", id="pilotis.E002")
            )
    if not Path(settings.SIGNING_STAMP_FONT).is_file():
        errors.append(
            Error(
                f"La police des cachets de signature est introuvable : {settings.SIGNING_STAMP_FONT}",
                hint="Installez le paquet fonts-dejavu-core ou corrigez SIGNING_STAMP_FONT.",
                id="pilotis.E004",
            )
        )
    try:
        trust_roots()
    except SigningConfigurationError as error:
        errors.append(Error(str(error), hint="Corrigez SIGNING_TRUST_ROOTS.", id="pilotis.E003"))
    return errors

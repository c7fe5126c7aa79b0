"""Start-up checks of the signing configuration: a wrong passphrase or a missing key file is
reported when the server starts (and by `manage.py check`), not at the first signature."""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, Warning, register

from .signatures.crypto import SigningConfigurationError, load_platform_signer, load_signing_authority
from .signatures.verification import trust_roots


@register(deploy=False)
def signing_configuration(app_configs, **kwargs) -> list[Error | Warning]:
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
                id="pilotis.E006",
            )
        )
    errors += _signing_authority()
    try:
        trust_roots()
    except SigningConfigurationError as error:
        errors.append(Error(str(error), hint="Corrigez SIGNING_TRUST_ROOTS.", id="pilotis.E003"))
    return errors


def _signing_authority() -> list[Error | Warning]:
    """The CA that issues each signatory's one-time certificate: a missing or unreadable file is
    an error like the seal's; none configured is allowed (a deployment whose only key is a seal
    from a qualified provider) but said, since the signatures then carry the seal's name."""
    path = settings.SIGNING_CA_P12_PATH
    if not path:
        if not settings.SIGNING_P12_PATH:
            return []  # no signing at all: E001/E002 or the sending service already say so
        return [
            Warning(
                "SIGNING_CA_P12_PATH n'est pas défini : les signatures faites par la plateforme au nom "
                "des signataires portent le certificat du cachet, pas un certificat au nom de chacun.",
                hint="Donnez la clé de l'autorité de signature (PKCS#12) dans SIGNING_CA_P12_PATH ; "
                "`manage.py create_signing_certificate` en crée une pour le développement.",
                id="pilotis.W001",
            )
        ]
    if not Path(path).is_file():
        return [
            Error(
                f"Le fichier de la clé de l'autorité de signature est introuvable : {path}",
                hint="Corrigez SIGNING_CA_P12_PATH, ou videz-le pour signer avec le cachet.",
                id="pilotis.E004",
            )
        ]
    try:
        load_signing_authority()
    except SigningConfigurationError as error:
        return [
            Error(
                str(error),
                hint="Vérifiez SIGNING_CA_P12_PASSPHRASE (ou SIGNING_P12_PASSPHRASE) et le fichier.",
                id="pilotis.E005",
            )
        ]
    return []

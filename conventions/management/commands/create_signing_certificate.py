"""A local certification authority and the platform's sealing certificate, for development and the
demo. In production the sealing certificate comes from a real (qualified) trust service provider.

The CA's key is kept too (a PKCS#12 beside the seal's, for SIGNING_CA_P12_PATH): with it, every
platform signature is made with a one-time certificate in the signatory's name."""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from conventions.signatures.certificates import (
    CA_NAME,
    SEALING_NAME,
    issue_signing_certificate,
    issue_tsa_certificate,
    make_ca,
    pkcs12_bytes,
)

__all__ = ["CA_NAME", "SEALING_NAME", "Command", "issue_signing_certificate", "make_ca", "pkcs12_bytes"]

CA_FILE_NAME = "pilotis-ca.pem"
CA_P12_FILE_NAME = "pilotis-ca.p12"
TSA_P12_FILE_NAME = "pilotis-tsa.p12"


class Command(BaseCommand):
    # The start-up checks would refuse to run while the key it is asked to create is missing.
    requires_system_checks = []
    help = (
        "Crée, pour le développement et la démonstration, une autorité de certification locale et le "
        "certificat de cachet de la plateforme (PKCS#12), avec à côté le certificat de l'autorité (PEM) "
        "et sa clé (PKCS#12), qui émet pour chaque signature un certificat au nom du signataire, ainsi "
        "qu'une unité d'horodatage locale (PKCS#12) dont l'autorité émet le certificat."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Fichier PKCS#12 à écrire (par défaut SIGNING_P12_PATH, sinon var/signing/pilotis-sealing.p12).",
        )
        parser.add_argument(
            "--passphrase", help="Phrase de passe du PKCS#12 (par défaut SIGNING_P12_PASSPHRASE)."
        )
        parser.add_argument(
            "--ca-output",
            help="Fichier PKCS#12 de la clé de l'autorité (par défaut SIGNING_CA_P12_PATH si --output "
            "n'est pas donné, sinon pilotis-ca.p12 à côté du cachet).",
        )
        parser.add_argument(
            "--tsa-only",
            action="store_true",
            help="N'écrire que l'unité d'horodatage locale (pilotis-tsa.p12), émise par l'autorité "
            "existante (pour une installation faite avant l'horodatage local).",
        )
        parser.add_argument("--force", action="store_true", help="Remplacer des fichiers existants.")

    def handle(
        self, *args, output=None, ca_output=None, passphrase=None, force=False, tsa_only=False, **options
    ):
        ca_output = ca_output or (None if output else settings.SIGNING_CA_P12_PATH)
        output = Path(
            output or settings.SIGNING_P12_PATH or settings.BASE_DIR / "var/signing/pilotis-sealing.p12"
        )
        ca_p12_path = Path(ca_output) if ca_output else output.parent / CA_P12_FILE_NAME
        passphrase = passphrase or settings.SIGNING_P12_PASSPHRASE
        if not passphrase:
            raise CommandError(
                "Donnez une phrase de passe (--passphrase ou SIGNING_P12_PASSPHRASE) : "
                "la clé de cachet n'est jamais écrite en clair."
            )
        ca_path = output.parent / CA_FILE_NAME
        tsa_path = output.parent / TSA_P12_FILE_NAME
        if tsa_only:
            self._write_tsa_only(ca_p12_path, tsa_path, passphrase, force=force)
            return
        existing = [str(path) for path in (tsa_path, output, ca_path, ca_p12_path) if path.exists()]
        if existing and not force:
            raise CommandError(
                f"{', '.join(existing)} existe déjà : ajoutez --force pour remplacer "
                "(les PDF déjà signés restent vérifiables avec l'ancien certificat d'autorité)."
            )

        ca_key, ca_cert = make_ca()
        key, cert = issue_signing_certificate(ca_key, ca_cert, SEALING_NAME)
        output.parent.mkdir(parents=True, exist_ok=True)
        _write(output, pkcs12_bytes(key, cert, ca_cert, passphrase), mode=0o600)
        _write(ca_path, ca_cert.public_bytes(serialization.Encoding.PEM), mode=0o644)
        # The CA's key, under the same passphrase: it issues each signatory's one-time certificate.
        ca_p12_path.parent.mkdir(parents=True, exist_ok=True)
        _write(ca_p12_path, pkcs12_bytes(ca_key, ca_cert, None, passphrase, name=b"pilotis-ca"), mode=0o600)
        # The local time-stamping unit (SIGNING_TSA_P12_PATH): a signature timestamp on each
        # signature, the document timestamp that closes the signed file.
        tsa_key, tsa_cert = issue_tsa_certificate(ca_key, ca_cert)
        _write(
            tsa_path, pkcs12_bytes(tsa_key, tsa_cert, ca_cert, passphrase, name=b"pilotis-tsa"), mode=0o600
        )

        self.stdout.write(f"Certificat de cachet (PKCS#12) : {output}")
        self.stdout.write(f"Certificat de l'autorité (PEM) : {ca_path}")
        self.stdout.write(f"Clé de l'autorité de signature (PKCS#12) : {ca_p12_path}")
        self.stdout.write(f"Unité d'horodatage locale (PKCS#12) : {tsa_path}")
        self.stdout.write(
            f"À mettre dans l'environnement : SIGNING_P12_PATH={output} SIGNING_CA_P12_PATH={ca_p12_path} "
            f"SIGNING_TSA_P12_PATH={tsa_path} SIGNING_TRUST_ROOTS={ca_path}"
        )

    def _write_tsa_only(self, ca_p12_path: Path, tsa_path: Path, passphrase: str, *, force: bool) -> None:
        if tsa_path.exists() and not force:
            raise CommandError(f"{tsa_path} existe déjà : ajoutez --force pour remplacer.")
        try:
            ca_key, ca_cert, _others = pkcs12.load_key_and_certificates(
                ca_p12_path.read_bytes(), passphrase.encode()
            )
        except OSError:
            raise CommandError(f"Clé de l'autorité introuvable : {ca_p12_path}") from None
        except ValueError:
            raise CommandError(f"La phrase de passe ne déverrouille pas {ca_p12_path}.") from None
        if ca_key is None or ca_cert is None:
            raise CommandError(f"{ca_p12_path} ne contient pas la clé et le certificat de l'autorité.")
        tsa_key, tsa_cert = issue_tsa_certificate(ca_key, ca_cert)
        _write(
            tsa_path, pkcs12_bytes(tsa_key, tsa_cert, ca_cert, passphrase, name=b"pilotis-tsa"), mode=0o600
        )
        self.stdout.write(f"Unité d'horodatage locale (PKCS#12) : {tsa_path}")


def _write(path: Path, data: bytes, *, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    os.chmod(path, mode)  # O_CREAT's mode does not apply to a file that already existed

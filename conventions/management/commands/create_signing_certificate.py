"""A local certification authority and the platform's sealing certificate, for development and the
demo. In production the sealing certificate comes from a real (qualified) trust service provider."""

import datetime
import os
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

SEALING_NAME = "Pilotis – cachet de la plateforme"
CA_NAME = "Pilotis – autorité locale de développement"
CA_FILE_NAME = "pilotis-ca.pem"


def _name(common_name: str, organisation: str = "Pilotis") -> x509.Name:
    return x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "BE"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )


def _validity(builder: x509.CertificateBuilder, days: int) -> x509.CertificateBuilder:
    # Backdated by a day: a clock a little behind elsewhere must not see a "future" certificate.
    now = datetime.datetime.now(datetime.UTC)
    return builder.not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(
        now + datetime.timedelta(days=days)
    )


def make_ca(common_name: str = CA_NAME, *, organisation: str = "Pilotis", days: int = 3650):
    """A self-signed CA that may issue end-entity certificates only. Returns (key, certificate)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name, organisation)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    return key, _validity(builder, days).sign(key, hashes.SHA256())


def issue_signing_certificate(
    ca_key, ca_cert: x509.Certificate, common_name: str, *, organisation: str = "Pilotis", days: int = 1095
):
    """An EC P-256 certificate for signing documents (digitalSignature + nonRepudiation, as PAdES
    validators expect), issued by the given CA. Returns (key, certificate)."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(common_name, organisation))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,  # a.k.a. nonRepudiation
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
    )
    return key, _validity(builder, days).sign(ca_key, hashes.SHA256())


def pkcs12_bytes(key, cert: x509.Certificate, ca_cert: x509.Certificate, passphrase: str) -> bytes:
    """The key, its certificate and the CA's (so that signatures carry the whole chain)."""
    return pkcs12.serialize_key_and_certificates(
        name=b"pilotis-sealing",
        key=key,
        cert=cert,
        cas=[ca_cert],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )


class Command(BaseCommand):
    # The start-up checks would refuse to run while the key it is asked to create is missing.
    requires_system_checks = []
    help = (
        "Crée, pour le développement et la démonstration, une autorité de certification locale et le "
        "certificat de cachet de la plateforme (PKCS#12), avec le certificat de l'autorité en PEM à côté."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help="Fichier PKCS#12 à écrire (par défaut SIGNING_P12_PATH, sinon var/signing/pilotis-sealing.p12).",
        )
        parser.add_argument(
            "--passphrase", help="Phrase de passe du PKCS#12 (par défaut SIGNING_P12_PASSPHRASE)."
        )
        parser.add_argument("--force", action="store_true", help="Remplacer des fichiers existants.")

    def handle(self, *args, output=None, passphrase=None, force=False, **options):
        output = Path(
            output or settings.SIGNING_P12_PATH or settings.BASE_DIR / "var/signing/pilotis-sealing.p12"
        )
        passphrase = passphrase or settings.SIGNING_P12_PASSPHRASE
        if not passphrase:
            raise CommandError(
                "Donnez une phrase de passe (--passphrase ou SIGNING_P12_PASSPHRASE) : "
                "la clé de cachet n'est jamais écrite en clair."
            )
        ca_path = output.parent / CA_FILE_NAME
        existing = [str(path) for path in (output, ca_path) if path.exists()]
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
        # The CA's private key is not kept: a new sealing certificate means a new local CA.

        self.stdout.write(f"Certificat de cachet (PKCS#12) : {output}")
        self.stdout.write(f"Certificat de l'autorité (PEM) : {ca_path}")
        self.stdout.write(
            f"À mettre dans l'environnement : SIGNING_P12_PATH={output} SIGNING_TRUST_ROOTS={ca_path}"
        )


def _write(path: Path, data: bytes, *, mode: int) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
    os.chmod(path, mode)  # O_CREAT's mode does not apply to a file that already existed

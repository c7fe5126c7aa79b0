"""X.509 certificates the platform makes itself: a local certification authority, the platform's
sealing certificate (development and demo) and, for every platform signature, a one-time
certificate in the signatory's own name issued by the platform's signing CA.

One builder makes every end-entity certificate, so that the seal and the signatories' one-time
certificates carry the same extensions (digitalSignature + nonRepudiation, SKI, AKI)."""

import datetime

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

SEALING_NAME = "Pilotis – cachet de la plateforme"
CA_NAME = "Pilotis – autorité locale de développement"
TSA_NAME = "Pilotis – unité d'horodatage locale"
# RFC 5280's upper bound for these attributes (ub-common-name, ub-title, ub-organization-name),
# counted in UTF-8 bytes as the cryptography package does for the common name.
NAME_ATTRIBUTE_MAX_BYTES = 64


def _fit(value: str) -> str:
    """The value with its spaces tidied, cut (with an ellipsis) to the length a certificate's
    name allows."""
    value = " ".join(value.split())
    if len(value.encode()) <= NAME_ATTRIBUTE_MAX_BYTES:
        return value
    while len((value + "…").encode()) > NAME_ATTRIBUTE_MAX_BYTES:
        value = value[:-1]
    return value.rstrip() + "…"


def certificate_name(common_name: str, organisation: str = "Pilotis", *, title: str = "") -> x509.Name:
    """C=BE, O=organisation, title, CN=common_name; an empty organisation or title is left out."""
    attributes = [x509.NameAttribute(NameOID.COUNTRY_NAME, "BE")]
    if _fit(organisation):
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, _fit(organisation)))
    if _fit(title):
        attributes.append(x509.NameAttribute(NameOID.TITLE, _fit(title)))
    attributes.append(x509.NameAttribute(NameOID.COMMON_NAME, _fit(common_name) or "…"))
    return x509.Name(attributes)


def _validity(
    builder: x509.CertificateBuilder,
    days: int,
    *,
    valid_from: datetime.datetime | None = None,
    valid_until: datetime.datetime | None = None,
) -> x509.CertificateBuilder:
    # Backdated by a day: a clock a little behind elsewhere must not see a "future" certificate.
    now = datetime.datetime.now(datetime.UTC)
    return builder.not_valid_before(valid_from or now - datetime.timedelta(days=1)).not_valid_after(
        valid_until or now + datetime.timedelta(days=days)
    )


def _key_usage(**allowed: bool) -> x509.KeyUsage:
    """A KeyUsage extension with only the usages named (digital_signature, key_cert_sign …)."""
    usages = [
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
        "encipher_only",
        "decipher_only",
    ]
    return x509.KeyUsage(**{usage: allowed.get(usage, False) for usage in usages})


def make_ca(common_name: str = CA_NAME, *, organisation: str = "Pilotis", days: int = 3650):
    """A self-signed CA that may issue end-entity certificates only. Returns (key, certificate)."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = certificate_name(common_name, organisation)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(_key_usage(key_cert_sign=True, crl_sign=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
    )
    return key, _validity(builder, days).sign(key, hashes.SHA256())


def issue_signing_certificate(
    ca_key,
    ca_cert: x509.Certificate,
    common_name: str,
    *,
    organisation: str = "Pilotis",
    title: str = "",
    days: int = 1095,
    valid_from: datetime.datetime | None = None,
    valid_until: datetime.datetime | None = None,
):
    """An EC P-256 certificate for signing documents (digitalSignature + nonRepudiation, as PAdES
    validators expect), issued by the given CA: the platform's seal, or a signatory's one-time
    certificate (then with their function as `title`). Valid from a day ago for `days` days,
    unless `valid_from` / `valid_until` say otherwise. Returns (key, certificate)."""
    key = ec.generate_private_key(ec.SECP256R1())
    builder = (
        x509.CertificateBuilder()
        .subject_name(certificate_name(common_name, organisation, title=title))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        # content_commitment is what RFC 5280 calls nonRepudiation.
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
    )
    builder = _validity(builder, days, valid_from=valid_from, valid_until=valid_until)
    return key, builder.sign(ca_key, hashes.SHA256())


def issue_tsa_certificate(
    ca_key, ca_cert: x509.Certificate, common_name: str = TSA_NAME, *, days: int = 3650
):
    """A time-stamping unit's certificate (RFC 3161: extendedKeyUsage timeStamping only, critical),
    issued by the given CA. RSA 2048: pyHanko's in-process time-stamping unit signs with RSA only.
    Returns (key, certificate)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    builder = (
        x509.CertificateBuilder()
        .subject_name(certificate_name(common_name))
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(_key_usage(digital_signature=True, content_commitment=True), critical=True)
        .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
    )
    return key, _validity(builder, min(days, _days_left(ca_cert))).sign(ca_key, hashes.SHA256())


def _days_left(ca_cert: x509.Certificate) -> int:
    return max(1, (ca_cert.not_valid_after_utc - datetime.datetime.now(datetime.UTC)).days)


def empty_crl(ca_key, ca_cert: x509.Certificate, *, days: int = 7) -> x509.CertificateRevocationList:
    """The CA's certificate revocation list, revoking nothing (the platform never revokes a
    one-time certificate: its key is gone once it has signed), valid for `days` days from now."""
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(ca_cert.subject)
        .last_update(now - datetime.timedelta(minutes=5))
        .next_update(now + datetime.timedelta(days=days))
        .add_extension(x509.CRLNumber(int(now.timestamp())), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()), critical=False
        )
    )
    return builder.sign(ca_key, hashes.SHA256())


def pkcs12_bytes(
    key,
    cert: x509.Certificate,
    ca_cert: x509.Certificate | None,
    passphrase: str,
    *,
    name: bytes = b"pilotis-sealing",
) -> bytes:
    """The key, its certificate and the CA's (so that signatures carry the whole chain); for the
    CA itself, its key and certificate (`ca_cert` None)."""
    return pkcs12.serialize_key_and_certificates(
        name=name,
        key=key,
        cert=cert,
        cas=[ca_cert] if ca_cert is not None else None,
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase.encode()),
    )

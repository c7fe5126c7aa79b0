"""An eID-shaped test PKI (root → citizen CA → person, Belgian eID policy OIDs) from
eid_pki.yml, with certomancer's animator serving its OCSP responder and CRLs over real HTTP on
127.0.0.1 in a thread (werkzeug's make_server)."""

import threading
from contextlib import contextmanager
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pytest
import yaml
from certomancer.integrations.animator import Animator, AnimatorArchStore
from certomancer.registry import ArchLabel, CertLabel, CertomancerConfig, KeyLabel
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import signers
from pyhanko.sign.fields import SigSeedSubFilter
from pyhanko_certvalidator.registry import SimpleCertificateStore
from werkzeug.serving import make_server

CONFIG = Path(__file__).with_name("eid_pki.yml")


@dataclass
class EidPki:
    arch: object
    url: str
    root_pem: Path
    rogue_pem: Path
    server: object
    later: object

    @contextmanager
    def responder_down(self):
        """The OCSP responder and CRL repositories answer 503, as a broken service does."""
        working, self.later.app = self.later.app, _unavailable
        try:
            yield
        finally:
            self.later.app = working

    def signer(self, cert: str, key: str = "nadia", issuer: str = "citizen-ca") -> signers.SimpleSigner:
        """Signs with `cert` (a label of eid_pki.yml) and its key, the issuing CA embedded."""
        certificates = [self.arch.get_cert(CertLabel(issuer))] if issuer else []
        return signers.SimpleSigner(
            signing_cert=self.arch.get_cert(CertLabel(cert)),
            signing_key=self.arch.key_set.get_private_key(KeyLabel(key)),
            cert_registry=SimpleCertificateStore.from_certs(certificates),
        )


def eid_sign(pdf: bytes, signer: signers.SimpleSigner, field_name: str) -> bytes:
    """What the signatory's eID software does: an incremental PAdES signature into their field."""
    meta = signers.PdfSignatureMetadata(field_name=field_name, subfilter=SigSeedSubFilter.PADES)
    return signers.PdfSigner(meta, signer).sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf))).getvalue()


def _unavailable(environ, start_response):
    start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
    return [b"indisponible"]


class _Later:
    """The WSGI app, known once the server's port is (the URLs in the certificates name it)."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


@pytest.fixture(scope="session")
def eid_pki(tmp_path_factory):
    keys = tmp_path_factory.mktemp("eid-pki")
    config = yaml.safe_load(CONFIG.read_text())
    for spec in config["keysets"]["eid"]["keys"].values():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (keys / spec["path"]).write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
    later = _Later()
    server = make_server("127.0.0.1", 0, later, threaded=True)
    url = f"http://127.0.0.1:{server.port}"
    arch = CertomancerConfig(config, key_search_dir=str(keys), external_url_prefix=url).get_pki_arch(
        ArchLabel("eid")
    )
    later.app = Animator(AnimatorArchStore({arch.arch_label: arch}), with_web_ui=False)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    pems = {}
    for label in ("root", "rogue"):
        pems[label] = keys / f"{label}.pem"
        pems[label].write_bytes(arch.get_cert(CertLabel(label)).dump())  # DER is accepted too
    yield EidPki(arch, url, pems["root"], pems["rogue"], server, later)
    server.shutdown()
    thread.join(timeout=5)

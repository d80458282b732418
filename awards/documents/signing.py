"""PAdES signatures with the portal's document-signing key (pyHanko).

The key and certificate come from settings (PDF_SIGNING_KEY_FILE, PDF_SIGNING_CERT_FILE and
PDF_SIGNING_KEY_PASSPHRASE). Where none is configured outside production, a self-signed demo
certificate is made once under var/ so that `make run` and the tests sign too; production's
settings check refuses to start without a configured key.
"""

import asyncio
import datetime
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import cache
from io import BytesIO
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.conf import settings
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

SIGNATURE_FIELD = "PortalSignature"


def _demo_key_pair(directory: Path) -> tuple[Path, Path]:
    """A self-signed signing certificate for development, made once."""
    key_path, cert_path = directory / "demo-signing-key.pem", directory / "demo-signing-cert.pem"
    if key_path.exists() and cert_path.exists():
        return key_path, cert_path
    directory.mkdir(parents=True, exist_ok=True)
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "信阳数据产业奖补平台（演示）"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Document signing (demo, self-signed)"),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


def signing_files() -> tuple[Path, Path, bytes | None]:
    """(key file, certificate file, passphrase) as configured, or the demo pair."""
    key, cert = settings.PDF_SIGNING_KEY_FILE, settings.PDF_SIGNING_CERT_FILE
    passphrase = settings.PDF_SIGNING_KEY_PASSPHRASE.encode() or None
    if key and cert:
        return Path(key), Path(cert), passphrase
    demo_key, demo_cert = _demo_key_pair(Path(settings.PDF_DEMO_SIGNING_DIR))
    return demo_key, demo_cert, None


@cache
def _signer(key: Path, cert: Path, passphrase: bytes | None) -> signers.SimpleSigner:
    signer = signers.SimpleSigner.load(str(key), str(cert), key_passphrase=passphrase)
    if signer is None:
        raise RuntimeError(f"cannot load the document-signing key {key} / certificate {cert}")
    return signer


def _outside_any_event_loop[T](work: Callable[[], T]) -> T:
    """Run `work` here, or in a thread when this thread runs an event loop.

    pyHanko's synchronous API calls asyncio.run(), which refuses to run inside a running loop
    (an ASGI server, a test driving a browser); a fresh thread has no loop.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return work()
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(work).result()


def sign_pdf(content: bytes, *, reason: str) -> bytes:
    """`content` with an incremental PAdES signature of the portal's key."""
    return _outside_any_event_loop(lambda: _sign_pdf(content, reason=reason))


def _sign_pdf(content: bytes, *, reason: str) -> bytes:
    signer = _signer(*signing_files())
    writer = IncrementalPdfFileWriter(BytesIO(content))
    meta = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        reason=reason,
        location="信阳市",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
    )
    out = signers.sign_pdf(writer, meta, signer=signer)
    return out.getvalue()


def signature_status(content: bytes) -> dict[str, object]:
    """Whether the PDF's portal signature is intact and made by the portal's certificate."""
    return _outside_any_event_loop(lambda: _signature_status(content))


def _signature_status(content: bytes) -> dict[str, object]:
    """Whether the PDF's portal signature is intact and made by the portal's certificate.

    {"signed", "intact", "trusted", "signer"}: intact means the signed bytes are unchanged and
    cover the whole file; trusted means the signing certificate is the portal's own.
    """
    try:
        reader = PdfFileReader(BytesIO(content))
        embedded = [s for s in reader.embedded_signatures if s.field_name == SIGNATURE_FIELD]
    except Exception:  # a file that is no PDF at all, or one broken beyond reading
        return {"signed": False, "intact": False, "trusted": False, "signer": ""}
    if not embedded:
        return {"signed": False, "intact": False, "trusted": False, "signer": ""}
    _, cert_path, _ = signing_files()
    own = x509.load_pem_x509_certificate(cert_path.read_bytes())
    from asn1crypto import x509 as asn1_x509

    trust_root = asn1_x509.Certificate.load(own.public_bytes(serialization.Encoding.DER))
    context = ValidationContext(trust_roots=[trust_root], allow_fetching=False)
    try:
        status = validate_pdf_signature(embedded[0], context)
    except Exception:
        return {"signed": True, "intact": False, "trusted": False, "signer": ""}
    covers_all = status.coverage is not None and status.coverage.name in {
        "ENTIRE_FILE",
        "ENTIRE_REVISION",
    }
    return {
        "signed": True,
        "intact": bool(status.intact and status.valid and covers_all),
        "trusted": bool(status.trusted),
        "signer": status.signing_cert.subject.human_friendly,
    }

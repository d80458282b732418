"""Evidence files opened, not only sniffed: PDFs parsed for active content, images decoded and
re-encoded without their metadata. Each refusal is a ServiceError with a message for the user."""

import io
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any

from PIL import Image, ImageFile, ImageOps, JpegImagePlugin
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from applicants.errors import (
    EVIDENCE_IMAGE_BROKEN,
    EVIDENCE_IMAGE_TOO_BIG,
    EVIDENCE_PDF_EMBEDDED,
    EVIDENCE_PDF_ENCRYPTED,
    EVIDENCE_PDF_JAVASCRIPT,
    EVIDENCE_PDF_LAUNCH,
    EVIDENCE_PDF_MALFORMED,
    EVIDENCE_PDF_NO_PAGES,
    EVIDENCE_PDF_TOO_COMPLEX,
    ServiceError,
)
from applicants.files import FileKind

# Bounds on what one upload may cost: a 20 MB evidence PDF is a scan or an export of a few hundred
# pages with a few thousand objects; a hostile one must be refused, not walked for minutes.
PDF_MAX_PAGES = 2_000
PDF_MAX_ITEMS = 1_000_000
PDF_MAX_SECONDS = 10.0

# Keys that hold or trigger scripts: JavaScript actions and name trees, additional (automatic)
# actions of the document, pages, annotations and fields, and XFA forms (which carry scripts).
_SCRIPT_KEYS = frozenset({"/JS", "/JavaScript", "/AA", "/XFA"})
# Keys that hold files inside the PDF: the document's attachments and a file specification's data.
_EMBEDDED_KEYS = frozenset({"/EmbeddedFiles", "/EF", "/RichMediaContent"})
_EMBEDDED_SUBTYPES = frozenset({"/FileAttachment", "/RichMedia"})
_NAMED_KEYS = frozenset({"/S", "/Subtype", "/Type"})
_ACTION_FINDINGS = {
    "/JavaScript": EVIDENCE_PDF_JAVASCRIPT,
    "/RichMediaExecute": EVIDENCE_PDF_JAVASCRIPT,
    "/Launch": EVIDENCE_PDF_LAUNCH,
    "/GoToE": EVIDENCE_PDF_EMBEDDED,
}


def check_pdf(stream: IO[bytes], *, field: str | None = None) -> None:
    """Refuse a PDF that does not parse, has no pages, is encrypted, too complex, or active.

    Active means JavaScript, automatic actions, launch actions or embedded files anywhere in the
    objects reachable from the trailer; page content streams are not decoded (they cannot act).
    """
    stream.seek(0)
    try:
        reader = PdfReader(stream, strict=False)
        if reader.is_encrypted:
            raise ServiceError(EVIDENCE_PDF_ENCRYPTED, field=field)
        pages = reader.root_object["/Pages"]
        if not isinstance(pages, DictionaryObject):
            raise ServiceError(EVIDENCE_PDF_MALFORMED, field=field)
        # The declared count first: flattening a page tree of a million pages is itself the attack.
        count = pages.get("/Count", 0)
        declared = count.get_object() if isinstance(count, IndirectObject) else count
        if not isinstance(declared, int):
            raise ServiceError(EVIDENCE_PDF_MALFORMED, field=field)
        if declared > PDF_MAX_PAGES:
            raise ServiceError(_too_complex(), field=field)
        page_count = len(reader.pages)
        if page_count > PDF_MAX_PAGES:
            raise ServiceError(_too_complex(), field=field)
        if page_count == 0:
            raise ServiceError(EVIDENCE_PDF_NO_PAGES, field=field)
        finding = _active_content(reader.trailer)
    except ServiceError:
        raise
    except Exception:
        # pypdf's own errors, and anything a broken file makes it trip over (KeyError, recursion…).
        raise ServiceError(EVIDENCE_PDF_MALFORMED, field=field) from None
    finally:
        stream.seek(0)
    if finding is not None:
        raise ServiceError(finding, field=field)


def _too_complex() -> str:
    return str(EVIDENCE_PDF_TOO_COMPLEX % {"pages": f"{PDF_MAX_PAGES:,}"})


class _TooComplex(Exception):
    pass


def _active_content(trailer: DictionaryObject) -> object | None:
    """The refusal message for the first active thing found, or None; bounded in items and time."""
    try:
        for key, value in _walk(trailer):
            if key in _SCRIPT_KEYS:
                return EVIDENCE_PDF_JAVASCRIPT
            if key in _EMBEDDED_KEYS:
                return EVIDENCE_PDF_EMBEDDED
            if key == "/S" and value in _ACTION_FINDINGS:
                return _ACTION_FINDINGS[value]
            if key == "/Subtype" and value in _EMBEDDED_SUBTYPES:
                return EVIDENCE_PDF_EMBEDDED
            if key == "/Type" and value == "/EmbeddedFile":
                return EVIDENCE_PDF_EMBEDDED
    except _TooComplex:
        return _too_complex()
    return None


def _walk(root: DictionaryObject) -> Iterator[tuple[str, Any]]:
    """Every (key, value) of every dictionary reachable from root, each indirect object once.

    Iterative (a deep PDF cannot exhaust the call stack) and bounded by PDF_MAX_ITEMS and
    PDF_MAX_SECONDS; a stream's dictionary is visited, its data never decoded.
    """
    deadline = time.monotonic() + PDF_MAX_SECONDS
    seen: set[tuple[int, int]] = set()
    stack: list[Any] = [root]
    items = 0
    while stack:
        node = stack.pop()
        items += 1
        if items > PDF_MAX_ITEMS or (items % 1024 == 0 and time.monotonic() > deadline):
            raise _TooComplex
        if isinstance(node, IndirectObject):
            ref = (node.idnum, node.generation)
            if ref in seen:
                continue
            seen.add(ref)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            for key, value in node.items():
                # A name behind a reference (/S 7 0 R) still names the action a viewer runs.
                if key in _NAMED_KEYS and isinstance(value, IndirectObject):
                    yield str(key), value.get_object()
                else:
                    yield str(key), value
                if isinstance(value, IndirectObject | DictionaryObject | ArrayObject):
                    stack.append(value)
        elif isinstance(node, ArrayObject):
            stack.extend(
                v for v in node if isinstance(v, IndirectObject | DictionaryObject | ArrayObject)
            )


_PIL_FORMATS = {"image/jpeg": ("JPEG", "MPO"), "image/png": ("PNG",)}


def clean_image(stream: IO[bytes], kind: FileKind, *, field: str | None = None) -> bytes:
    """The image decoded and re-encoded in its own format, without EXIF, XMP, ICC or text chunks.

    The EXIF orientation is applied to the pixels first, so the picture still stands upright
    once the tag is gone. Refuses what does not decode and images over Pillow's MAX_IMAGE_PIXELS.
    """
    formats = _PIL_FORMATS[kind.content_type]
    stream.seek(0)
    try:
        with _complete_decoding(), Image.open(stream, formats=list(formats)) as image:
            width, height = image.size
            if width * height > (Image.MAX_IMAGE_PIXELS or 0) > 0:
                raise ServiceError(_too_big(), field=field)
            image.load()
            upright = ImageOps.exif_transpose(image)
            out = io.BytesIO()
            if kind.content_type == "image/jpeg":
                _save_jpeg(image, upright, out)
            else:
                _save_png(upright, out)
    except ServiceError:
        raise
    except Image.DecompressionBombError:
        raise ServiceError(_too_big(), field=field) from None
    except Exception:
        # Pillow's UnidentifiedImageError, a truncated file's OSError, a bad header's ValueError…
        raise ServiceError(EVIDENCE_IMAGE_BROKEN, field=field) from None
    finally:
        stream.seek(0)
    return out.getvalue()


_decoding_flag = threading.Lock()


@contextmanager
def _complete_decoding() -> Iterator[None]:
    """Pillow as strict as it is by default, for as long as one evidence image is decoded.

    Importing WeasyPrint sets ImageFile.LOAD_TRUNCATED_IMAGES = True for the whole process, and
    then Pillow silently accepts truncated and corrupt data. The flag is a module global, so it is
    switched under a lock and put back; sync workers have one thread, so the lock costs nothing.
    """
    with _decoding_flag:
        saved = ImageFile.LOAD_TRUNCATED_IMAGES
        ImageFile.LOAD_TRUNCATED_IMAGES = False
        try:
            yield
        finally:
            ImageFile.LOAD_TRUNCATED_IMAGES = saved


def _too_big() -> str:
    megapixels = (Image.MAX_IMAGE_PIXELS or 0) // 1_000_000
    return str(EVIDENCE_IMAGE_TOO_BIG % {"megapixels": megapixels})


def _save_jpeg(original: Image.Image, upright: Image.Image, out: io.BytesIO) -> None:
    clean = upright.copy()
    clean.info = {}  # EXIF (with GPS), XMP, ICC, comments: none is carried into the saved file
    options: dict[str, Any] = {}
    # The source's own quantisation and subsampling, so re-encoding loses as little as it can.
    qtables = getattr(original, "quantization", None)
    if qtables:
        options["qtables"] = qtables
    sampling = JpegImagePlugin.get_sampling(original)
    if sampling != -1:
        options["subsampling"] = sampling
    clean.save(out, "JPEG", **options)


def _save_png(upright: Image.Image, out: io.BytesIO) -> None:
    clean = upright.copy()
    # Transparency is part of the picture; everything else in info is metadata (tEXt, iTXt, eXIf…).
    clean.info = {k: v for k, v in upright.info.items() if k == "transparency"}
    clean.save(out, "PNG")

"""Evidence files are parsed, not only sniffed: active or broken PDFs are refused, images lose
their metadata (EXIF with GPS, XMP, ICC, text chunks) but keep their pixels."""

import hashlib
import io
import struct
import zlib

import pytest
from django.urls import reverse
from PIL import Image, ImageChops, ImageCms, ImageStat
from PIL.PngImagePlugin import PngInfo
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

from applicants import evidence_checks
from applicants.errors import (
    EVIDENCE_IMAGE_BROKEN,
    EVIDENCE_PDF_EMBEDDED,
    EVIDENCE_PDF_ENCRYPTED,
    EVIDENCE_PDF_JAVASCRIPT,
    EVIDENCE_PDF_LAUNCH,
    EVIDENCE_PDF_MALFORMED,
    EVIDENCE_PDF_NO_PAGES,
    ServiceError,
)
from applicants.evidence_checks import check_pdf, clean_image
from applicants.files import EVIDENCE_KINDS
from applicants.models import Application, CaseEvent, EvidenceFile
from applicants.services.applications import ApplicationInput, application_create
from applicants.services.evidence import evidence_add
from tests.factories import TINY_PDF, sign_in, tiny_png, upload

JPEG, PNG = EVIDENCE_KINDS[1], EVIDENCE_KINDS[2]
FIELD = "evidence__approval_notice"


# --- PDFs built in the test with pypdf's writer -------------------------------------------------


def _pdf(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _writer(pages: int = 1) -> PdfWriter:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(595, 842)
    return writer


def _refusal(content: bytes) -> str:
    with pytest.raises(ServiceError) as error:
        check_pdf(io.BytesIO(content))
    return str(error.value.message)


def _with_javascript() -> bytes:
    # pypdf 7 replaced add_js with this: a document-level JavaScript name tree all the same.
    writer = _writer()
    writer.add_open_action(JavaScript("app.alert('hi');"))
    return _pdf(writer)


def _with_launch_open_action(*, indirect_name: bool = False) -> bytes:
    writer = _writer()
    action_type = NameObject("/Launch")
    action = DictionaryObject(
        {
            NameObject("/S"): writer._add_object(action_type) if indirect_name else action_type,
            NameObject("/F"): TextStringObject("C:\\Windows\\System32\\calc.exe"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _pdf(writer)


def _with_annotation(annotation: dict) -> bytes:
    writer = _writer()
    rect = ArrayObject([FloatObject(v) for v in (10, 10, 100, 100)])
    annot = DictionaryObject({NameObject("/Type"): NameObject("/Annot"), NameObject("/Rect"): rect})
    annot.update({NameObject(k): v for k, v in annotation.items()})
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annot)])
    return _pdf(writer)


def test_a_normal_pdf_is_accepted():
    check_pdf(io.BytesIO(_pdf(_writer(3))))
    check_pdf(io.BytesIO(TINY_PDF))


def test_a_pdf_with_javascript_is_refused():
    assert _refusal(_with_javascript()) == EVIDENCE_PDF_JAVASCRIPT


def test_an_open_action_with_javascript_is_refused():
    writer = _writer()
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    assert _refusal(_pdf(writer)) == EVIDENCE_PDF_JAVASCRIPT


def test_an_encrypted_pdf_is_refused():
    writer = _writer()
    writer.encrypt("x")
    assert _refusal(_pdf(writer)) == EVIDENCE_PDF_ENCRYPTED


def test_an_encrypted_pdf_with_an_empty_user_password_is_refused_too():
    # Opens without asking, but its owner password still hides what it restricts.
    writer = _writer()
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-256")
    assert _refusal(_pdf(writer)) == EVIDENCE_PDF_ENCRYPTED


def test_a_pdf_with_an_embedded_file_is_refused():
    writer = _writer()
    writer.add_attachment("payload.exe", b"MZ\x90\x00")
    assert _refusal(_pdf(writer)) == EVIDENCE_PDF_EMBEDDED


def test_a_launch_open_action_is_refused():
    assert _refusal(_with_launch_open_action()) == EVIDENCE_PDF_LAUNCH


def test_a_launch_action_named_through_a_reference_is_refused():
    assert _refusal(_with_launch_open_action(indirect_name=True)) == EVIDENCE_PDF_LAUNCH


def test_an_open_action_that_only_goes_to_the_first_page_is_accepted():
    writer = _writer()
    first = writer.pages[0].indirect_reference
    writer._root_object[NameObject("/OpenAction")] = ArrayObject([first, NameObject("/Fit")])
    check_pdf(io.BytesIO(_pdf(writer)))


def test_annotations_that_run_javascript_or_launch_or_attach_are_refused():
    link = {"/Subtype": NameObject("/Link")}
    javascript = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("1")}
    )
    launch = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )
    assert _refusal(_with_annotation({**link, "/A": javascript})) == EVIDENCE_PDF_JAVASCRIPT
    assert _refusal(_with_annotation({**link, "/A": launch})) == EVIDENCE_PDF_LAUNCH
    attachment = {"/Subtype": NameObject("/FileAttachment")}
    assert _refusal(_with_annotation(attachment)) == EVIDENCE_PDF_EMBEDDED


def test_a_web_link_annotation_is_accepted():
    uri = DictionaryObject(
        {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("https://a.b")}
    )
    check_pdf(io.BytesIO(_with_annotation({"/Subtype": NameObject("/Link"), "/A": uri})))


def test_additional_actions_on_a_page_are_refused():
    writer = _writer()
    go_to = DictionaryObject({NameObject("/S"): NameObject("/GoTo")})
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): go_to})
    assert _refusal(_pdf(writer)) == EVIDENCE_PDF_JAVASCRIPT


def test_truncated_garbage_behind_a_pdf_header_is_refused():
    assert _refusal(b"%PDF-1.7\n" + bytes(range(256)) * 40) == EVIDENCE_PDF_MALFORMED
    whole = _pdf(_writer(2))
    assert _refusal(whole[: len(whole) // 2]) == EVIDENCE_PDF_MALFORMED


def test_a_pdf_without_pages_is_refused():
    writer = PdfWriter()
    assert _refusal(_pdf(writer)) == EVIDENCE_PDF_NO_PAGES


def test_more_than_2000_pages_is_too_complex():
    assert evidence_checks.PDF_MAX_PAGES == 2_000
    check_pdf(io.BytesIO(_pdf(_writer(2_000))))
    assert "超过 2,000 页" in _refusal(_pdf(_writer(2_001)))


def test_a_page_tree_that_claims_a_million_pages_is_refused_before_it_is_flattened():
    writer = _writer()
    writer._root_object["/Pages"].get_object()[NameObject("/Count")] = NumberObject(1_000_000)
    assert "超过 2,000 页" in _refusal(_pdf(writer))


def test_a_reference_cycle_ends_the_walk():
    writer = _writer()
    loop = DictionaryObject()
    loop_ref = writer._add_object(loop)
    loop[NameObject("/Next")] = loop_ref
    loop[NameObject("/Self")] = ArrayObject([loop_ref, loop_ref])
    writer._root_object[NameObject("/Loop")] = loop_ref
    check_pdf(io.BytesIO(_pdf(writer)))


def test_the_walk_is_bounded_in_items_and_in_time(monkeypatch):
    content = _pdf(_writer(300))
    monkeypatch.setattr(evidence_checks, "PDF_MAX_ITEMS", 500)
    assert "内部结构过多" in _refusal(content)
    monkeypatch.setattr(evidence_checks, "PDF_MAX_ITEMS", 1_000_000)
    monkeypatch.setattr(evidence_checks, "PDF_MAX_SECONDS", -1.0)
    assert "内部结构过多" in _refusal(content)


def test_deeply_nested_arrays_are_refused_not_crashed_on():
    depth = 50_000
    body = b"[" * depth + b"]" * depth
    content = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R/Deep " + body + b">>endobj\n"
        b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    assert _refusal(content) in {EVIDENCE_PDF_MALFORMED, EVIDENCE_PDF_NO_PAGES}


# --- images: decoded with Pillow, re-encoded without metadata -----------------------------------


def _photo(size=(64, 48)) -> Image.Image:
    image = Image.new("RGB", size)
    image.putdata(
        [(x * 4 % 256, y * 5 % 256, (x + y) % 256) for y in range(size[1]) for x in range(size[0])]
    )
    return image


def _jpeg_with_exif(image: Image.Image, *, orientation: int = 1) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "手机厂商"  # Make
    exif[0x0112] = orientation
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (32.0, 7.0, 30.0)  # GPSLatitudeRef, GPSLatitude: 信阳
    gps[3], gps[4] = "E", (114.0, 4.0, 12.0)
    out = io.BytesIO()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    image.save(
        out,
        "JPEG",
        quality=90,
        exif=exif,
        icc_profile=icc,
        xmp=b"<x:xmpmeta><rdf:Description photoshop:City='Xinyang'/></x:xmpmeta>",
    )
    return out.getvalue()


def _mean_difference(a: Image.Image, b: Image.Image) -> float:
    return max(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean)


def test_a_jpeg_loses_its_exif_gps_xmp_and_icc_but_keeps_size_and_pixels():
    original = _jpeg_with_exif(_photo())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    cleaned = clean_image(io.BytesIO(original), JPEG)
    image = Image.open(io.BytesIO(cleaned))
    assert image.format == "JPEG"
    assert image.size == (64, 48)
    assert not image.getexif()
    assert {"exif", "xmp", "icc_profile"}.isdisjoint(image.info)
    assert b"Exif" not in cleaned
    assert b"Xinyang" not in cleaned
    assert _mean_difference(image, Image.open(io.BytesIO(original))) < 1.0


def test_a_jpeg_is_turned_upright_before_its_orientation_tag_is_dropped():
    photo = _photo((64, 48))
    # Orientation 6: the camera stored it on its side; a viewer turns it 90° clockwise.
    cleaned = Image.open(
        io.BytesIO(clean_image(io.BytesIO(_jpeg_with_exif(photo, orientation=6)), JPEG))
    )
    assert cleaned.size == (48, 64)
    upright = photo.transpose(Image.Transpose.ROTATE_270)
    assert _mean_difference(cleaned, upright) < 3.0


def test_a_png_loses_its_text_chunks_and_keeps_every_pixel():
    image = Image.new("RGBA", (20, 10), (10, 20, 30, 128))
    image.putpixel((3, 4), (255, 0, 0, 0))
    info = PngInfo()
    info.add_text("Author", "Zhang San")  # Latin-1, so a tEXt chunk
    info.add_itxt("Comment", "内部资料，勿外传")
    out = io.BytesIO()
    image.save(out, "PNG", pnginfo=info)
    original = out.getvalue()
    assert b"tEXt" in original
    assert b"iTXt" in original
    cleaned = clean_image(io.BytesIO(original), PNG)
    assert b"tEXt" not in cleaned
    assert b"iTXt" not in cleaned
    result = Image.open(io.BytesIO(cleaned))
    assert (result.size, result.mode) == ((20, 10), "RGBA")
    assert result.tobytes() == image.tobytes()
    assert not {k for k in result.info if k != "transparency"} & {"Author", "Comment"}


def test_a_palette_png_keeps_its_transparent_colour():
    image = Image.new("P", (4, 4), 1)
    image.putpalette([0, 0, 0, 255, 255, 255] + [0] * 762)
    out = io.BytesIO()
    image.save(out, "PNG", transparency=1)
    result = Image.open(io.BytesIO(clean_image(io.BytesIO(out.getvalue()), PNG)))
    assert result.info.get("transparency") == 1
    assert result.convert("RGBA").getpixel((0, 0))[3] == 0


def test_an_already_clean_png_comes_back_byte_for_byte():
    assert clean_image(io.BytesIO(tiny_png()), PNG) == tiny_png()


def _png_header_only(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00"))


# Pillow warns when opening the second; the warning is not what refuses it.
@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")
@pytest.mark.parametrize(
    ("width", "height"),
    [(100_000, 100_000), (10_000, 9_000)],  # past Pillow's hard limit; past its warning only
)
def test_a_decompression_bomb_is_refused_from_its_header(width, height):
    assert width * height > Image.MAX_IMAGE_PIXELS
    with pytest.raises(ServiceError) as error:
        clean_image(io.BytesIO(_png_header_only(width, height)), PNG)
    assert "百万像素" in str(error.value.message)


def test_a_truncated_or_undecodable_image_is_refused():
    whole = _jpeg_with_exif(_photo((200, 200)))
    for broken in (whole[: len(whole) // 2], b"\xff\xd8\xff" + b"\x00" * 100):
        with pytest.raises(ServiceError) as error:
            clean_image(io.BytesIO(broken), JPEG)
        assert error.value.message == EVIDENCE_IMAGE_BROKEN
    with pytest.raises(ServiceError) as error:
        clean_image(io.BytesIO(tiny_png()[:40]), PNG)
    assert error.value.message == EVIDENCE_IMAGE_BROKEN


def test_a_truncated_image_is_refused_even_after_weasyprint_relaxed_pillow(monkeypatch):
    from PIL import ImageFile

    # What `import weasyprint` does to the whole process.
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    whole = _jpeg_with_exif(_photo((200, 200)))
    with pytest.raises(ServiceError) as error:
        clean_image(io.BytesIO(whole[: len(whole) // 2]), JPEG)
    assert error.value.message == EVIDENCE_IMAGE_BROKEN
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # put back for WeasyPrint


# --- through the service and the page ------------------------------------------------------------


def _draft(user):
    return application_create(
        actor=user, item="honor_provincial", data=ApplicationInput(project_name="项目")
    )


@pytest.mark.django_db
def test_the_service_refuses_an_active_pdf_with_the_field_and_stores_nothing(enterprise_user):
    case = _draft(enterprise_user)
    with pytest.raises(ServiceError) as error:
        evidence_add(
            actor=enterprise_user,
            application_id=case.pk,
            kind="approval_notice",
            upload=upload("通知.pdf", _with_javascript()),
        )
    assert (error.value.message, error.value.field) == (EVIDENCE_PDF_JAVASCRIPT, FIELD)
    assert not EvidenceFile.objects.exists()
    assert not CaseEvent.objects.filter(action="evidence_added").exists()


@pytest.mark.django_db
def test_the_service_stores_a_normal_pdf_as_uploaded(enterprise_user):
    content = _pdf(_writer(2))
    case = _draft(enterprise_user)
    evidence = evidence_add(
        actor=enterprise_user,
        application_id=case.pk,
        kind="approval_notice",
        upload=upload("通知.pdf", content),
    )
    with evidence.file.open("rb") as stored:
        assert stored.read() == content
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()


@pytest.mark.django_db
def test_the_service_stores_the_cleaned_image_and_hashes_and_audits_what_it_stored(
    enterprise_user,
):
    original = _jpeg_with_exif(_photo())
    case = _draft(enterprise_user)
    evidence = evidence_add(
        actor=enterprise_user,
        application_id=case.pk,
        kind="approval_notice",
        upload=upload("现场照片.jpg", original, "image/jpeg"),
    )
    with evidence.file.open("rb") as stored:
        kept = stored.read()
    assert kept != original
    assert not Image.open(io.BytesIO(kept)).getexif()
    assert (evidence.size, evidence.sha256) == (len(kept), hashlib.sha256(kept).hexdigest())
    assert evidence.content_type == "image/jpeg"
    event = CaseEvent.objects.get(action="evidence_added")
    assert (event.data["size"], event.data["sha256"]) == (evidence.size, evidence.sha256)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        (_with_javascript(), EVIDENCE_PDF_JAVASCRIPT),
        (_with_launch_open_action(), EVIDENCE_PDF_LAUNCH),
        (b"%PDF-1.4\n\x00\x01garbage", EVIDENCE_PDF_MALFORMED),
    ],
    ids=["javascript", "launch", "malformed"],
)
def test_the_form_re_renders_with_the_message_and_keeps_the_typed_values(
    client, enterprise_user, content, message
):
    sign_in(client, enterprise_user)
    response = client.post(
        reverse("applicants:new", args=["honor_provincial"]),
        {"action": "save", "project_name": "保留我", FIELD: upload("通知.pdf", content)},
    )
    assert response.status_code == 200
    assert response.context["form"].errors[FIELD] == [str(message)]
    page = response.content.decode()
    assert 'value="保留我"' in page
    assert str(message).split("，")[0] in page
    assert not EvidenceFile.objects.exists()
    assert not Application.objects.exists()  # the draft went with the refused file


@pytest.mark.django_db
def test_editing_a_draft_with_an_active_pdf_changes_nothing(client, enterprise_user):
    case = _draft(enterprise_user)
    sign_in(client, enterprise_user)
    response = client.post(
        reverse("applicants:edit", args=[case.pk]),
        {
            "action": "save",
            "project_name": "改过的名称",
            FIELD: upload("通知.pdf", _with_javascript()),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors[FIELD] == [str(EVIDENCE_PDF_JAVASCRIPT)]
    case.refresh_from_db()
    assert case.project_name == "项目"
    assert not EvidenceFile.objects.exists()


@pytest.mark.django_db
def test_the_form_refuses_a_bomb_and_a_broken_image(client, enterprise_user):
    sign_in(client, enterprise_user)
    url = reverse("applicants:new", args=["honor_provincial"])
    bomb = upload("大图.png", _png_header_only(100_000, 100_000), "image/png")
    response = client.post(url, {"action": "save", "project_name": "图", FIELD: bomb})
    assert response.status_code == 200
    assert "百万像素" in response.context["form"].errors[FIELD][0]
    broken = upload("坏图.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 50, "image/jpeg")
    response = client.post(url, {"action": "save", "project_name": "图", FIELD: broken})
    assert response.context["form"].errors[FIELD] == [str(EVIDENCE_IMAGE_BROKEN)]
    assert not EvidenceFile.objects.exists()


@pytest.mark.django_db
def test_an_upload_through_the_page_is_stored_without_its_exif(client, enterprise_user):
    sign_in(client, enterprise_user)
    response = client.post(
        reverse("applicants:new", args=["honor_provincial"]),
        {
            "action": "save",
            "project_name": "带定位的照片",
            FIELD: upload("IMG_0001.jpg", _jpeg_with_exif(_photo()), "image/jpeg"),
        },
    )
    assert response.status_code == 302
    evidence = EvidenceFile.objects.get()
    with evidence.file.open("rb") as stored:
        image = Image.open(io.BytesIO(stored.read()))
        assert image.size == (64, 48)
        assert not image.getexif()
    download = client.get(reverse("applicants:evidence", args=[evidence.pk]))
    assert download["Content-Type"] == "image/jpeg"
    assert b"Exif" not in b"".join(download.streaming_content)

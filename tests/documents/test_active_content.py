"""The upload corpus of issue 16: files that could carry active content are refused with a Chinese
message and nothing is stored — a PDF with JavaScript, an open action, a launch action or an
embedded file; a JPEG/HTML polyglot; a 1×50000 PNG; a file name with markup."""

import io
import random

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from documents.evidence.validation import _POLYGLOT
from documents.models import Evidence
from documents.storage import walk

from . import files
from .conftest import MODEL_BACKEND


@pytest.fixture
def clerk(client, cast):
    client.force_login(cast["clerk_a"], backend=MODEL_BACKEND)
    return client


def upload(client, household, name, content, kind="current_house_photo"):
    data = {"stage": "apply", "kind": kind, "file": SimpleUploadedFile(name, content)}
    return client.post(reverse("documents:evidence_household", args=[household.pk]), data)


def assert_nothing_stored():
    assert not Evidence.objects.exists()
    assert list(walk("evidence")) == []


def pdf_with(change) -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    change(writer)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def open_action_launch(writer):
    writer._root_object[NameObject("/OpenAction")] = DictionaryObject({
        NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")})


def document_javascript(writer):
    # A document-level script in the name tree, as Acrobat runs it when the file opens.
    action = DictionaryObject({NameObject("/S"): NameObject("/JavaScript"),
                               NameObject("/JS"): TextStringObject("app.alert('x');")})
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): DictionaryObject({
        NameObject("/Names"): ArrayObject([TextStringObject("init"), writer._add_object(action)])})})


def page_action(writer):
    # Additional actions on a page (run when the page opens), inside the page tree.
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): DictionaryObject({
        NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert(1)")})})


ACTIVE_PDFS = {
    "javascript": (document_javascript, "JavaScript"),
    "embedded file": (lambda w: w.add_attachment("payload.exe", b"MZ\x90\x00"), "EmbeddedFile"),
    "launch on open": (open_action_launch, "OpenAction"),
    "page action": (page_action, "AA"),
}


@pytest.mark.parametrize("what", ACTIVE_PDFS)
def test_a_pdf_with_active_content_is_refused(clerk, family_a, what):
    change, named = ACTIVE_PDFS[what]
    response = upload(clerk, family_a, "scan.pdf", pdf_with(change), kind="signed_application")
    assert response.status_code == 400
    page = response.content.decode()
    assert "PDF 文件含有脚本、自动动作或嵌入文件" in page and named in page
    assert_nothing_stored()


def test_a_plain_pdf_is_still_accepted(clerk, family_a):
    response = upload(clerk, family_a, "scan.pdf", files.pdf(), kind="signed_application")
    assert response.status_code == 302
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize("polyglot", [
    files.jpeg() + b"<html><body><script>alert(document.cookie)</script></body></html>",  # after EOI
    files.jpeg()[:2] + b"\xff\xfe\x00\x2b<script>alert(1)</script><!-- comment seg -->  " + files.jpeg()[2:],
    files.jpeg() + b"PK\x03\x04 a zip appended",
])
def test_a_jpeg_html_polyglot_is_refused(clerk, family_a, polyglot):
    response = upload(clerk, family_a, "photo.jpg", polyglot)
    assert response.status_code == 400
    assert "图片中夹带了网页代码或图片结束后的附加数据" in response.content.decode()
    assert_nothing_stored()


def test_a_one_by_fifty_thousand_png_is_refused(clerk, family_a):
    buffer = io.BytesIO()
    Image.new("L", (1, 50000), 255).save(buffer, format="PNG")
    response = upload(clerk, family_a, "strip.png", buffer.getvalue())
    assert response.status_code == 400
    assert "图片尺寸异常（1×50000 像素，长宽比超过 20:1）" in response.content.decode()
    assert_nothing_stored()


def test_a_long_receipt_scan_within_the_ratio_is_accepted(clerk, family_a):
    buffer = io.BytesIO()
    Image.new("RGB", (200, 1600), (250, 250, 250)).save(buffer, format="PNG")
    assert upload(clerk, family_a, "receipt.png", buffer.getvalue()).status_code == 302


@pytest.mark.parametrize("name", ['<img src=x onerror=alert(1)>.jpg', 'photo"><script>.jpg', "a`b`.jpg"])
def test_a_file_name_with_markup_is_refused_and_not_repeated(clerk, family_a, name):
    response = upload(clerk, family_a, name, files.jpeg())
    assert response.status_code == 400
    page = response.content.decode()
    assert "文件名不合法：不得包含 &lt; &gt;" in page or "文件名不合法：不得包含 < >" in page
    assert "onerror" not in page and "<script>" not in page and "a`b`" not in page
    assert_nothing_stored()


def _noise_jpeg_with_markup_bytes_in_its_picture() -> bytes:
    """A photo-like JPEG (noise compresses like a real photo) whose compressed picture data contains
    "<a " or "<img"-like bytes by chance, as multi-megabyte phone photos commonly do."""
    rng = random.Random(7)
    for _ in range(200):
        image = Image.frombytes("RGB", (480, 360), rng.randbytes(480 * 360 * 3))
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=90)
        data = buffer.getvalue()
        if _POLYGLOT.search(data):
            return data
    raise AssertionError("no noise JPEG with markup-like bytes found")


def test_a_photo_whose_picture_bytes_look_like_markup_by_chance_is_accepted(clerk, family_a):
    response = upload(clerk, family_a, "photo.jpg", _noise_jpeg_with_markup_bytes_in_its_picture())
    assert response.status_code == 302
    assert Evidence.objects.count() == 1


def test_a_png_with_a_script_in_a_text_chunk_is_refused(clerk, family_a):
    info = PngImagePlugin.PngInfo()
    info.add_text("Comment", "<script>alert(1)</script>")
    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), (0, 128, 0)).save(buffer, "PNG", pnginfo=info)
    response = upload(clerk, family_a, "photo.png", buffer.getvalue())
    assert response.status_code == 400
    assert "图片中夹带了网页代码" in response.content.decode()
    assert_nothing_stored()

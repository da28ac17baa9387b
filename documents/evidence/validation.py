"""What an upload really is: decided from its bytes, never from its name.

Accepted: JPEG and PNG images (opened and fully decoded by Pillow) and PDF files (parsed by
pypdf). Refused, each with a message officials can act on: empty files, files over
EVIDENCE_MAX_UPLOAD_BYTES, other types, a name whose extension contradicts the content, names
carrying a path, images that do not decode to the end, PDFs that do not parse or are encrypted.

Active content is refused, never stripped (issue 16): evidence is archived as submitted, its
SHA-256/SM3 taken of the bytes the official sent (DA/T 70 authenticity); a cleaned copy would be a
file nobody submitted, and a photo re-encoded would lose the EXIF time and place it proves. So:
a PDF with JavaScript, an open action, additional actions, a launch or submit action, embedded
files, rich media or an XFA form; a JPEG/PNG carrying markup (an HTML/SVG polyglot) or bytes
after its end marker; an image with an extreme aspect ratio (1×50000); a file name with markup.
The official gets a Chinese message saying what to do instead (print to PDF, re-export, rename).
"""

import datetime
import logging
import os
import re
import warnings
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from PIL import ExifTags, Image, ImageFile
from pypdf import PdfReader

JPEG, PNG, PDF = "image/jpeg", "image/png", "application/pdf"
SIGNATURES = ((b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG), (b"%PDF-", PDF))
EXTENSIONS = {JPEG: ("jpg", "jpeg"), PNG: ("png",), PDF: ("pdf",)}
TYPE_LABELS = {JPEG: "JPEG 图片", PNG: "PNG 图片", PDF: "PDF 文件"}
PILLOW_FORMATS = {JPEG: "JPEG", PNG: "PNG"}
logger = logging.getLogger(__name__)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# Characters that make a name markup in a page or a header: never accepted in a file name.
_MARKUP = re.compile(r"[<>\"`]")
# Names in a PDF that run something or carry something (ISO 32000-1 §12.6 actions, §7.11.4
# embedded files, §12.7.8 XFA, Adobe's RichMedia annotations).
PDF_ACTIVE_KEYS = {"/JavaScript", "/JS", "/OpenAction", "/AA", "/Launch", "/EmbeddedFiles", "/EmbeddedFile",
                   "/RichMedia", "/XFA", "/SubmitForm", "/ImportData", "/GoToE", "/GoToR"}
# Markup a browser would run if it ever took the file for HTML or SVG (an image/HTML polyglot).
_POLYGLOT = re.compile(rb"<\s*(script|html|body|svg|iframe|object|embed|img|a\s|meta|style|link|form|\?xml)|javascript:",
                       re.IGNORECASE)
PDF_OBJECT_LIMIT = 500_000


def _reject(code: str, message: str, **params):
    raise ValidationError(message, code=code, params=params or None)


@dataclass(frozen=True)
class Inspected:
    content_type: str
    extension: str
    width: int | None = None
    height: int | None = None
    pages: int | None = None
    captured_at: datetime.datetime | None = None
    gps_latitude: Decimal | None = None
    gps_longitude: Decimal | None = None


def check_client_name(name: str) -> str:
    """The uploader's file name, kept as a label only. A name carrying a path is refused
    outright: it is either a broken client or an attempt at one."""
    name = (name or "").strip()
    if not name:
        _reject("name_missing", "文件名为空，请重新选择文件。")
    if "/" in name or "\\" in name or name in (".", "..") or name.startswith("..") or _CONTROL.search(name):
        _reject("name_path", "文件名不合法：不得包含路径或特殊字符（如 “../”、“/”、“\\”），请重命名后再上传。")
    if _MARKUP.search(name):
        # The name is shown on pages and in the archive's catalogue: refused, and not repeated here.
        _reject("name_markup", "文件名不合法：不得包含 < > \" ` 等符号，请重命名后再上传。")
    if len(name) > 200:
        _reject("name_long", "文件名过长（超过200个字符），请重命名后再上传。")
    return name


def check_size(size: int) -> None:
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if size == 0:
        _reject("empty", "文件为空（0字节），请重新选择文件。")
    if size > limit:
        _reject("too_large", "文件大小 %(size)s 超过上限 %(limit)s，请压缩后再上传。",
                size=_human(size), limit=_human(limit))


def _human(n: int) -> str:
    return f"{n / 1024 / 1024:.2f} MB" if n % (1024 * 1024) else f"{n // (1024 * 1024)} MB"


def sniff(head: bytes) -> str:
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    _reject("type", "不支持的文件类型：只接受 JPEG、PNG 图片和 PDF 文件（按文件内容识别，与扩展名无关）。")


def inspect_upload(upload, name: str) -> Inspected:
    """Validate an uploaded file object (Django UploadedFile or any binary file) of known name."""
    check_size(upload.size)
    upload.seek(0)
    content_type = sniff(upload.read(16))
    extension = os.path.splitext(name)[1].lower().lstrip(".")
    if extension not in EXTENSIONS[content_type]:
        _reject("extension_mismatch", "文件扩展名“.%(ext)s”与文件内容（%(actual)s）不符，请确认文件后再上传。",
                ext=extension or "（无）", actual=TYPE_LABELS[content_type])
    upload.seek(0)
    if content_type == PDF:
        result = _inspect_pdf(upload)
    else:
        result = _inspect_image(upload, content_type)
    upload.seek(0)
    return result


def _inspect_image(upload, content_type: str) -> Inspected:
    fmt = PILLOW_FORMATS[content_type]
    _refuse_polyglot(upload, content_type)
    if ImageFile.LOAD_TRUNCATED_IMAGES:
        # A process-wide switch (importing WeasyPrint turns it on; documents/pdf.py turns it
        # off again). With it on, Pillow pads a truncated photo with grey and calls it valid.
        logger.warning("PIL.ImageFile.LOAD_TRUNCATED_IMAGES was on; switching it off for evidence validation")
        ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload, formats=[fmt]) as image:
                image.verify()
            upload.seek(0)
            with Image.open(upload, formats=[fmt]) as image:
                _check_aspect_ratio(*image.size)  # from the header, before decoding any pixel
                image.load()  # decodes every pixel: a truncated file fails here
                width, height = image.size
                exif = image.getexif()
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _reject("image_too_big", "图片像素过多，疑似异常文件，请使用正常拍摄的照片。")
    except Exception:
        _reject("image_broken", "%(label)s已损坏或不完整（无法完整解码），请重新拍摄或导出后再上传。",
                label=TYPE_LABELS[content_type])
    captured_at = _captured_at(exif)
    lat, lon = _gps(exif)
    return Inspected(content_type, EXTENSIONS[content_type][0], width=width, height=height,
                     captured_at=captured_at, gps_latitude=lat, gps_longitude=lon)


def _check_aspect_ratio(width: int, height: int) -> None:
    limit = settings.EVIDENCE_MAX_ASPECT_RATIO
    if min(width, height) < 1 or max(width, height) / min(width, height) > limit:
        _reject("image_aspect", "图片尺寸异常（%(width)s×%(height)s 像素，长宽比超过 %(limit)s:1），"
                "请上传正常拍摄或扫描的图片。", width=width, height=height, limit=limit)


def _image_end(data: bytes, content_type: str) -> int | None:
    """Where the image's own bytes end (JPEG: the last EOI marker; PNG: after the IEND chunk)."""
    if content_type == PNG:
        at = data.rfind(b"IEND")
        return at + 8 if at >= 0 else None  # "IEND" + 4-byte CRC
    at = data.rfind(b"\xff\xd9")
    return at + 2 if at >= 0 else None


def _jpeg_metadata(data: bytes) -> list[bytes]:
    """The JPEG's comment and application segments (COM, APP0–APP15): where text can hide. The
    compressed picture after SOS is not searched: its bytes are noise, and a multi-megabyte phone
    photo contains "<a " or "<img" by chance (the check once refused the demo's own photos)."""
    found, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
            continue
        if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
            continue
        length = int.from_bytes(data[at + 2:at + 4], "big")
        if marker == 0xDA:  # start of scan: entropy-coded data follows
            break
        if marker == 0xFE or 0xE0 <= marker <= 0xEF:
            found.append(data[at + 4:at + 2 + length])
        at += 2 + length
    return found


def _png_metadata(data: bytes) -> list[bytes]:
    """Every PNG chunk but the compressed picture (IDAT) and the fixed header/palette chunks."""
    found, at = [], 8
    while at + 8 <= len(data):
        length = int.from_bytes(data[at:at + 4], "big")
        kind = data[at + 4:at + 8]
        if kind not in (b"IDAT", b"IHDR", b"PLTE", b"IEND"):
            found.append(data[at + 8:at + 8 + length])
        if kind == b"IEND":
            break
        at += 12 + length
    return found


def _refuse_polyglot(upload, content_type: str) -> None:
    """An image that is also a web page: markup in its comments or metadata, or data after its end
    marker (where a browser sniffing the file would find a page)."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    end = _image_end(data, content_type)
    text = _png_metadata(data) if content_type == PNG else _jpeg_metadata(data)
    if any(_POLYGLOT.search(part) for part in text) or (end is not None and data[end:].strip(b"\x00\r\n\t ")):
        _reject("image_polyglot", "图片中夹带了网页代码或图片结束后的附加数据，疑似伪装文件，已拒收。"
                "请用相机或扫描仪重新导出原始图片后再上传。")


def _active_pdf_content(reader) -> set[str]:
    """The active keys (PDF_ACTIVE_KEYS) found in any object reachable from the trailer."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

    found: set[str] = set()
    seen: set[tuple[int, int]] = set()
    stack = [reader.trailer]
    visited = 0
    while stack:
        item = stack.pop()
        visited += 1
        if visited > PDF_OBJECT_LIMIT:
            _reject("pdf_too_complex", "PDF 文件结构过于复杂，无法核验，请重新扫描或另存为普通 PDF 后再上传。")
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        if isinstance(item, DictionaryObject):  # stream objects too: their dictionaries
            for name, value in item.items():
                if name in PDF_ACTIVE_KEYS:
                    found.add(name)
                if name == "/S" and value in ("/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/GoToE",
                                              "/GoToR", "/RichMediaExecute"):
                    found.add(str(value))
                if name not in ("/Parent", "/P"):  # back-references: their targets are reached from above
                    stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return found


def _inspect_pdf(upload) -> Inspected:
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            _reject("pdf_encrypted", "PDF 文件已加密，无法归档核验，请上传未加密的扫描件。")
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018  (touch every page object: a damaged tree fails here)
        active = _active_pdf_content(reader)
    except ValidationError:
        raise
    except Exception:
        _reject("pdf_broken", "PDF 文件已损坏或无法解析，请重新扫描或导出后再上传。")
    if pages == 0:
        _reject("pdf_empty", "PDF 文件没有任何页面。")
    if active:
        _reject("pdf_active", "PDF 文件含有脚本、自动动作或嵌入文件（%(found)s），可能执行恶意代码，已拒收。"
                "请用“打印为 PDF”或扫描仪重新生成不含这些内容的 PDF 后再上传。",
                found="、".join(sorted(k.lstrip("/") for k in active)))
    return Inspected(PDF, "pdf", pages=pages)


# --- EXIF: when and where the photo was taken ----------------------------------------------

def _captured_at(exif) -> datetime.datetime | None:
    """DateTimeOriginal (else DateTime). Cameras write local time without a zone: read it in
    OffsetTimeOriginal when present, else as the project's TIME_ZONE (Asia/Shanghai)."""
    if not exif:
        return None
    sub = exif.get_ifd(ExifTags.IFD.Exif)
    raw = sub.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if not isinstance(raw, str):
        return None
    try:
        value = datetime.datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = sub.get(ExifTags.Base.OffsetTimeOriginal)
    if isinstance(offset, str) and re.fullmatch(r"[+-]\d{2}:\d{2}", offset.strip("\x00 ")):
        sign = 1 if offset[0] == "+" else -1
        hours, minutes = int(offset[1:3]), int(offset[4:6])
        return value.replace(tzinfo=datetime.timezone(sign * datetime.timedelta(hours=hours, minutes=minutes)))
    return timezone.make_aware(value, timezone.get_default_timezone())


def _gps(exif) -> tuple[Decimal | None, Decimal | None]:
    if not exif:
        return None, None
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    try:
        lat = _degrees(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef, "N"), 90)
        lon = _degrees(gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef, "E"), 180)
    except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError):
        return None, None
    return lat, lon


def _degrees(dms, ref, limit: int) -> Decimal:
    d, m, s = (float(x) for x in dms)
    value = d + m / 60 + s / 3600
    if str(ref).strip("\x00 ").upper() in ("S", "W"):
        value = -value
    if abs(value) > limit:
        raise ValueError("out of range")
    return Decimal(f"{value:.6f}")

"""What an upload really is: decided from its bytes, never from its name.

Accepted: JPEG and PNG images (opened and fully decoded by Pillow) and PDF files (parsed by
pypdf). Refused, each with a message officials can act on: empty files, files over
EVIDENCE_MAX_UPLOAD_BYTES, other types, a name whose extension contradicts the content, names
carrying a path, images that do not decode to the end, PDFs that do not parse or are encrypted.
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
                image.load()  # decodes every pixel: a truncated file fails here
                width, height = image.size
                exif = image.getexif()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _reject("image_too_big", "图片像素过多，疑似异常文件，请使用正常拍摄的照片。")
    except Exception:
        _reject("image_broken", "%(label)s已损坏或不完整（无法完整解码），请重新拍摄或导出后再上传。",
                label=TYPE_LABELS[content_type])
    captured_at = _captured_at(exif)
    lat, lon = _gps(exif)
    return Inspected(content_type, EXTENSIONS[content_type][0], width=width, height=height,
                     captured_at=captured_at, gps_latitude=lat, gps_longitude=lon)


def _inspect_pdf(upload) -> Inspected:
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            _reject("pdf_encrypted", "PDF 文件已加密，无法归档核验，请上传未加密的扫描件。")
        pages = len(reader.pages)
        for page in reader.pages:
            page.mediabox  # noqa: B018  (touch every page object: a damaged tree fails here)
    except ValidationError:
        raise
    except Exception:
        _reject("pdf_broken", "PDF 文件已损坏或无法解析，请重新扫描或导出后再上传。")
    if pages == 0:
        _reject("pdf_empty", "PDF 文件没有任何页面。")
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

"""Small real files for the upload tests, made on the fly."""

import io
import random

from PIL import ExifTags, Image
from pypdf import PdfWriter


def jpeg(*, exif: bool = True, size=(64, 48)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 40))
    data = Image.Exif()
    if exif:
        data[ExifTags.Base.Make] = "TestCam"
        data.get_ifd(ExifTags.IFD.Exif)[ExifTags.Base.DateTimeOriginal] = "2026:03:01 09:30:15"
        gps = data.get_ifd(ExifTags.IFD.GPSInfo)
        gps[ExifTags.GPS.GPSLatitudeRef] = "N"
        gps[ExifTags.GPS.GPSLatitude] = (26.0, 34.0, 12.0)
        gps[ExifTags.GPS.GPSLongitudeRef] = "E"
        gps[ExifTags.GPS.GPSLongitude] = (106.0, 42.0, 36.0)
    buf = io.BytesIO()
    image.save(buf, "JPEG", exif=data)
    return buf.getvalue()


def noisy_jpeg() -> bytes:
    rng = random.Random(7)
    image = Image.frombytes("RGB", (256, 256), bytes(rng.randrange(256) for _ in range(256 * 256 * 3)))
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=90)
    return buf.getvalue()


def png() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (32, 32), (0, 128, 0)).save(buf, "PNG")
    return buf.getvalue()


def pdf(pages: int = 2) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def multipart(fields: dict, *, filename: str, content: bytes, boundary: str = "----reloc-test-boundary") -> tuple:
    """A hand-made multipart body: the test client would strip a path from `filename` itself."""
    parts = []
    for name, value in fields.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
        f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"

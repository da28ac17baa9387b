"""The rendering engine: an HTML template rendered by WeasyPrint to an A4 PDF/A.

- One FontConfiguration per process (docs/traps.md: 8–12 % faster, less memory), created on first use.
- A URL fetcher that reads `data:` URIs and files inside DOCUMENTS_PDF_ASSET_DIR only. WeasyPrint's
  default fetcher reads any local file (`<link rel="attachment" href="file:///etc/passwd">` embeds
  it) and makes HTTP requests, following redirects; ours refuses all of that.
- Attachments are dropped whatever the HTML says: our documents never carry embedded files.
- Renders are serialised per process: WeasyPrint shares font state (Pango, fontconfig) that is
  not safe to use from two threads at once, and rendering is CPU-bound anyway.
"""

import logging
import mimetypes
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.conf import settings
from PIL import ImageFile
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

# Importing WeasyPrint switches Pillow, process-wide, to accept truncated images. Our PDFs embed
# no raster image of unknown origin, and the evidence store must refuse truncated photos
# (evidence/validation.py): switch it back.
ImageFile.LOAD_TRUNCATED_IMAGES = False

_render_lock = threading.Lock()
_font_config: FontConfiguration | None = None


def font_config() -> FontConfiguration:
    global _font_config
    if _font_config is None:
        with _render_lock:
            if _font_config is None:
                _warn_about_slow_subsetting()
                _font_config = FontConfiguration()
    return _font_config


def _warn_about_slow_subsetting() -> None:
    from weasyprint.text import ffi

    if ffi.harfbuzz_subset is None:
        # Without HarfBuzz's subsetter WeasyPrint falls back to fontTools: 2–6 s per CJK page
        # instead of ~0.15 s (measured). Debian package: libharfbuzz-subset0.
        logger.warning("libharfbuzz-subset0 is not installed: PDF rendering will be very slow")


@lru_cache(maxsize=4)
def _asset_dir(configured: str) -> Path:
    return Path(configured).resolve()


def asset_dir() -> Path:
    return _asset_dir(str(settings.DOCUMENTS_PDF_ASSET_DIR))


def asset_base_url() -> str:
    return asset_dir().as_uri() + "/"


class RefusedURL(ValueError):
    pass


class AssetOnlyFetcher(URLFetcher):
    """Serves `data:` URIs and files under the PDF asset folder; refuses everything else
    (other files, http(s), ftp, ...) without touching it. Refusals are kept for the caller."""

    def __init__(self):
        super().__init__(timeout=1, allowed_protocols={"data", "file"}, allow_redirects=False)
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)  # decoded in memory by urllib's DataHandler
        if scheme == "file":
            parts = urlsplit(url)
            if parts.netloc in ("", "localhost"):
                path = Path(unquote(parts.path)).resolve()
                root = asset_dir()
                if path.is_relative_to(root) and path.is_file():
                    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self.refused.append(url)
        logger.warning("PDF rendering refused to fetch %s", url[:200])
        raise RefusedURL(f"refused: {url[:200]}")


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    refused: tuple[str, ...]


def render_html(html: str, *, variant: str | None = None) -> RenderedPdf:
    """HTML (already escaped by the template engine) → PDF bytes."""
    variant = settings.DOCUMENTS_PDF_VARIANT if variant is None else variant
    fetcher = AssetOnlyFetcher()
    fonts = font_config()
    with _render_lock:
        document = HTML(string=html, base_url=asset_base_url(), url_fetcher=fetcher).render(
            font_config=fonts, pdf_variant=variant or None
        )
        document.metadata.attachments = []
        data = document.write_pdf(pdf_variant=variant or None)
    return RenderedPdf(data=data, pages=len(document.pages), refused=tuple(fetcher.refused))


def bare_render(html: str) -> bytes:
    """WeasyPrint as it comes (default fetcher, fonts, no PDF/A), for the benchmark only."""
    return HTML(string=html, base_url=asset_base_url()).write_pdf()

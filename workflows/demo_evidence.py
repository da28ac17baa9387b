"""The demo county's generated evidence: small files that pass the evidence store's validation —
photos with a caption drawn in, one-page PDF "scans" — shared by the household and site demos."""

import io
from functools import cached_property
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from documents.models import kind_label

SCANS = {"hukou_scan", "signed_application", "meeting_minutes_scan", "sign_in_sheet", "household_survey",
         "signed_agreement", "signed_confirmation", "signed_move_in"}
PHOTO_COLOURS = {  # (sky, ground)
    "current_house_photo": ((176, 196, 214), (122, 104, 82)),
    "meeting_photo": ((226, 220, 206), (168, 140, 110)),
    "posted_notice_photo": ((200, 214, 222), (150, 150, 150)),
    "construction_photo": ((190, 206, 222), (160, 132, 96)),
    "inspection_photo": ((186, 212, 236), (176, 176, 170)),
    "old_new_house_photo": ((180, 210, 235), (120, 150, 100)),
    "before_demolition_photo": ((176, 196, 214), (122, 104, 82)),
    "after_demolition_photo": ((186, 214, 236), (96, 150, 80)),
}
HOUSE_IN_PHOTO = {"current_house_photo", "construction_photo", "inspection_photo", "old_new_house_photo",
                  "before_demolition_photo"}
FONT_CANDIDATES = (
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", 0),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", 0),
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 2),  # face 2: simplified Chinese
    ("/usr/share/fonts/truetype/arphic/uming.ttc", 0),
)
DEMO_MARK = "示例县演示材料（系统生成，非真实）"


class EvidenceMaker:
    """Small generated files that pass the evidence validation: PNG photos with a caption drawn
    in, and one-page PDF 'scans' saved by Pillow. Without a CJK font the captions are ASCII."""

    def __init__(self):
        self._fonts: dict[int, ImageFont.ImageFont] = {}

    @cached_property
    def _font_file(self):
        for path, index in FONT_CANDIDATES:
            if Path(path).exists():
                return path, index
        return None

    def font(self, size: int):
        if size not in self._fonts:
            found = self._font_file
            self._fonts[size] = (ImageFont.truetype(found[0], size, index=found[1]) if found
                                 else ImageFont.load_default(size))
        return self._fonts[size]

    def _lines(self, lines: list[str], fallback: list[str]) -> list[str]:
        return lines if self._font_file else fallback

    def photo(self, kind: str, lines: list[str], fallback: list[str]) -> bytes:
        sky, ground = PHOTO_COLOURS.get(kind, ((200, 200, 200), (150, 150, 150)))
        image = Image.new("RGB", (640, 420), sky)
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 250, 640, 420), fill=ground)
        if kind in HOUSE_IN_PHOTO:
            draw.rectangle((230, 160, 410, 260), fill=(236, 230, 214), outline=(90, 80, 70), width=2)
            draw.polygon([(210, 165), (320, 95), (430, 165)], fill=(130, 70, 60))
            draw.rectangle((300, 205, 340, 260), fill=(110, 80, 60))
        elif kind == "posted_notice_photo":
            draw.rectangle((180, 60, 460, 250), fill=(250, 250, 245), outline=(170, 40, 40), width=4)
        elif kind == "meeting_photo":
            for x in range(90, 560, 60):
                draw.ellipse((x, 200, x + 34, 234), fill=(60, 60, 70))
        draw.rectangle((0, 312, 640, 420), fill=(0, 0, 0))
        for i, line in enumerate(self._lines(lines, fallback)[:4]):
            draw.text((16, 318 + i * 25), line, fill=(255, 255, 255), font=self.font(20))
        buffer = io.BytesIO()
        image.save(buffer, format="PNG", optimize=True)
        return buffer.getvalue()

    def scan(self, title: str, lines: list[str], fallback_title: str, fallback: list[str]) -> bytes:
        # A4 at 60 dpi: a one-page PDF of a few kilobytes.
        image = Image.new("RGB", (496, 702), (255, 255, 255))
        draw = ImageDraw.Draw(image)
        black, red = (0, 0, 0), (200, 30, 30)
        draw.text((248, 70), title if self._font_file else fallback_title, fill=black, font=self.font(28),
                  anchor="mm")
        for i, line in enumerate(self._lines(lines, fallback)):
            draw.text((50, 140 + i * 34), line, fill=black, font=self.font(17))
        draw.line((50, 600, 220, 600), fill=black, width=1)
        draw.text((50, 576), "签字（手印）：" if self._font_file else "Signature:", fill=black, font=self.font(15))
        draw.ellipse((330, 540, 440, 650), outline=red, width=3)
        draw.text((385, 595), "演示" if self._font_file else "DEMO", fill=red, font=self.font(22), anchor="mm")
        buffer = io.BytesIO()
        image.save(buffer, format="PDF", resolution=60)
        return buffer.getvalue()

    def upload(self, kind: str, lines: list[str], fallback: list[str], name: str) -> SimpleUploadedFile:
        if kind in SCANS:
            content = self.scan(kind_label(kind), lines + [DEMO_MARK], kind, fallback + ["DEMO"])
            return SimpleUploadedFile(f"{name}.pdf", content, content_type="application/pdf")
        content = self.photo(kind, [kind_label(kind)] + lines + [DEMO_MARK], [kind] + fallback + ["DEMO"])
        return SimpleUploadedFile(f"{name}.png", content, content_type="image/png")


# --- the build ------------------------------------------------------------------------------

"""pdftotext (poppler) over a PDF's bytes, spaces and line breaks dropped: what a reader sees."""

import subprocess


def pdftotext(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode().replace("\n", "").replace(" ", "").replace("\x0c", "")

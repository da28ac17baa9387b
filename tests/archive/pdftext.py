"""pdftotext (poppler) over a PDF's bytes in content order (-raw: a table cell stays whole),
spaces and line breaks dropped."""

import subprocess


def pdftotext(data: bytes) -> str:
    result = subprocess.run(["pdftotext", "-raw", "-", "-"], input=data, capture_output=True, check=True)
    return result.stdout.decode().replace("\n", "").replace(" ", "").replace("\x0c", "")

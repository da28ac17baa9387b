"""Case data is text, never markup; and the renderer reads nothing but our own assets.

A loopback listener stands in for the internal network: it must see no connection."""

import io
import socket
import threading

import pytest
from pypdf import PdfReader

from documents.pdf import render_html
from documents.services import generate_document

from .conftest import make_family, pdf_text, stored_bytes

ATTACHMENT = '<link rel="attachment" href="file:///etc/passwd">'


class LoopbackListener:
    """Accepts connections on 127.0.0.1 for the duration of a test and counts them."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.connections += 1
            conn.close()

    def close(self):
        self._stop.set()
        self._thread.join(timeout=2)
        self.sock.close()


@pytest.fixture
def listener():
    server = LoopbackListener()
    yield server
    server.close()


def embedded_files(data: bytes) -> list:
    reader = PdfReader(io.BytesIO(data))
    names = reader.trailer["/Root"].get("/Names", {})
    found = list(names.get("/EmbeddedFiles", {}).get("/Names", [])) if names else []
    for page in reader.pages:
        for annot in page.get("/Annots", []) or []:
            if annot.get_object().get("/Subtype") == "/FileAttachment":
                found.append(annot)
    return found


def test_markup_in_case_data_is_printed_as_text_and_fetches_nothing(cast, areas, listener):
    img = f'<img src="http://127.0.0.1:{listener.port}/">'
    css = f"<style>@import url(http://127.0.0.1:{listener.port}/x.css);</style>"
    family = make_family(areas["village_a"], head_name=ATTACHMENT)
    family.scattered_location = img + css
    family.save()
    version = generate_document("application_form", actor=cast["clerk_a"], household=family)
    data = stored_bytes(version)
    text = "".join(pdf_text(data).split())  # extraction loses the spaces where lines wrap
    assert "".join(ATTACHMENT.split()) in text
    assert f'<imgsrc="http://127.0.0.1:{listener.port}/">' in text and "<style>@importurl(" in text
    assert listener.connections == 0
    assert embedded_files(data) == []
    assert b"root:" not in data


def test_the_engine_refuses_files_and_network_even_in_raw_html(listener):
    html = f"""<html><head>
      <link rel="attachment" href="file:///etc/passwd">
      <link rel="stylesheet" href="file:///etc/passwd">
      <link rel="stylesheet" href="../../../../etc/passwd">
      <style>@import url("http://127.0.0.1:{listener.port}/imported.css");
             body {{ background: url("http://127.0.0.1:{listener.port}/bg.png"); }}</style>
    </head><body>
      <img src="http://127.0.0.1:{listener.port}/">
      <img src="https://127.0.0.1:{listener.port}/secure.png">
      <a rel="attachment" href="file:///etc/hostname">附件</a>
      <p>正文</p>
    </body></html>"""
    rendered = render_html(html)
    assert listener.connections == 0
    assert embedded_files(rendered.data) == []
    assert b"root:" not in rendered.data
    refused = " ".join(rendered.refused)
    assert "file:///etc/passwd" in refused
    assert f"http://127.0.0.1:{listener.port}/" in refused
    assert "正文" in pdf_text(rendered.data)


def test_the_engine_reads_its_own_assets_and_data_uris():
    html = ('<html><head><link rel="stylesheet" href="document.css"></head><body>'
            '<img src="data:image/svg+xml,%3Csvg xmlns=%22http://www.w3.org/2000/svg%22'
            ' width=%2210%22 height=%2210%22/%3E">'
            "<p>正文</p></body></html>")
    rendered = render_html(html)
    assert rendered.refused == ()


def test_an_attachment_from_our_own_assets_is_still_not_embedded():
    rendered = render_html('<html><head><link rel="attachment" href="document.css"></head><body>x</body></html>')
    assert embedded_files(rendered.data) == []

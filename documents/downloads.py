"""The one way a stored file leaves the system as a download: as an attachment with its Chinese
name, its recorded type, and never cached (pages and the API answer the same; the caller has
checked scope and recorded the download)."""

from django.http import FileResponse

from documents import storage


def _attachment(storage_name: str, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(storage.open_stored(storage_name), as_attachment=True, filename=filename,
                            content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


def evidence_response(item) -> FileResponse:
    extension = item.storage_name.rsplit(".", 1)[-1]
    return _attachment(item.storage_name, f"证据{item.pk}-{item.get_kind_display()}.{extension}", item.content_type)


def version_response(version) -> FileResponse:
    return _attachment(version.storage_name, version.download_name, "application/pdf")

from django.urls import path

from .views import documents, evidence, verify

app_name = "documents"

urlpatterns = [
    # Public, no login: what the QR code on every PDF points to.
    path("verify/", verify.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", verify.verify_document, name="verify"),
    # Documents (scoped).
    path("documents/household/<int:household_pk>/", documents.household_documents, name="household_documents"),
    path("documents/household/<int:household_pk>/generate/<slug:doc_type>/", documents.generate_for_household,
         name="generate_for_household"),
    path("documents/notice/new/", documents.generate_notice, name="notice_new"),
    path("documents/<int:pk>/", documents.document_detail, name="detail"),
    path("documents/<int:pk>/regenerate/", documents.regenerate, name="regenerate"),
    path("documents/versions/<int:pk>/download/", documents.download_version, name="download_version"),
    path("documents/batches/new/", documents.batch_new, name="batch_new"),
    path("documents/batches/<int:pk>/", documents.batch_detail, name="batch_detail"),
    path("documents/batches/<int:pk>/status/", documents.batch_status, name="batch_status"),
    # Evidence (scoped).
    path("evidence/household/<int:household_pk>/", evidence.upload_for_household, name="evidence_household"),
    path("evidence/site/<int:site_pk>/", evidence.upload_for_site, name="evidence_site"),
    path("evidence/<int:pk>/", evidence.evidence_detail, name="evidence_detail"),
    path("evidence/<int:pk>/withdraw/", evidence.evidence_withdraw, name="evidence_withdraw"),
    path("evidence/<int:pk>/download/", evidence.evidence_download, name="evidence_download"),
]

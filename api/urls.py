from django.http import JsonResponse
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt

from .schema import DocsView, SchemaView
from .views import batches, cases, households, work

app_name = "api"


def case_routes(prefix: str, kind, name: str, **overrides):
    def view(cls):
        cls = overrides.get(cls.__name__, cls)
        return type(f"{cls.__name__}{name.title()}", (cls,), {"kind": kind}).as_view()

    return [
        path(f"{prefix}/<int:pk>/transitions/", view(cases.TransitionList), name=f"{name}-transitions"),
        path(f"{prefix}/<int:pk>/transitions/<slug:name>/", view(cases.TransitionPerform),
             name=f"{name}-transition"),
        path(f"{prefix}/<int:pk>/history/", view(cases.History), name=f"{name}-history"),
        path(f"{prefix}/<int:pk>/evidence/", view(cases.EvidenceList), name=f"{name}-evidence"),
        path(f"{prefix}/<int:pk>/documents/", view(cases.DocumentList), name=f"{name}-documents"),
    ]


v1 = [
    path("households/", households.HouseholdList.as_view(), name="households"),
    path("households/<int:pk>/", households.HouseholdDetail.as_view(), name="household"),
    *case_routes("households", cases.HOUSEHOLD, "household"),
    path("sites/", work.SiteList.as_view(), name="sites"),
    path("sites/<int:pk>/", work.SiteDetail.as_view(), name="site"),
    *case_routes("sites", cases.SITE, "site", TransitionPerform=cases.SiteTransitionPerform,
                 EvidenceList=cases.SiteEvidenceList),
    path("evidence/<int:pk>/file", cases.EvidenceFile.as_view(), name="evidence-file"),
    path("documents/<int:pk>/pdf", cases.DocumentPdf.as_view(), name="document-pdf"),
    path("tasks/", work.TaskList.as_view(), name="tasks"),
    path("tasks/<int:pk>/claim", work.TaskClaim.as_view(), name="task-claim"),
    path("tasks/<int:pk>/release", work.TaskRelease.as_view(), name="task-release"),
    path("areas/", work.AreaList.as_view(), name="areas"),
    path("review-meetings/", batches.ReviewMeetingCreate.as_view(), name="review-meetings"),
    path("notice-batches/", batches.NoticeBatchCreate.as_view(), name="notice-batches"),
    path("notice-batches/<int:pk>/photo", batches.NoticePhoto.as_view(), name="notice-photo"),
    path("notice-batches/<int:pk>/objections", batches.NoticeObjection.as_view(), name="notice-objections"),
    path("objections/<int:pk>/resolve", batches.ObjectionResolve.as_view(), name="objection-resolve"),
]

@csrf_exempt
def unknown(request, *args, **kwargs):
    """Any other address under /api/ answers in the API's error shape, never an HTML page."""
    return JsonResponse({"code": "not_found", "message": "接口地址不存在，请核对（见 /api/docs/）。", "fields": {}},
                        status=404, json_dumps_params={"ensure_ascii": False})


urlpatterns = [
    path("v1/", include(v1)),
    path("schema/", SchemaView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    re_path(r"^", unknown),
]

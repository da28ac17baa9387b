from django.urls import path

# A read-only post (auditors) opens every page here but its POST is a 403 before any form is read.
from workflows.acting import post_requires_acting as acting

from . import hazard_views, risk_views, views

app_name = "aftercare"


urlpatterns = [
    # 后扶台账: the moved-in households of the user's areas, with their flags.
    path("aftercare/", acting(views.ledger), name="ledger"),
    # A household's 后扶 page and what is recorded there.
    path("aftercare/households/<int:pk>/", acting(views.household_page), name="household"),
    path("aftercare/households/<int:pk>/employment/", acting(views.employment_new), name="employment_new"),
    path("aftercare/households/<int:pk>/training/", acting(views.training_new), name="training_new"),
    path("aftercare/households/<int:pk>/income/", acting(views.income_new), name="income_new"),
    path("aftercare/households/<int:pk>/card/", acting(views.card_print), name="card_print"),
    path("aftercare/households/<int:pk>/plan/", acting(views.plan_new), name="plan_new"),
    path("aftercare/households/<int:pk>/continuity/", acting(views.continuity_new), name="continuity_new"),
    # 季度收入监测表: a village on one page, and the Excel upload.
    path("aftercare/villages/<str:code>/income/", acting(views.village_income), name="village_income"),
    path("aftercare/villages/<str:code>/income.xlsx", acting(views.income_template), name="income_template"),
    path("aftercare/income/upload/", acting(views.income_upload), name="income_upload"),
    # 防返贫动态监测: risks, their measures and closing.
    path("aftercare/risks/", acting(risk_views.risk_list), name="risks"),
    path("aftercare/risks/<int:pk>/", acting(risk_views.risk_detail), name="risk"),
    path("aftercare/risks/<int:pk>/measure/", acting(risk_views.risk_measure), name="risk_measure"),
    path("aftercare/risks/<int:pk>/request-close/", acting(risk_views.risk_request_close), name="risk_request_close"),
    path("aftercare/risks/<int:pk>/decide/", acting(risk_views.risk_decide), name="risk_decide"),
    path("aftercare/households/<int:pk>/risks/new/", acting(views.risk_new), name="risk_new"),
    # 安置点隐患排查台账.
    path("aftercare/sites/<int:pk>/safety/", acting(hazard_views.site_safety), name="site_safety"),
    path("aftercare/sites/<int:pk>/safety/new/", acting(hazard_views.hazard_new), name="hazard_new"),
    path("aftercare/hazards/<int:pk>/plan/", acting(hazard_views.hazard_plan), name="hazard_plan"),
    path("aftercare/hazards/<int:pk>/close/", acting(hazard_views.hazard_close), name="hazard_close"),
    path("aftercare/hazard-photos/<int:pk>/", acting(hazard_views.hazard_photo), name="hazard_photo"),
]

from django.urls import path

from . import hazard_views, risk_views, views

app_name = "aftercare"

urlpatterns = [
    # 后扶台账: the moved-in households of the user's areas, with their flags.
    path("aftercare/", views.ledger, name="ledger"),
    # A household's 后扶 page and what is recorded there.
    path("aftercare/households/<int:pk>/", views.household_page, name="household"),
    path("aftercare/households/<int:pk>/employment/", views.employment_new, name="employment_new"),
    path("aftercare/households/<int:pk>/training/", views.training_new, name="training_new"),
    path("aftercare/households/<int:pk>/income/", views.income_new, name="income_new"),
    path("aftercare/households/<int:pk>/card/", views.card_print, name="card_print"),
    path("aftercare/households/<int:pk>/plan/", views.plan_new, name="plan_new"),
    path("aftercare/households/<int:pk>/continuity/", views.continuity_new, name="continuity_new"),
    # 季度收入监测表: a village on one page, and the Excel upload.
    path("aftercare/villages/<str:code>/income/", views.village_income, name="village_income"),
    path("aftercare/villages/<str:code>/income.xlsx", views.income_template, name="income_template"),
    path("aftercare/income/upload/", views.income_upload, name="income_upload"),
    # 防返贫动态监测: risks, their measures and closing.
    path("aftercare/risks/", risk_views.risk_list, name="risks"),
    path("aftercare/risks/<int:pk>/", risk_views.risk_detail, name="risk"),
    path("aftercare/risks/<int:pk>/measure/", risk_views.risk_measure, name="risk_measure"),
    path("aftercare/risks/<int:pk>/request-close/", risk_views.risk_request_close, name="risk_request_close"),
    path("aftercare/risks/<int:pk>/decide/", risk_views.risk_decide, name="risk_decide"),
    path("aftercare/households/<int:pk>/risks/new/", views.risk_new, name="risk_new"),
    # 安置点隐患排查台账.
    path("aftercare/sites/<int:pk>/safety/", hazard_views.site_safety, name="site_safety"),
    path("aftercare/sites/<int:pk>/safety/new/", hazard_views.hazard_new, name="hazard_new"),
    path("aftercare/hazards/<int:pk>/plan/", hazard_views.hazard_plan, name="hazard_plan"),
    path("aftercare/hazards/<int:pk>/close/", hazard_views.hazard_close, name="hazard_close"),
    path("aftercare/hazard-photos/<int:pk>/", hazard_views.hazard_photo, name="hazard_photo"),
]

from django.urls import path

from . import report_views, views

urlpatterns = [
    path("pilotage/conseiller/", views.adviser_dashboard, name="pilotage_adviser_dashboard"),
    path("pilotage/federation/", views.federation_dashboard, name="pilotage_federation_dashboard"),
    path("pilotage/po/", views.po_dashboard, name="pilotage_po_dashboard"),
    path("pilotage/rapport/", report_views.report, name="pilotage_report"),
    path("pilotage/rapport/<int:job>/", report_views.report_status, name="pilotage_report_status"),
    path(
        "pilotage/rapport/<int:job>/telecharger/",
        report_views.report_download,
        name="pilotage_report_download",
    ),
    path(
        "pilotage/rapport/<int:job>/relancer/", report_views.report_relaunch, name="pilotage_report_relaunch"
    ),
]

from django.urls import path

from . import signature_views, views

urlpatterns = [
    path("conventions/", views.convention_list, name="convention_list"),
    path("conventions/nouvelle/", views.convention_create, name="convention_create"),
    path("conventions/import/", views.convention_import, name="convention_import"),
    path("conventions/creations/<int:pk>/", views.bulk_creation, name="bulk_creation"),
    path("conventions/<str:reference>/", views.convention_detail, name="convention_detail"),
    path("conventions/<str:reference>/pdf", views.convention_pdf, name="convention_pdf"),
    path(
        "conventions/<str:reference>/documents/<int:revision>.pdf",
        views.document_download,
        name="convention_document",
    ),
    path("conventions/<str:reference>/modifier/", views.convention_edit, name="convention_edit_start"),
    path("conventions/<str:reference>/modifier/<slug:step>/", views.convention_edit, name="convention_edit"),
    path(
        "conventions/<str:reference>/actions/<slug:name>/",
        views.convention_transition,
        name="convention_transition",
    ),
    path("conventions/<str:reference>/reponse/", views.convention_answer, name="convention_answer"),
    path("conventions/<str:reference>/avenant/", views.convention_amend, name="convention_amend"),
    path(
        "conventions/<str:reference>/preuve.pdf",
        signature_views.evidence_certificate,
        name="convention_evidence",
    ),
    path("signer/<str:token>/", signature_views.signature_page, name="signature_page"),
    path("signer/<str:token>/document.pdf", signature_views.signature_document, name="signature_document"),
    path("signer/<str:token>/depot/", signature_views.signature_upload, name="signature_upload"),
    path("signer/<str:token>/refus/", signature_views.signature_decline, name="signature_decline"),
    path("signer/<str:token>/fait/", signature_views.signature_done, name="signature_done"),
    path("referentiels/", views.framework_list, name="framework_list"),
    path("referentiels/<slug:code>/v<int:number>/", views.framework_detail, name="framework_detail"),
    path("modeles/", views.template_list, name="template_list"),
    path("modeles/<slug:code>/v<int:version>/", views.template_detail, name="template_detail"),
]

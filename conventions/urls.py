from django.urls import path

from . import views

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
    path("referentiels/", views.framework_list, name="framework_list"),
    path("referentiels/<slug:code>/v<int:number>/", views.framework_detail, name="framework_detail"),
    path("modeles/", views.template_list, name="template_list"),
    path("modeles/<slug:code>/v<int:version>/", views.template_detail, name="template_detail"),
]

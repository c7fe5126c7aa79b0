from django.urls import path

from .views import bulk, conventions, editing, frameworks, review, signatures, workflow

urlpatterns = [
    path("conventions/", conventions.convention_list, name="convention_list"),
    path("conventions/nouvelle/", bulk.convention_create, name="convention_create"),
    path(
        "ecoles/<int:fase>/collaboration-centre/", conventions.cooperation_create, name="cooperation_create"
    ),
    path("conventions/import/", bulk.convention_import, name="convention_import"),
    path("conventions/creations/<int:pk>/", bulk.bulk_creation, name="bulk_creation"),
    path("conventions/creations/<int:pk>/relancer/", bulk.bulk_relaunch, name="bulk_relaunch"),
    path("conventions/<str:reference>/", conventions.convention_detail, name="convention_detail"),
    path("conventions/<str:reference>/pdf", conventions.convention_pdf, name="convention_pdf"),
    path("conventions/<str:reference>/docx", conventions.convention_docx, name="convention_docx"),
    path("conventions/<str:reference>/odt", conventions.convention_odt, name="convention_odt"),
    path(
        "conventions/<str:reference>/documents/<int:revision>.pdf",
        conventions.document_download,
        name="convention_document",
    ),
    path("conventions/<str:reference>/modifier/", editing.convention_edit, name="convention_edit_start"),
    path(
        "conventions/<str:reference>/modifier/<slug:step>/", editing.convention_edit, name="convention_edit"
    ),
    path(
        "conventions/<str:reference>/actions/<slug:name>/",
        workflow.convention_transition,
        name="convention_transition",
    ),
    path(
        "conventions/<str:reference>/signataires/<int:pk>/renvoi/",
        workflow.signatory_resend_link,
        name="convention_resend_link",
    ),
    path(
        "conventions/<str:reference>/signataires/<int:pk>/remplacement/",
        workflow.signatory_replace,
        name="convention_replace_signatory",
    ),
    path("conventions/<str:reference>/reponse/", workflow.convention_answer, name="convention_answer"),
    path("conventions/<str:reference>/avenant/", workflow.convention_amend, name="convention_amend"),
    path("conventions/<str:reference>/commentaires/", review.review_comment, name="review_comment"),
    path(
        "conventions/<str:reference>/commentaires/<int:pk>/cloture/",
        review.review_close,
        name="review_close",
    ),
    path(
        "conventions/<str:reference>/preuve.pdf",
        signatures.evidence_certificate,
        name="convention_evidence",
    ),
    # The signatory's own pending signature, from inside Pilotis (their « À signer »).
    path("conventions/<str:reference>/signer/", signatures.signature_page, name="my_signature_page"),
    path(
        "conventions/<str:reference>/signer/document.pdf",
        signatures.signature_document,
        name="my_signature_document",
    ),
    path(
        "conventions/<str:reference>/signer/depot/", signatures.signature_upload, name="my_signature_upload"
    ),
    path(
        "conventions/<str:reference>/signer/refus/", signatures.signature_decline, name="my_signature_decline"
    ),
    path("conventions/<str:reference>/signer/fait/", signatures.signature_done, name="my_signature_done"),
    path("signer/<str:token>/", signatures.signature_page, name="signature_page"),
    path("signer/<str:token>/document.pdf", signatures.signature_document, name="signature_document"),
    path("signer/<str:token>/depot/", signatures.signature_upload, name="signature_upload"),
    path("signer/<str:token>/refus/", signatures.signature_decline, name="signature_decline"),
    path("signer/<str:token>/fait/", signatures.signature_done, name="signature_done"),
    path("referentiels/", frameworks.framework_list, name="framework_list"),
    path("referentiels/<slug:code>/v<int:number>/", frameworks.framework_detail, name="framework_detail"),
    path("modeles/", frameworks.template_list, name="template_list"),
    path("modeles/<slug:code>/v<int:version>/", frameworks.template_detail, name="template_detail"),
]

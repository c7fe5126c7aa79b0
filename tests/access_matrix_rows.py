"""The rows of the access matrix (tests/test_access_matrix.py): for each URL name, what anonymous,
each role of organisation A, the same role of organisation B and an administrator get. A page
added to the URLconf adds its row here, in a section of its own."""

from accounts.models import Role
from tests.access_expectations import (
    LOGIN_REQUIRED,
    ROLES,
    Expect,
    account_page,
    account_public,
    federation_people,
    inviters,
    no_recovery_codes,
    own_authenticator,
    own_batch,
    plan_editors,
    private,
    public,
    reauthentication_by_code,
    recorders,
    staff_edits,
    staff_only,
    starters,
    tickers,
    value_recorders,
)

MATRIX = {
    "home": private,
    # The count of « À faire » in the navigation: one's own, for every account.
    "todo_count": private,
    "school_list": private,
    # A school of organisation A: every role of A reaches it, nobody of B does (404, no leak).
    "school_detail": Expect(anonymous=LOGIN_REQUIRED, own=200, other=404, admin=200),
    "invitation_create": Expect(anonymous=LOGIN_REQUIRED, own=inviters, other=inviters, admin=200),
    # The link in the e-mail is public: the invited person has no account yet.
    "invitation_accept": public,
    "account_login": account_public,
    "account_logout": account_page,
    "account_inactive": account_public,
    "account_signup": account_public,
    "account_reauthenticate": account_page,
    # Reauthentication by a code sent by e-mail is off (ACCOUNT_REAUTHENTICATION_METHODS): the
    # signing link arrives by e-mail too, so the mailbox alone must not be enough to sign.
    "account_request_reauthentication_code": reauthentication_by_code,
    "account_confirm_reauthentication_code": reauthentication_by_code,
    "account_email": account_page,
    "account_email_verification_sent": account_public,
    "account_change_password": account_page,
    "account_set_password": account_page,
    "account_reset_password": account_public,
    "account_confirm_login_code": account_page,
    "account_confirm_email": account_public,
    "account_reset_password_from_key_done": account_public,
    "account_reset_password_from_key": account_public,
    "account_reset_password_done": account_public,
    "mfa_index": account_page,
    "mfa_authenticate": account_page,
    "mfa_reauthenticate": account_page,
    "mfa_activate_totp": account_page,
    "mfa_deactivate_totp": own_authenticator,
    "mfa_generate_recovery_codes": account_page,
    # Nobody has generated recovery codes yet: nothing to see or download.
    "mfa_view_recovery_codes": no_recovery_codes,
    "mfa_download_recovery_codes": no_recovery_codes,
    # Conventions: a convention of A is seen by every role of A (its school is covered), by
    # nobody of B; federation staff manage them.
    "convention_list": private,
    # The school's PO référent takes the initiative of its cooperation agreement with a centre.
    "cooperation_create": Expect(
        anonymous=LOGIN_REQUIRED,
        own={role: 200 if role == Role.PO_REFERENT else 403 for role in ROLES},
        other=404,
        admin=200,
    ),
    "convention_create": Expect(anonymous=LOGIN_REQUIRED, own=staff_only, other=staff_only, admin=200),
    "convention_import": Expect(anonymous=LOGIN_REQUIRED, own=staff_only, other=staff_only, admin=200),
    # A batch is seen only by the person who launched it (staff of A here), and administrators.
    "bulk_creation": Expect(anonymous=LOGIN_REQUIRED, own=own_batch, other=404, admin=200),
    # « Relancer » a failed batch or report: a POST only (its owner's, see test_jobs_lease.py).
    "bulk_relaunch": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405),
    "pilotage_report_relaunch": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405),
    "convention_detail": Expect(anonymous=LOGIN_REQUIRED, own=200, other=404, admin=200),
    "convention_pdf": Expect(anonymous=LOGIN_REQUIRED, own=200, other=404, admin=200),
    "convention_document": Expect(anonymous=LOGIN_REQUIRED, own=200, other=404, admin=200),
    # A draft: only the federation's staff complete their part; the others of A see it but
    # may not edit it.
    "convention_edit_start": Expect(anonymous=LOGIN_REQUIRED, own=staff_edits, other=404, admin=200),
    "convention_edit": Expect(anonymous=LOGIN_REQUIRED, own=staff_edits, other=404, admin=200),
    # Actions are POSTs only.
    "convention_transition": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405),
    "convention_answer": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405),
    "convention_amend": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405),
    # Frameworks are public documents; templates are seen by the people of their federation.
    "framework_list": private,
    "framework_detail": private,
    "template_list": private,
    "template_detail": Expect(anonymous=LOGIN_REQUIRED, own=200, other=404, admin=200),
    # Anyone may check a PDF, without an account.
    "verify_document": public,
    # What Pilotis keeps and who reads it: for everyone.
    "data_protection": public,
    # The accessibility statement and the legal notice: for everyone, as the law wants.
    "accessibility_statement": public,
    "legal_notice": public,
    # The status page, for monitors: nothing private on it.
    "health": public,
    # Signatures: the evidence certificate is seen like the convention; a signing link only
    # works for its signatory's account (an unknown token here: 404 for everybody, no leak),
    # and its actions are POSTs only.
    "convention_evidence": Expect(anonymous=LOGIN_REQUIRED, own=200, other=404, admin=200),
    "signature_page": Expect(anonymous=LOGIN_REQUIRED, own=404, other=404, admin=404),
    "signature_document": Expect(anonymous=LOGIN_REQUIRED, own=404, other=404, admin=404),
    "signature_done": Expect(anonymous=LOGIN_REQUIRED, own=404, other=404, admin=404),
    "signature_upload": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405),
    "signature_decline": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405),
    # The same pages reached from inside Pilotis: only for a signatory the convention waits for
    # (nobody here: 404, whether the convention is theirs or not).
    "my_signature_page": Expect(anonymous=LOGIN_REQUIRED, own=404, other=404, admin=404),
    "my_signature_document": Expect(anonymous=LOGIN_REQUIRED, own=404, other=404, admin=404),
    "my_signature_done": Expect(anonymous=LOGIN_REQUIRED, own=404, other=404, admin=404),
    "my_signature_upload": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405),
    "my_signature_decline": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405),
}
MATRIX.update(
    {
        "pilotage_start": Expect(anonymous=LOGIN_REQUIRED, own=starters, other=404, admin=200),
        "pilotage_advisers": Expect(anonymous=LOGIN_REQUIRED, own=staff_only, other=404, admin=200),
        **{
            name: Expect(anonymous=LOGIN_REQUIRED, own=recorders, other=404, admin=200)
            for name in (
                "pilotage_step_move",
                "pilotage_action_plan",
                "pilotage_action_held",
                "pilotage_action_cancel",
                "pilotage_action_correct",
                "pilotage_action_reopen",
                "pilotage_note_add",
            )
        },
        # Only its author deletes an action (nobody here): refused to the recorders, hidden from others.
        "pilotage_action_delete": Expect(
            anonymous=LOGIN_REQUIRED,
            own={role: 403 if role in (Role.FPO_STAFF, Role.FPO_ADVISER) else 404 for role in ROLES},
            other=404,
            admin=403,
        ),
        "pilotage_engagement_untick": Expect(anonymous=LOGIN_REQUIRED, own=tickers, other=404, admin=200),
        "pilotage_engagement_tick": Expect(anonymous=LOGIN_REQUIRED, own=tickers, other=404, admin=200),
        **{
            name: Expect(anonymous=LOGIN_REQUIRED, own=plan_editors, other=404, admin=200)
            for name in (
                "pilotage_plan_edit",
                "pilotage_objective_create",
                "pilotage_objective_edit",
                "pilotage_strategy_create",
                "pilotage_strategy_edit",
                "pilotage_indicator_create",
                "pilotage_indicator_edit",
                "pilotage_evaluation_create",
                "pilotage_evaluation_edit",
            )
        },
        "pilotage_indicator_value": Expect(
            anonymous=LOGIN_REQUIRED, own=value_recorders, other=404, admin=200
        ),
        "pilotage_indicator_import": Expect(
            anonymous=LOGIN_REQUIRED, own=value_recorders, other=value_recorders, admin=200
        ),
        # A background import is seen by the référent of A who started it, and by administrators.
        "pilotage_indicator_import_job": Expect(
            anonymous=LOGIN_REQUIRED,
            own={
                r: 403 if v == 403 else 200 if r == Role.PO_REFERENT else 404
                for r, v in value_recorders.items()
            },
            other={r: 403 if v == 403 else 404 for r, v in value_recorders.items()},
            admin=200,
        ),
        "pilotage_bulk_action": Expect(
            anonymous=LOGIN_REQUIRED, own=federation_people, other=federation_people, admin=200
        ),
        "pilotage_calendar": Expect(
            anonymous=LOGIN_REQUIRED, own=federation_people, other=federation_people, admin=200
        ),
        "pilotage_calendar_revoke": Expect(
            anonymous=LOGIN_REQUIRED, own=federation_people, other=federation_people, admin=200
        ),
        "pilotage_reassign": Expect(anonymous=LOGIN_REQUIRED, own=staff_only, other=staff_only, admin=200),
        # The calendar's private address: its token is the key, no login.
        "pilotage_calendar_feed": public,
    }
)
# The dashboards: each for its roles (a 403 for the others), scoped inside. The yearly report:
# federation staff; a report being made belongs to who asked for it (A's staff here).
report_makers = {role: 200 if role == Role.FPO_STAFF else 403 for role in ROLES}
advisers = {role: 200 if role == Role.FPO_ADVISER else 403 for role in ROLES}
report_of_a = Expect(
    anonymous=LOGIN_REQUIRED,
    own=report_makers,
    other={role: 404 if role == Role.FPO_STAFF else 403 for role in ROLES},
    admin=200,
)
MATRIX.update(
    {
        "pilotage_adviser_dashboard": Expect(
            anonymous=LOGIN_REQUIRED, own=advisers, other=advisers, admin=200
        ),
        "pilotage_federation_dashboard": Expect(
            anonymous=LOGIN_REQUIRED, own=report_makers, other=report_makers, admin=200
        ),
        "pilotage_po_dashboard": Expect(
            anonymous=LOGIN_REQUIRED, own=plan_editors, other=plan_editors, admin=200
        ),
        "pilotage_report": Expect(
            anonymous=LOGIN_REQUIRED, own=report_makers, other=report_makers, admin=200
        ),
        "pilotage_report_status": report_of_a,
        # The audit trail: federation staff (their federation's entries) and administrators.
        "journal": Expect(anonymous=LOGIN_REQUIRED, own=staff_only, other=staff_only, admin=200),
        "pilotage_report_download": report_of_a,
    }
)
# --- API (issue 14, point 4) -------------------------------------------------------------------
# The token page is one's own (a POST revokes). The API authenticates by bearer token only, which
# this matrix does not send: here a logged-in session gets a 401 from every data endpoint (a
# session cookie opens nothing), the schema and its docs are public, the root is a 404. The
# API's own matrix, with tokens (every endpoint × every role of A, of B, anonymous, admin) is
# tests/api/test_access.py.
API_DATA_URLS = [
    "api:api_school_list",
    "api:api_school_detail",
    "api:api_convention_list",
    "api:api_convention_detail",
    "api:api_convention_document",
    "api:api_accompaniment_list",
    "api:api_accompaniment_detail",
    "api:api_indicator_list",
    "api:api_indicator_detail",
    "api:api_yearly_report",
]
bearer_only = Expect(anonymous=401, own=401, other=401, admin=401)
MATRIX.update(
    {
        "api_tokens": private,
        "api_token_revoke": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405),
        **dict.fromkeys(API_DATA_URLS, bearer_only),
        "api:openapi-json": public,
        "api:openapi-view": public,
        "api:api-root": Expect(anonymous=404, own=404, other=404, admin=404),
        "api:api_not_found": Expect(anonymous=404, own=404, other=404, admin=404),
    }
)


def api_sample_kwargs(world) -> dict:
    pilotage, convention = world["pilotage"], world["convention"]
    return {
        "api_token_revoke": {"pk": 1},
        "api:api_not_found": {"path": "ecoles/-1"},
        "api:api_school_detail": {"fase": world["A"].school.fase},
        "api:api_convention_detail": {"reference": convention.reference},
        "api:api_convention_document": {"reference": convention.reference, "revision": 0},
        "api:api_accompaniment_detail": {"pk": pilotage["accompaniment"].pk},
        "api:api_indicator_detail": {"pk": pilotage["indicator"].pk},
    }


# --- end of API ---------------------------------------------------------------------------------

# --- Word and OpenDocument exports of a convention (issue 14, point 1) ---------------------
# Seen exactly like its PDF: the people who see the convention, a 404 for everyone else.
MATRIX.update(
    {
        "convention_docx": Expect(anonymous=LOGIN_REQUIRED, own=200, other=404, admin=200),
        "convention_odt": Expect(anonymous=LOGIN_REQUIRED, own=200, other=404, admin=200),
    }
)
OFFICE_EXPORTS = ("convention_docx", "convention_odt")
# --- end of the Word and OpenDocument exports ------------------------------------------------

# --- A signatory's link resent by the federation (issue 11, point 7) -------------------------
# POST only (a GET is a 405); the POST side is tests/conventions/signatures/test_resend_links.py.
MATRIX.update({"convention_resend_link": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405)})
# A signatory replaced by the federation before the first signature: POST only, the POST side
# is tests/conventions/signatures/test_resend_links.py.
MATRIX.update(
    {"convention_replace_signatory": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405)}
)
# --- A school's timeline and its dossier in PDF (issue 13, point 2) ----------------------------
# Seen exactly like the school's page: whoever sees the school, a 404 for everyone else.
MATRIX.update(
    {
        "school_timeline": Expect(anonymous=LOGIN_REQUIRED, own=200, other=404, admin=200),
        "school_dossier_pdf": Expect(anonymous=LOGIN_REQUIRED, own=200, other=404, admin=200),
    }
)
# --- end of the school's timeline ---------------------------------------------------------------
# --- Bulk where work is bulk (issue 13, item 3) ----------------------------------------------
# The page of a grouped action: whoever records actions for its schools (A's staff and A's
# assigned adviser); for everyone else the group does not exist. Assigning advisers in bulk:
# the staff of a federation, each for their own federation (B's staff see B's schools).
MATRIX.update(
    {
        "pilotage_action_group": Expect(anonymous=LOGIN_REQUIRED, own=recorders, other=404, admin=200),
        "pilotage_bulk_advisers": Expect(
            anonymous=LOGIN_REQUIRED, own=staff_only, other=staff_only, admin=200
        ),
    }
)
# --- end of bulk where work is bulk -----------------------------------------------------------
# --- The review as a conversation (issue 13, item 5) ------------------------------------------
# Posted to only: a comment or an answer on an article, the closing of a thread. A GET is a 405
# for whoever reaches the URL; the POST pass keeps organisation B out (404).
MATRIX.update(
    {
        "review_comment": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405),
        "review_close": Expect(anonymous=LOGIN_REQUIRED, own=405, other=405, admin=405),
    }
)
# --- end of the review ------------------------------------------------------------------------

from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from accounts import views as accounts_views
from api import main as api_main
from conventions.views import verification as verification_views
from core import views as core_views
from core.health import views as health_views

# The admin has no login form of its own: people go through the same login (its rate
# limits and two-factor included).
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = "Administration de Pilotis"
admin.site.site_title = "Pilotis"
admin.site.index_title = "Administration"

urlpatterns = [
    path("", accounts_views.home, name="home"),
    path("a-faire/compte/", accounts_views.todo_count, name="todo_count"),
    path("ecoles/", accounts_views.school_list, name="school_list"),
    path("invitations/nouvelle/", accounts_views.invitation_create, name="invitation_create"),
    path("invitations/<str:token>/", accounts_views.invitation_accept, name="invitation_accept"),
    path("", include("conventions.urls")),
    path("", include("pilotage.urls")),
    path("protection-des-donnees/", accounts_views.data_protection, name="data_protection"),
    path("accessibilite/", core_views.accessibility_statement, name="accessibility_statement"),
    path("mentions-legales/", core_views.legal_notice, name="legal_notice"),
    path("verifier/", verification_views.verify_document, name="verify_document"),
    path("sante/", health_views.status, name="health"),
    # Before allauth's own e-mail page, which this replaces.
    path("comptes/email/", accounts_views.email_change, name="account_email"),
    path("comptes/jetons/", accounts_views.api_tokens, name="api_tokens"),
    path("comptes/jetons/<int:pk>/revoquer/", accounts_views.api_token_revoke, name="api_token_revoke"),
    path("comptes/", include("allauth.urls")),
    path("api/", api_main.urls()),
    path("admin/", admin.site.urls),
]

# A database out of reach gets a French 503 of its own (core/errors.py).
handler500 = "core.errors.server_error"

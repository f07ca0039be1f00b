"""The routes of the web interface: sign-in and ``/admin``."""

from __future__ import annotations

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from node.webui import views_alerts, views_auth, views_compose
from node.webui.web import STATIC_DIR

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]


def routes() -> list:
    return [
        Route("/login", views_auth.login_endpoint, methods=BOTH),
        Route("/logout", views_auth.logout_endpoint, methods=POST),
        Route("/language", views_auth.language_endpoint, methods=POST),
        Route("/admin", views_alerts.dashboard_endpoint, methods=GET),
        Route("/admin/alerts", views_alerts.alerts_endpoint, methods=GET),
        Route("/admin/alerts/{alert_id:str}", views_alerts.alert_status_endpoint, methods=GET),
        Route("/admin/alerts/{alert_id:str}/edit", views_alerts.alert_edit_endpoint, methods=POST),
        Route("/admin/alerts/{alert_id:str}/delete", views_alerts.alert_delete_endpoint, methods=BOTH),
        Route("/admin/alerts/{alert_id:str}/pin", views_alerts.alert_pin_endpoint, methods=POST),
        Route("/admin/compose", views_compose.compose_endpoint, methods=BOTH),
        Route("/admin/compose/autosave", views_compose.compose_autosave_endpoint, methods=POST),
        Route("/admin/preview", views_compose.preview_endpoint, methods=POST),
        Route("/admin/drafts/{draft_id:str}", views_compose.draft_endpoint, methods=BOTH),
        Route("/admin/drafts/{draft_id:str}/autosave", views_compose.draft_autosave_endpoint, methods=POST),
        Route("/admin/drafts/{draft_id:str}/discard", views_compose.discard_endpoint, methods=BOTH),
        Route("/admin/media/{media_id:str}", views_compose.media_endpoint, methods=GET),
        Route("/admin/replies", views_alerts.replies_endpoint, methods=GET),
        Route("/admin/replies/{reply_id:int}", views_alerts.reply_endpoint, methods=POST),
        Route("/admin/users", views_auth.users_endpoint, methods=BOTH),
        Route("/admin/users/{user_id:int}", views_auth.user_endpoint, methods=POST),
        Route("/admin/settings", views_auth.settings_endpoint, methods=BOTH),
        Route("/admin/account", views_auth.account_endpoint, methods=BOTH),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]

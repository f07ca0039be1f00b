"""The routes of the web interface: sign-in and ``/admin``.

The screens' modules (templates, forms, image handling) are imported by the first request
that reaches one of them (:func:`node.web.lazy.lazy`), not when the node starts.
"""

from __future__ import annotations

from pathlib import Path

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from node.web.lazy import lazy

GET, POST, BOTH = ["GET"], ["POST"], ["GET", "POST"]
STATIC_DIR = Path(__file__).resolve().parent.parent / "web" / "static"  # as node.webui.web.STATIC_DIR


def _auth():
    from node.webui import views_auth

    return views_auth


def _alerts():
    from node.webui import views_alerts

    return views_alerts


def _compose():
    from node.webui import views_compose

    return views_compose


def _joint():
    from node.webui import views_joint

    return views_joint


def routes() -> list:
    return [
        Route("/login", lazy(_auth, "login_endpoint"), methods=BOTH),
        Route("/logout", lazy(_auth, "logout_endpoint"), methods=POST),
        Route("/language", lazy(_auth, "language_endpoint"), methods=POST),
        Route("/admin", lazy(_alerts, "dashboard_endpoint"), methods=GET),
        Route("/admin/alerts", lazy(_alerts, "alerts_endpoint"), methods=GET),
        Route("/admin/alerts/{alert_id:str}", lazy(_alerts, "alert_status_endpoint"), methods=GET),
        Route("/admin/alerts/{alert_id:str}/edit", lazy(_alerts, "alert_edit_endpoint"), methods=POST),
        Route("/admin/alerts/{alert_id:str}/delete", lazy(_alerts, "alert_delete_endpoint"), methods=BOTH),
        Route("/admin/alerts/{alert_id:str}/pin", lazy(_alerts, "alert_pin_endpoint"), methods=POST),
        Route("/admin/compose", lazy(_compose, "compose_endpoint"), methods=BOTH),
        Route("/admin/compose/autosave", lazy(_compose, "compose_autosave_endpoint"), methods=POST),
        Route("/admin/preview", lazy(_compose, "preview_endpoint"), methods=POST),
        Route("/admin/drafts/{draft_id:str}", lazy(_compose, "draft_endpoint"), methods=BOTH),
        Route("/admin/drafts/{draft_id:str}/autosave", lazy(_compose, "draft_autosave_endpoint"), methods=POST),
        Route("/admin/drafts/{draft_id:str}/discard", lazy(_compose, "discard_endpoint"), methods=BOTH),
        Route("/admin/media/{media_id:str}", lazy(_compose, "media_endpoint"), methods=GET),
        Route("/admin/joint", lazy(_joint, "list_endpoint"), methods=GET),
        Route("/admin/joint/new", lazy(_joint, "propose_endpoint"), methods=BOTH),
        Route("/admin/joint/preview", lazy(_joint, "preview_endpoint"), methods=POST),
        Route("/admin/joint/{action_id:str}", lazy(_joint, "action_endpoint"), methods=GET),
        Route("/admin/joint/{action_id:str}/edit", lazy(_joint, "edit_endpoint"), methods=BOTH),
        Route("/admin/joint/{action_id:str}/{answer:str}", lazy(_joint, "answer_endpoint"), methods=POST),
        Route("/admin/replies", lazy(_alerts, "replies_endpoint"), methods=GET),
        Route("/admin/replies/{reply_id:int}", lazy(_alerts, "reply_endpoint"), methods=POST),
        Route("/admin/users", lazy(_auth, "users_endpoint"), methods=BOTH),
        Route("/admin/users/{user_id:int}", lazy(_auth, "user_endpoint"), methods=POST),
        Route("/admin/settings", lazy(_auth, "settings_endpoint"), methods=BOTH),
        Route("/admin/account", lazy(_auth, "account_endpoint"), methods=BOTH),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]

"""The web interface for member organisations' staff: accounts, composer, status, moderation.

Routes are in :mod:`node.webui.routes`; templates are ``node/web/templates/admin_*.html``
and ``webui_*.html``; styles and scripts are ``node/web/static/``; interface
strings are gettext catalogs in ``node/locales/`` (see :mod:`node.i18n`).
"""

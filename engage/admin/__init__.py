"""Administration pages: people, roles, ward verification and the audit log."""

from flask import Flask


def init_app(app: Flask) -> None:
    from engage.accounts.permissions import can_view_audit_log, can_view_people
    from engage.admin.views import bp
    from engage.hooks import add_nav_item

    app.register_blueprint(bp)
    add_nav_item(app, "admin.people", "People", visible=can_view_people)
    add_nav_item(app, "admin.audit_log", "Audit log", visible=can_view_audit_log)

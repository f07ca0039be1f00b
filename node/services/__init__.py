"""Every use case once.

A thing a person can do (publish an alert, edit the profile, add a member) is one
function here. The CLI commands (``node/cli/``), the web views (``node/webui/``)
and, where it applies, the inbox handlers call it and do nothing else of
substance, so the two faces cannot drift apart. Functions take the open node
(:class:`node.service.Node`) and plain values, and raise the kinds of
:mod:`node.errors`.

Use cases, by module:

* :mod:`~node.services.alerts`: ``publish`` (from a parsed Alert; refuses a likely
  duplicate), ``update``, ``delete`` (with its images and unfinished edits), ``pin`` /
  ``unpin``, ``list_alerts``.
* :mod:`~node.services.drafts`: ``publish_draft``, ``schedule``, ``unschedule``,
  ``start_edit``, ``discard``, ``delete_published``, ``publish_due`` (the embargo).
* :mod:`~node.services.media`: ``store_upload``, ``remove_media``, ``clean_image``,
  ``public_file``.
* :mod:`~node.services.profile`: ``show`` and ``update`` (name, summary, fields, avatar,
  header, languages, time zone: saves, bumps ``actors_version``, sends ``Update(actor)``).
* :mod:`~node.services.follows`: ``follow``, ``unfollow``, ``following``, ``followers``,
  ``received``, ``deliveries``.
* :mod:`~node.services.users`: staff accounts: ``add``, ``set_password``, ``set_role``,
  ``remove``, ``log_out_everywhere``, sessions.
* :mod:`~node.services.members`: ``add``, ``remove``, ``find``, ``listing`` (Clearing House).
* :mod:`~node.services.cases`: ``listing``, ``show``, ``merge``, ``split``, ``refresh_titles``
  (a case's title is its first live report's headline), ``live``, ``resolve``, ``aliases``.
* :mod:`~node.services.blocks`: ``add`` (block or allow), ``remove``, ``listing``, ``set_mode``,
  ``get_mode``, ``import_entries``.
* :mod:`~node.services.keys`: ``show``, ``rotate``, ``bump_actors_version``.
* :mod:`~node.services.joint`: joint actions: ``parse_proposal``, ``propose``, ``edit``, ``close``,
  ``list_actions``, ``get_action``, ``signatures``, ``invitations``, ``statement``, ``sign``, ``decline``,
  ``withdraw``, ``verify``, ``send_due_updates``; ``install`` registers its inbox observers.
* :mod:`~node.services.ingest_log`: ``recent`` (the last activities the inbox refused or
  ignored, with their reason).
"""

"""Every use case once.

A thing a person can do (publish an alert, edit the profile, add a member) is one
function here. The CLI commands (``node/cli/``), the web views (``node/webui/``)
and, where it applies, the inbox handlers call it and do nothing else of
substance, so the two faces cannot drift apart. Functions take the open node
(:class:`node.service.Node`) and plain values, and raise the kinds of
:mod:`node.errors`.
"""

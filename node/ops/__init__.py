"""Operating a node: what an operator runs and watches beside the protocol.

``blocks``   domain blocks and allow-list mode (inbox, delivery and fetches)
``metrics``  Prometheus metrics at ``/metrics`` (and ``aan worker --metrics-port``)
``logs``     log set-up: text or JSON lines (``AAN_LOG_FORMAT=json``), the activity id on each line
``health``   ``/readyz``: database reachable, migrations current
``backup``   ``aan backup`` / ``aan restore``: a portable archive of a node
``keys``     ``aan keys rotate``; other processes pick up new keys (``refresh``)
``runtime``  the per-process refresh loop that keeps blocks and actors current
``commands`` the command-line front ends of the above (registered in ``node.cli``)
"""

"""The Clearing House role: members, ingest and boosts, cases, topic actors."""

"""Connectors (layer L2): fetch from Bluesky and Mastodon, publish to them, parse payloads.

Each network's SDK is imported only in its own module (``bluesky``, ``mastodon``);
payloads become records in pure ``*_parse`` functions, tested on recorded payloads.
"""

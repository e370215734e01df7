"""The one rule for every link we render from what people or systems typed (a message's link, a
learning item's address, a notification): our own paths and http(s) only."""

from urllib.parse import urlsplit


def safe_link(link) -> str:
    """The link, or "" when a browser could run it or leave for an address we did not mean:
    `javascript:`, `data:`, `vbscript:` (in any case, with any leading space or control
    character), protocol-relative `//host` and `/\\host` (browsers read both as another host)."""
    link = str(link or "").strip()
    if link.startswith("/"):
        return "" if link[1:2] in {"/", "\\"} else link
    if any(ord(char) < 32 for char in link):
        return ""
    parts = urlsplit(link)
    return link if parts.scheme.lower() in {"http", "https"} and parts.netloc else ""

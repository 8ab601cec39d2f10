"""The Content Security Policy, from one place: in every page's <meta> and in `_headers`.

Some hosts (GitHub Pages among them) send no headers, so every page carries the policy in
a `<meta http-equiv="Content-Security-Policy">` tag (templates/base.html). Browsers ignore
`frame-ancestors`, `report-uri` and `sandbox` there, so those are sent only as a header.
The pages are built to work under it: no inline script or style, nothing from another host
(docs/security.md). JSON-LD blocks are data, not script.
"""
from __future__ import annotations

PAGE_POLICY = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
               "connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'none'; "
               "upgrade-insecure-requests")
HEADER_ONLY = "frame-ancestors 'none'"   # ignored in a <meta> policy
CONTENT_SECURITY_POLICY = f"{PAGE_POLICY}; {HEADER_ONLY}"

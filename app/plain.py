"""The shell of the app's plain pages (the administrators' page, a refused upload): server
rendered HTML without scripts, in Norwegian, never cached; the caller escapes what it puts in."""

from __future__ import annotations

import html

from flask import Response

STYLE = """
body{font-family:system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;
line-height:1.4} table{border-collapse:collapse;width:100%;margin:.5rem 0 1.5rem}
th,td{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}
fieldset{border:1px solid #ccc;margin:.5rem 0;padding:.4rem .6rem}
fieldset label{display:inline-block;margin-right:.8rem;white-space:nowrap}
form.inline{display:inline} input,select,button{font-size:1rem;padding:.3rem;margin:.2rem 0}
.feil{color:#a00;font-weight:600} .ok{color:#060;font-weight:600} .liten{color:#555}
"""


def page(title: str, body: str, status: int = 200) -> Response:
    """A page with `title` (escaped here) and `body` (HTML the caller has escaped)."""
    text = (
        '<!DOCTYPE html>\n<html lang="nb"><head><meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{html.escape(title)} – Tiltakskart</title><style>{STYLE}</style></head>"
        f"<body>\n{body}\n</body></html>"
    )
    answer = Response(text, status=status, mimetype="text/html")
    answer.headers["Cache-Control"] = "no-store"
    return answer

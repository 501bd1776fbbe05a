"""Renderers: BulletinContent → the bytes of a document. Each format is one small module."""
from __future__ import annotations

from duban.errors import DubanError

FORMATS = {
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx"),
    "html": ("text/html; charset=utf-8", ".html"),
    "md": ("text/markdown; charset=utf-8", ".md"),
    "pdf": ("application/pdf", ".pdf"),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx"),
}


def render(content, fmt: str) -> bytes:
    fmt = (fmt or "").lower().lstrip(".")
    if fmt == "docx":
        from duban.bulletins.render.docx import render_docx as fn
    elif fmt == "html":
        from duban.bulletins.render.html import render_html as fn
    elif fmt == "md":
        from duban.bulletins.render.md import render_md as fn
    elif fmt == "pdf":
        from duban.bulletins.render.pdf import render_pdf as fn
    elif fmt == "xlsx":
        from duban.bulletins.render.xlsx import render_xlsx as fn
    else:
        raise DubanError(f"不支持的通报格式“{fmt}”,可用:{'、'.join(FORMATS)}", code="invalid")
    out = fn(content)
    return out.encode("utf-8") if isinstance(out, str) else out

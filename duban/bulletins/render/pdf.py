"""PDF: the Word document converted by LibreOffice (headless), so the PDF is the same page as the
.docx an office prints. Needs `soffice` on the server; without it PDF is simply not offered."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from duban.bulletins.content import BulletinContent
from duban.bulletins.render.docx import render_docx
from duban.errors import Unavailable

TIMEOUT = 120  # seconds: a bulletin converts in a few; a hung converter must not hold a worker


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def available() -> bool:
    return soffice() is not None


def render_pdf(c: BulletinContent) -> bytes:
    return docx_to_pdf(render_docx(c))


def docx_to_pdf(data: bytes) -> bytes:
    program = soffice()
    if program is None:
        raise Unavailable("服务器未安装 LibreOffice,暂不能生成 PDF,请下载 Word 版")
    with tempfile.TemporaryDirectory(prefix="duban-pdf-") as tmp:
        work = Path(tmp)
        source = work / "bulletin.docx"
        source.write_bytes(data)
        try:
            subprocess.run([program, f"-env:UserInstallation=file://{work}/profile", "--headless", "--convert-to",
                            "pdf", "--outdir", str(work), str(source)], capture_output=True, timeout=TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise Unavailable("生成 PDF 超时,请稍后重试或下载 Word 版") from None
        pdf = work / "bulletin.pdf"
        if not pdf.exists() or not pdf.read_bytes().startswith(b"%PDF"):
            raise Unavailable("生成 PDF 失败,请下载 Word 版")
        return pdf.read_bytes()

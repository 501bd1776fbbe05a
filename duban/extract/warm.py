"""Imported by the extraction worker's forkserver (isolated.py) and nowhere else: loads the format
libraries, the OpenCC dictionaries, the word lists and the compiled patterns once, so that every
worker forked from it starts with them (in milliseconds, and within its memory cap)."""
from __future__ import annotations

import bs4  # noqa: F401
import docx  # noqa: F401
import lxml.etree  # noqa: F401
import openpyxl  # noqa: F401
import pdfplumber  # noqa: F401
import xlrd  # noqa: F401

from duban.extract import extract_text
from duban.extract.readers import docx as _docx  # noqa: F401
from duban.extract.readers import html as _html  # noqa: F401
from duban.extract.readers import pdf as _pdf
from duban.extract.readers import txt as _txt  # noqa: F401
from duban.extract.readers import xls as _xls  # noqa: F401
from duban.extract.readers import xlsx as _xlsx  # noqa: F401

_pdf.install_stream_limits()
extract_text("2024年重点任务\n一、民生\n1. 新增城镇就业35万人,6月底前完成一半。牵头单位:市人社局;配合单位:市財政局")

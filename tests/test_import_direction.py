"""A house with one direction (issue 9, item 8), read from the source with `ast` (every import,
top-level or inside a function):

- extract, assess and ranking are pure: no Django, nothing of the apps;
- the core (audit trail, input parsing, the read-only admin) and duban.errors import no app above them;
- the ledger imports neither the supervision nor the bulletins nor the pages (problem pressure is an
  input of the assessment, registered by the supervision app);
- every error class of duban lives in duban/errors.py, and nothing in the apps writes the audit
  trail or parses amounts but through the core.
"""
from __future__ import annotations

import ast
import importlib
import pkgutil
from pathlib import Path

import pytest

import duban

ROOT = Path(duban.__file__).resolve().parent

PURE = ("duban.extract", "duban.assess", "duban.assess_format", "duban.ranking")
APPS = ("duban.ledger", "duban.people", "duban.supervision", "duban.bulletins", "duban.web", "duban.cli")


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """The absolute names a module imports (relative imports resolved)."""
    module = _module_of(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join([*anchor, base] if base else anchor)
            out.add(base)
            out |= {f"{base}.{a.name}" for a in node.names}
    return out


def _sources(*prefixes: str) -> dict[str, set[str]]:
    found = {}
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        module = _module_of(path)
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            found[module] = _imports(path)
    assert found, prefixes
    return found


def _within(name: str, prefixes) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def _offending(sources: dict[str, set[str]], forbidden) -> dict[str, list[str]]:
    return {m: sorted(n for n in names if _within(n, forbidden)) for m, names in sources.items()
            if any(_within(n, forbidden) for n in names)}


def test_extract_and_assess_import_no_django_and_no_app():
    assert len(_sources(*PURE)) > 10
    assert _offending(_sources(*PURE), ("django", "ninja", "duban.core", *APPS)) == {}


def test_the_core_and_the_errors_import_nothing_above_them():
    assert {"duban.core.audit", "duban.core.inputs", "duban.core.models"} <= set(_sources("duban.core"))
    assert _offending(_sources("duban.core", "duban.errors"), APPS) == {}
    assert _offending(_sources("duban.errors"), ("django", "ninja")) == {}


def test_the_ledger_imports_neither_supervision_nor_bulletins_nor_the_pages():
    assert _offending(_sources("duban.ledger"), ("duban.supervision", "duban.bulletins", "duban.web",
                                                  "duban.cli")) == {}


def test_the_audit_trail_and_the_input_parsers_live_in_the_core():
    """No module defines its own audit writer or amount parser, and the ledger keeps no copy of them."""
    import importlib.util

    from duban.core import inputs
    from duban.core.models import AuditEntry

    assert AuditEntry._meta.app_label == "core" and AuditEntry._meta.db_table == "ledger_auditentry"
    assert importlib.util.find_spec("duban.ledger.audit") is None
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or _module_of(path).startswith("duban.core"):
            continue
        tree = ast.parse(path.read_text("utf-8"))
        defined = {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
        assert not defined & {"parse_amount", "Amount", "AuditEntry"}, path
        assert not (path.name == "audit.py" and "record" in defined), path
    assert inputs.parse_amount("36.61万人").value == pytest.approx(366100)


def _all_modules() -> None:
    for info in pkgutil.walk_packages([str(ROOT)], "duban."):
        if ".migrations" in info.name or info.name in ("duban.__main__", "duban.wsgi"):
            continue
        importlib.import_module(info.name)


def _subclasses(cls) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub, *_subclasses(sub)}
    return out


def test_every_error_class_and_its_code_live_in_duban_errors():
    from duban import errors

    _all_modules()
    classes = _subclasses(errors.DubanError)
    assert len(classes) >= 10
    assert sorted(c.__qualname__ for c in classes if c.__module__ != "duban.errors") == []
    assert {c.code for c in classes} | {errors.DubanError.code} <= errors.CODES
    # and no module defines an exception class of its own beside them
    for path in ROOT.rglob("*.py"):
        if "migrations" in path.parts or path == ROOT / "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                assert not bases & ({"Exception", "ValueError", "RuntimeError"} | {c.__name__ for c in classes}), (
                    f"{path}:{node.lineno} {node.name}")

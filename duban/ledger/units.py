"""The unit registry: one Unit per organisation whatever the spelling; merging the rest by hand."""
from __future__ import annotations

from django.conf import settings
from django.db import transaction

from duban.core.audit import record
from duban.errors import DubanError
from duban.ledger.models import Responsibility, Unit, UnitAlias
from duban.ledger.unitnames import unit_key, unit_kind
from duban.ledger.version import bump_ledger_version


def find_unit(name: str) -> Unit | None:
    """The unit a name means: by its canonical name, a known alias, or the alias rules' key."""
    name = "".join(name.split())
    unit = Unit.objects.filter(name=name).first()
    if unit:
        return unit
    alias = UnitAlias.objects.select_related("unit").filter(name=name).first()
    if alias:
        return alias.unit
    return Unit.objects.filter(key=unit_key(name, city=settings.CITY)).first()


def get_unit(name: str) -> Unit:
    unit = find_unit(name)
    if unit is None:
        raise DubanError(f"未知单位:{name}", code="unknown_unit")
    return unit


def resolve_unit(name: str) -> Unit:
    """The unit for a printed name, created on first sight; another spelling becomes an alias."""
    name = "".join(name.split())
    unit = find_unit(name)
    if unit is None:
        return Unit.objects.create(name=name, key=unit_key(name, city=settings.CITY), kind=unit_kind(name))
    if unit.name != name:
        UnitAlias.objects.get_or_create(name=name, defaults={"unit": unit})
    return unit


def merge_units(keep: Unit, absorb: Unit, *, actor=None, actor_name: str = "system") -> int:
    """`absorb` becomes an alias of `keep`: its responsibilities move (a lead role wins over co),
    its aliases follow. Returns the number of responsibilities moved."""
    if keep.pk == absorb.pk:
        raise DubanError("不能把单位合并到它自己", code="invalid")
    with transaction.atomic():
        before = {"keep": keep.name, "absorb": absorb.name,
                  "absorb_aliases": list(absorb.aliases.values_list("name", flat=True))}
        moved = 0
        for resp in Responsibility.objects.filter(unit=absorb).select_related("task"):
            existing = Responsibility.objects.filter(task=resp.task, unit=keep).first()
            if existing is None:
                resp.unit = keep
                resp.save(update_fields=["unit"])
            else:
                if resp.role == Responsibility.Role.LEAD and existing.role != resp.role:
                    existing.role = Responsibility.Role.LEAD
                    existing.save(update_fields=["role"])
                resp.delete()
            moved += 1
        absorb.aliases.update(unit=keep)
        UnitAlias.objects.get_or_create(name=absorb.name, defaults={"unit": keep})
        absorb.delete()
        bump_ledger_version()
        record(actor, actor_name, "units.merge", keep, before=before,
               after={"keep": keep.name, "aliases": list(keep.aliases.values_list("name", flat=True))},
               summary=f"合并单位:{before['absorb']} → {keep.name}")
    return moved

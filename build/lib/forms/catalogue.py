"""The service catalogue (事项清单) as immutable data.

Pure data: no I/O, no UI. ``forms.loader`` reads and writes these objects as JSON
(format ``yichuang-catalogue/1``, see ``docs/catalogue.md``).

* :class:`Material` — one item a matter asks for (申请材料).
* :class:`Matter` — one government service matter (事项) with its materials.
* :class:`Bundle` — a "one thing" (一件事): several matters handled as one task.
* :class:`Catalogue` — all matters and bundles of one region, one published version.

The constructors check the invariants that every consumer may rely on (copies >= 1,
promised <= legal time limit, tolerable implies required, bundles refer to known
matters, ...) and raise :class:`ValueError` when they are broken. The loader checks
the same rules first, so that a bad file is reported with every problem and its
location instead of the first ``ValueError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Literal, get_args

__all__ = [
    "MaterialForm",
    "Medium",
    "Level",
    "MATERIAL_FORMS",
    "MEDIA",
    "LEVELS",
    "MATTER_TYPES",
    "Material",
    "Matter",
    "Bundle",
    "Catalogue",
]

MaterialForm = Literal["original", "copy"]  # 原件 / 复印件
Medium = Literal["paper", "electronic"]  # 纸质 / 电子
Level = Literal["county", "city", "province"]  # 县级 / 市级 / 省级

MATERIAL_FORMS: tuple[str, ...] = get_args(MaterialForm)
MEDIA: tuple[str, ...] = get_args(Medium)
LEVELS: tuple[str, ...] = get_args(Level)

#: Types of matters (事项类型) as used in Jiangsu's power and service lists.
MATTER_TYPES: tuple[str, ...] = (
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政给付",
    "行政检查",
    "行政确认",
    "行政奖励",
    "行政裁决",
    "行政备案",
    "其他行政权力",
    "公共服务",
)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValueError(message)


@dataclass(frozen=True)
class Material:
    """One material (申请材料) a matter asks for.

    ``key`` is shared across matters: the same document asked by several matters
    (e.g. ``"business_licence"`` = 营业执照) is recognised as one when a bundle's
    checklist is merged. ``tolerable`` (容缺) means it may be missing at acceptance
    under 容缺受理; it is only allowed on required materials.
    """

    key: str
    name: str
    form: MaterialForm
    copies: int
    required: bool
    tolerable: bool
    medium: Medium
    note: str = ""

    def __post_init__(self) -> None:
        _require(bool(self.key), "material key must not be empty")
        _require(bool(self.name), f"material {self.key!r}: name must not be empty")
        _require(self.form in MATERIAL_FORMS, f"material {self.key!r}: bad form {self.form!r}")
        _require(self.medium in MEDIA, f"material {self.key!r}: bad medium {self.medium!r}")
        _require(
            isinstance(self.copies, int) and not isinstance(self.copies, bool) and self.copies >= 1,
            f"material {self.key!r}: copies must be an integer >= 1",
        )
        _require(
            self.required or not self.tolerable,
            f"material {self.key!r}: only a required material can be tolerable (容缺)",
        )


@dataclass(frozen=True)
class Matter:
    """One government service matter (事项).

    ``legal_days`` (法定时限) and ``promised_days`` (承诺时限) count working days;
    0 means 即办 (done on the spot). ``effective`` is the date this version of the
    matter takes effect.
    """

    code: str
    name: str
    type: str
    department: str
    level: Level
    legal_days: int
    promised_days: int
    fee: str
    effective: date
    materials: tuple[Material, ...]
    keywords: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        _require(bool(self.code), "matter code must not be empty")
        _require(bool(self.name), f"matter {self.code}: name must not be empty")
        _require(bool(self.department), f"matter {self.code}: department must not be empty")
        _require(self.level in LEVELS, f"matter {self.code}: bad level {self.level!r}")
        _require(
            0 <= self.promised_days <= self.legal_days,
            f"matter {self.code}: need 0 <= promised_days <= legal_days",
        )
        _require(isinstance(self.effective, date), f"matter {self.code}: effective must be a date")
        object.__setattr__(self, "materials", tuple(self.materials))
        object.__setattr__(self, "keywords", tuple(self.keywords))
        keys = [m.key for m in self.materials]
        _require(len(keys) == len(set(keys)), f"matter {self.code}: duplicate material keys")

    def material(self, key: str) -> Material:
        """The material with ``key``; KeyError if this matter does not ask for it."""
        for m in self.materials:
            if m.key == key:
                return m
        raise KeyError(key)


@dataclass(frozen=True)
class Bundle:
    """A "one thing" (一件事): matters a person experiences as one task.

    ``matters`` are matter codes, in the order the window presents them.
    ``joint`` names a cross-level arrangement, e.g. ``"市县联办"``.
    """

    code: str
    name: str
    keywords: tuple[str, ...]
    matters: tuple[str, ...]
    joint: str = ""
    description: str = ""

    def __post_init__(self) -> None:
        _require(bool(self.code), "bundle code must not be empty")
        _require(bool(self.name), f"bundle {self.code}: name must not be empty")
        object.__setattr__(self, "keywords", tuple(self.keywords))
        object.__setattr__(self, "matters", tuple(self.matters))
        _require(bool(self.matters), f"bundle {self.code}: must contain at least one matter")
        _require(
            len(set(self.matters)) == len(self.matters),
            f"bundle {self.code}: a matter is listed twice",
        )


@dataclass(frozen=True)
class Catalogue:
    """One published version of a region's catalogue (事项清单).

    ``matters`` and ``bundles`` are read-only mappings keyed by code, in file order.
    """

    version: str
    published: date
    region: str
    matters: Mapping[str, Matter] = field(hash=False)
    bundles: Mapping[str, Bundle] = field(hash=False)

    def __post_init__(self) -> None:
        matters = dict(self.matters)
        bundles = dict(self.bundles)
        for code, matter in matters.items():
            _require(code == matter.code, f"matter stored under {code!r} has code {matter.code!r}")
        for code, bundle in bundles.items():
            _require(code == bundle.code, f"bundle stored under {code!r} has code {bundle.code!r}")
            for ref in bundle.matters:
                _require(ref in matters, f"bundle {code}: unknown matter {ref!r}")
        names: dict[str, str] = {}
        for matter in matters.values():
            for material in matter.materials:
                known = names.setdefault(material.key, material.name)
                _require(
                    known == material.name,
                    f"material key {material.key!r} has two names: {known!r} and {material.name!r}",
                )
        object.__setattr__(self, "matters", MappingProxyType(matters))
        object.__setattr__(self, "bundles", MappingProxyType(bundles))

    def matter(self, code: str) -> Matter:
        """The matter with ``code``; KeyError if unknown."""
        return self.matters[code]

    def bundle(self, code: str) -> Bundle:
        """The bundle with ``code``; KeyError if unknown."""
        return self.bundles[code]

    def bundle_matters(self, code: str) -> tuple[Matter, ...]:
        """The matters of bundle ``code``, in the bundle's order; KeyError if unknown."""
        return tuple(self.matters[ref] for ref in self.bundles[code].matters)

    def departments(self) -> tuple[str, ...]:
        """Distinct departments of all matters, in order of first appearance."""
        return tuple(dict.fromkeys(m.department for m in self.matters.values()))

"""Departments: a matter's code is REGION-DEPT-NNNN; REGION-DEPT names the department that
decides it. Pure functions of a parsed catalogue (no database)."""

from __future__ import annotations


def department_code(matter_code: str) -> str:
    """``320724-SCJG-0001`` -> ``320724-SCJG`` (the department that decides the matter)."""
    return matter_code.rsplit("-", 1)[0]


def departments(catalogue) -> dict[str, str]:
    """{department code: department name} of every matter in the catalogue, in catalogue order."""
    return {department_code(m.code): m.department for m in catalogue.matters.values()}


_REMEMBERED: dict[tuple[int, str, str], tuple[object, tuple[str, ...]]] = {}


def subject_departments(catalogue, kind: str, code: str) -> tuple[str, ...]:
    """The department codes that decide a case's subject (a bundle: each of its matters').
    Remembered per parsed catalogue (a push asks it of every case it makes: a bundle's matters
    were walked each time); the entry holds its catalogue, so its id is never another's."""
    key = (id(catalogue), kind, code)
    hit = _REMEMBERED.get(key)
    if hit is not None and hit[0] is catalogue:
        return hit[1]
    try:
        matters = catalogue.bundle_matters(code) if kind == "bundle" else (catalogue.matter(code),)
    except KeyError:
        return ()
    out = tuple(dict.fromkeys(department_code(m.code) for m in matters))
    if len(_REMEMBERED) > 4096:
        _REMEMBERED.clear()
    _REMEMBERED[key] = (catalogue, out)
    return out

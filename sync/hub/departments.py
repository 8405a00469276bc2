"""Departments: a matter's code is REGION-DEPT-NNNN; REGION-DEPT names the department that
decides it. Pure functions of a parsed catalogue (no database)."""

from __future__ import annotations


def department_code(matter_code: str) -> str:
    """``320724-SCJG-0001`` -> ``320724-SCJG`` (the department that decides the matter)."""
    return matter_code.rsplit("-", 1)[0]


def departments(catalogue) -> dict[str, str]:
    """{department code: department name} of every matter in the catalogue, in catalogue order."""
    return {department_code(m.code): m.department for m in catalogue.matters.values()}


def subject_departments(catalogue, kind: str, code: str) -> tuple[str, ...]:
    """The department codes that decide a case's subject (a bundle: each of its matters')."""
    try:
        matters = catalogue.bundle_matters(code) if kind == "bundle" else (catalogue.matter(code),)
    except KeyError:
        return ()
    return tuple(dict.fromkeys(department_code(m.code) for m in matters))

"""Every message key the code composes exists, in Chinese and English, with the fields it is given.

The source is read (ast), not run: each ``t(...)`` call's key is resolved to the literal keys it
can be. A key built at run time (``"state." + c.state``, ``f"sync.rule_{rule}"``) is a pattern;
its possible values are enumerated from the domain's constants (or, where the values are literals
spread over the code, such as conflict rules, from every place that writes one). A pattern with no
enumeration fails the test, so a new dynamic key cannot slip past it.
"""

from __future__ import annotations

import ast
import functools
import string
from collections.abc import Iterator
from pathlib import Path
from typing import get_args

from app.messages import MESSAGES

ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("app", "devices", "forms", "printing", "sync")


def _sources() -> Iterator[tuple[Path, ast.Module]]:
    for top in SOURCE_DIRS:
        for path in sorted((ROOT / top).rglob("*.py")):
            yield path, ast.parse(path.read_text(encoding="utf-8"), str(path))


SOURCES = list(_sources())


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


# --------------------------------------------------------------------- resolving keys


class Unresolved(Exception):
    pass


def _parents(tree: ast.Module) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _assigned(name: str, scope: ast.AST) -> list[ast.expr]:
    """Values assigned to `name` directly in `scope` (a function or the module)."""
    found = []
    for node in ast.walk(scope):
        if isinstance(node, ast.Assign):
            if any(isinstance(tg, ast.Name) and tg.id == name for tg in node.targets):
                found.append(node.value)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            if node.target.id == name and node.value is not None:
                found.append(node.value)
    return found


# complexity: one branch per kind of expression a key can be
def _keys(node: ast.expr, scopes: list[ast.AST]) -> tuple[set[str], set[tuple[str, str]]]:  # noqa: C901
    """(literal keys, (prefix, suffix) patterns) that `node` can evaluate to."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}, set()
    if isinstance(node, ast.IfExp):
        return _union(_keys(node.body, scopes), _keys(node.orelse, scopes))
    if isinstance(node, ast.BoolOp):
        out: tuple[set[str], set[tuple[str, str]]] = (set(), set())
        for value in node.values:
            out = _union(out, _keys(value, scopes))
        return out
    if isinstance(node, ast.Dict):
        out = (set(), set())
        for value in node.values:
            out = _union(out, _keys(value, scopes))
        return out
    if isinstance(node, ast.Subscript):  # {...}[x] or TABLE[x]
        return _keys(node.value, scopes)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and not node.keywords
    ):  # TABLE.get(x) / TABLE.get(x, default)
        out = _keys(node.func.value, scopes)
        for extra in node.args[1:]:
            out = _union(out, _keys(extra, scopes))
        return out
    if isinstance(node, ast.Name):
        for scope in scopes:  # innermost first
            values = _assigned(node.id, scope)
            if values:
                out = (set(), set())
                for value in values:
                    out = _union(out, _keys(value, scopes))
                return out
        raise Unresolved(node.id)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = node.left, node.right
        if isinstance(left, ast.Constant) and isinstance(left.value, str):
            suffix = right.value if isinstance(right, ast.Constant) else ""
            return set(), {(left.value, suffix)}
    if isinstance(node, ast.JoinedStr):
        parts = node.values
        prefix = parts[0].value if parts and isinstance(parts[0], ast.Constant) else ""
        suffix = parts[-1].value if len(parts) > 1 and isinstance(parts[-1], ast.Constant) else ""
        if prefix:
            return set(), {(prefix, suffix)}
    raise Unresolved(ast.unparse(node))


def _union(a, b):
    return a[0] | b[0], a[1] | b[1]


def _forwarders() -> dict[str, int]:
    """Functions that hand one of their parameters to t() as the key (a wrapper such as the
    hub CLI's _t, or SyncError(kind, key, **fields)): name -> index of that argument at the
    call site. Their own t(param) is checked at every place that calls them instead."""
    out: dict[str, int] = {}
    for _path, tree in SOURCES:
        parents = _parents(tree)
        for fn in ast.walk(tree):
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            params = [a.arg for a in fn.args.args]
            for node in ast.walk(fn):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "t"
                    and node.args
                    and isinstance(node.args[0], ast.Name)
                    and node.args[0].id in params
                ):
                    index = params.index(node.args[0].id)
                    name = fn.name
                    owner = parents.get(fn)
                    if name == "__init__" and isinstance(owner, ast.ClassDef):
                        name, index = owner.name, index - 1  # SyncError(kind, key): no self
                    out[name] = index
    return out


def _field_forwarders() -> dict[str, tuple[int, str]]:
    """Dataclasses whose method hands one of their fields to t() (t(self.label)): class name ->
    (position, name) of that field, so each place that builds one is checked instead."""
    out: dict[str, tuple[int, str]] = {}
    for _path, tree in SOURCES:
        for cls in ast.walk(tree):
            if not isinstance(cls, ast.ClassDef):
                continue
            fields = [
                n.target.id
                for n in cls.body
                if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)
            ]
            for node in ast.walk(cls):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "t"
                    and node.args
                    and isinstance(node.args[0], ast.Attribute)
                    and isinstance(node.args[0].value, ast.Name)
                    and node.args[0].value.id == "self"
                    and node.args[0].attr in fields
                ):
                    out[cls.name] = (fields.index(node.args[0].attr), node.args[0].attr)
    return out


def _forwarded_field(node: ast.Call, by_field: dict[str, tuple[int, str]]) -> ast.expr | None:
    name = node.func.id if isinstance(node.func, ast.Name) else None
    if name not in by_field:
        return None
    index, field = by_field[name]
    for kw in node.keywords:
        if kw.arg == field:
            return kw.value
    return node.args[index] if len(node.args) > index else None


def _is_forwarding(call: ast.Call, scopes: list[ast.AST], forwarders: dict[str, int]) -> bool:
    fn = scopes[0] if scopes and isinstance(scopes[0], (ast.FunctionDef, ast.AsyncFunctionDef)) else None
    return (
        fn is not None
        and isinstance(call.args[0], ast.Name)
        and call.args[0].id in [a.arg for a in fn.args.args]
        and (fn.name in forwarders or fn.name == "__init__")
    )


def _self_field(arg: ast.expr, by_field: dict[str, tuple[int, str]]) -> bool:
    return (
        isinstance(arg, ast.Attribute)
        and isinstance(arg.value, ast.Name)
        and arg.value.id == "self"
        and arg.attr in {field for _, field in by_field.values()}
    )


def _calls() -> Iterator[tuple[str, ast.Call, list[ast.AST]]]:
    """Every t(...) call with its enclosing scopes (innermost function first, the module last);
    a call of a forwarder counts as a t() call with the forwarded argument as the key."""
    forwarders = _forwarders()
    by_field = _field_forwarders()
    for path, tree in SOURCES:
        parents = _parents(tree)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.id if isinstance(node.func, ast.Name) else None
            if name == "t" and node.args and _self_field(node.args[0], by_field):
                continue  # t(self.label): checked where each instance is built
            if (field := _forwarded_field(node, by_field)) is not None:
                call = ast.Call(func=ast.Name("t"), args=[field], keywords=[])
            elif name == "t":
                call = node
            elif name in forwarders and len(node.args) > forwarders[name]:
                call = ast.Call(
                    func=ast.Name("t"), args=[node.args[forwarders[name]]], keywords=node.keywords
                )
            else:
                continue
            if not call.args:
                continue
            scopes: list[ast.AST] = []
            up = parents.get(node)
            while up is not None:
                if isinstance(up, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    scopes.append(up)
                up = parents.get(up)
            scopes.append(tree)
            if name == "t" and _is_forwarding(call, scopes, forwarders):
                continue
            yield f"{path.relative_to(ROOT)}:{node.lineno}", call, scopes


def _scan() -> tuple[dict[str, list[str]], dict[tuple[str, str], list[str]], list[str]]:
    keys: dict[str, list[str]] = {}
    patterns: dict[tuple[str, str], list[str]] = {}
    unresolved: list[str] = []
    for where, call, scopes in _calls():
        try:
            literal, dynamic = _keys(call.args[0], scopes)
        except Unresolved as exc:
            unresolved.append(f"{where}: t({exc})")
            continue
        for key in literal:
            keys.setdefault(key, []).append(where)
        for pattern in dynamic:
            patterns.setdefault(pattern, []).append(where)
    return keys, patterns, unresolved


# --------------------------------------------------------------------- values of dynamic keys


def _literals(value: ast.expr) -> set[str]:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return {value.value}
    if isinstance(value, (ast.Tuple, ast.List, ast.Set)):
        return set().union(*(_literals(v) for v in value.elts)) if value.elts else set()
    if isinstance(value, ast.IfExp):
        return _literals(value.body) | _literals(value.orelse)
    return set()  # computed elsewhere: the matcher of its source finds it


def _string_values(match, mentioning: str = "") -> set[str]:
    """String literals the code writes where `match(node)` says a value is written.

    With `mentioning`, only modules whose text names it (e.g. the print job's table) count.
    """
    found: set[str] = set()
    for path, tree in SOURCES:
        if mentioning and mentioning not in path.read_text(encoding="utf-8"):
            continue
        for node in ast.walk(tree):
            for value in match(node):
                found |= _literals(value)
    return found


def _dict_entries(name: str):
    """Values of `name` entries in dict displays, e.g. a payload's {"conflict": "applicant_details"}."""

    def match(node: ast.AST) -> list[ast.expr]:
        if isinstance(node, ast.Dict):
            return [
                v for k, v in zip(node.keys, node.values) if isinstance(k, ast.Constant) and k.value == name
            ]
        return []

    return match


def _written_to(attribute: str, call_names: tuple[str, ...] = ()):
    """Where a value of `attribute` is written or compared: x.attr = v, attr=v, x.attr == v, x.attr.in_(v)."""

    def match(node: ast.AST) -> list[ast.expr]:
        if isinstance(node, ast.keyword) and node.arg == attribute:
            return [node.value]
        if isinstance(node, ast.Assign) and any(
            isinstance(tg, ast.Attribute) and tg.attr == attribute for tg in node.targets
        ):
            return [node.value]
        if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute):
            if node.left.attr == attribute:
                return list(node.comparators)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            inner = node.func.value
            if node.func.attr == "in_" and isinstance(inner, ast.Attribute) and inner.attr == attribute:
                return list(node.args)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in call_names:
            return node.args[:1]
        return []

    return match


@functools.cache
def _dynamic_values() -> dict[tuple[str, str], set[str]]:
    from app.cli.idcard import JSON_KEYS
    from app.domain import accounts, case_record, case_state, failures, identifiers, intake, lifecycle, roles
    from app.domain import stats as stats_rules
    from app.services import case_export
    from app.services import printing as print_service
    from app.services import stats as stats_service
    from app.ui.widgets.applicant_form import FIELDS
    from devices.idcard.card import CARD_TYPES
    from forms.catalogue import MATERIAL_FORMS
    from printing.documents import DOC_KINDS

    job_states = (
        set(print_service.ACTIVE_STATES)
        | set(print_service.RESENDABLE_STATES)
        | set(print_service.CANCELLABLE_STATES)
        | (_string_values(_written_to("state"), mentioning="PrintJob") - set(lifecycle.STATES))
    )
    from app.ui.screens.sync_screen import SECTIONS as SYNC_SECTIONS
    from app.ui.widgets.keys import GROUPS as HELP_GROUPS

    return {
        ("state.", ""): set(lifecycle.STATES),
        # the sync screen's sections and F1's groups (issue 21)
        ("sync.section_", ""): set(SYNC_SECTIONS),
        ("sync.empty_", ""): set(SYNC_SECTIONS),
        ("help.group_", ""): set(HELP_GROUPS),
        ("event.", ""): set(case_state.KNOWN_KINDS),
        ("doc.", ""): set(DOC_KINDS),
        ("print.no_", ""): set(print_service.REPRINTABLE),
        ("status.", ""): set(get_args(intake.Status)),
        ("form.", "_short"): set(MATERIAL_FORMS),
        ("job.", ""): job_states,
        # Conflict rules are literals in the domain (Conflict("superseded", ...)) and in sync
        # (SyncConflict(rule="unknown_case")): every place that writes or compares one.
        # A rule may also arrive in a note's payload ({"conflict": ...}, sent by the hub).
        ("sync.rule_", ""): _string_values(_written_to("rule", ("Conflict",)))
        | _string_values(_dict_entries("conflict")),
        ("sync.status_", ""): {"refused", "set_aside"} | _string_values(_sync_statuses),
        # ApplicantForm._label: id_number and name have their own branch (person/enterprise).
        ("intake.", ""): set(FIELDS) - {"id_number", "name"},
        # devices.printers.Delivery: the reasons a job ends unconfirmed (its docstring).
        ("print.unconfirmed_", ""): {"no_answer", "offline"},
        # `yichuang idcard read`: the card types and the JSON keys, labelled (app/cli/idcard.py)
        ("idcard.type_", ""): set(CARD_TYPES),
        ("idcard.field_", ""): set(JSON_KEYS),
        ("idcard.sex_", ""): {"1", "2"},  # GB/T 2261.1 codes on the chip
        # `hub list-tokens`: token roles, the table's columns and a token's status.
        ("hub.role_", ""): {"workstation", "backoffice", "hub"},
        ("hub.col_", ""): {"id", "role", "scope", "created", "last_used", "expires", "status", "keys"},
        ("scan.field_", ""): {"matter", "document", "applicant", "date"},  # claim_differs's fields
        ("hub.status_", ""): {"live", "revoked", "expired"},
        # operators: roles and the actions a role may be refused (app.domain.roles)
        ("role.", ""): set(roles.ROLES) | {"demo"},
        ("action.", ""): set(roles.ACTIONS),
        # `audit verify`: what differs at a broken link (app.domain.audit_chain)
        ("audit.problem_", ""): {"content", "link", "sequence", "algorithm", "case", "fork", "missing"},
        # `audit verify` and `doctor`: a case record's field that differs from its events (issue 16 §7)
        ("audit.field_", ""): set(case_record.FIELDS) | {case_record.EVENTS},
        # the supervisor's view and `export cases` (issue 8 §5)
        ("stats.by_", ""): set(stats_service.DIMENSIONS),
        ("stats.level_", ""): set(stats_rules.LEVELS),
        ("export.col_", ""): set(case_export.COLUMNS),
        ("intake.kind_", ""): {"person", "enterprise"},
        # the back office console: its users' roles (sync.hub.console_store.USER_ROLES)
        ("console.role_", ""): {"backoffice", "admin"},
        # app.domain.failures: what the OS or a library said, and what to do (issue 18)
        ("failure.", ""): set(failures.NAMES),
        ("failure.", "_fix"): set(failures.NAMES),
        ("failure.cert_", ""): set(failures.CERT_REASONS),
        ("refusal.", ""): set(failures.REFUSALS),
        # the audit chain's state on the console's workstations page (sync.hub.audit_store)
        ("console.chain_", ""): {"ok", "broken", "unchained"},
        # why an account change is refused, at the window and the hub (app.domain.accounts)
        ("accounts.refused_", ""): set(accounts.REFUSALS),
        ("accounts.op_", ""): set(accounts.OPS),
        # a GB 11643 number's problems, named for its card (app.domain.identifiers), and the
        # intake form's ID label of a card other than the 身份证 (ApplicantForm._label)
        ("id.ric_", ""): set(identifiers.GB11643_PROBLEMS),
        ("id.doc_", ""): set(identifiers.GB11643_PROBLEMS),
        ("intake.id_", "_short"): set(identifiers.ID_TYPES) - {identifiers.RESIDENT_ID},
    }


def _sync_statuses(node: ast.AST) -> list[ast.expr]:
    """The statuses of a sent event, wherever a SyncEvent's status is written or compared."""
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "SyncEvent":
        return [kw.value for kw in node.keywords if kw.arg == "status"]
    if isinstance(node, ast.Compare) and isinstance(node.left, ast.Attribute) and node.left.attr == "status":
        base = node.left.value
        if isinstance(base, ast.Name) and base.id in ("SyncEvent", "se", "row"):
            return list(node.comparators)
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "in_":
        inner = node.func.value
        if isinstance(inner, ast.Attribute) and inner.attr == "status":
            if isinstance(inner.value, ast.Name) and inner.value.id == "SyncEvent":
                return list(node.args)
    return []


# --------------------------------------------------------------------- the tests


def _check(key: str) -> str | None:
    if key not in MESSAGES:
        return "no message"
    zh, en = MESSAGES[key]
    if not (zh.strip() and en.strip()):
        return "a language is empty"
    if _fields(zh) != _fields(en):
        return f"fields differ: zh {sorted(_fields(zh))}, en {sorted(_fields(en))}"
    return None


def test_every_key_composed_in_the_code_can_be_resolved():
    _, _, unresolved = _scan()
    assert not unresolved, "t() with a key this test cannot resolve:\n" + "\n".join(unresolved)


def test_every_literal_key_exists_in_both_languages_with_the_same_fields():
    keys, _, _ = _scan()
    assert len(keys) > 200  # the scan sees the code
    problems = [f"{key}: {why} (used at {where[0]})" for key, where in keys.items() if (why := _check(key))]
    assert not problems, "\n".join(sorted(problems))


def test_every_dynamic_key_is_enumerated_and_exists():
    _, patterns, _ = _scan()
    values = _dynamic_values()
    unknown = [f"{p}{{...}}{s} at {where[0]}" for (p, s), where in patterns.items() if (p, s) not in values]
    assert not unknown, "enumerate the values of these dynamic keys in this test:\n" + "\n".join(unknown)
    problems = []
    for (prefix, suffix), where in patterns.items():
        assert values[(prefix, suffix)], (prefix, suffix)
        for value in sorted(values[(prefix, suffix)]):
            key = f"{prefix}{value}{suffix}"
            if why := _check(key):
                problems.append(f"{key}: {why} (composed at {where[0]})")
    assert not problems, "\n".join(problems)


def test_the_fields_given_at_each_call_are_the_message_fields():
    problems = []
    for where, call, scopes in _calls():
        if any(kw.arg is None for kw in call.keywords):  # t(key, **fields): not checkable here
            continue
        given = {kw.arg for kw in call.keywords}
        try:
            literal, dynamic = _keys(call.args[0], scopes)
        except Unresolved:
            continue
        values = _dynamic_values()
        keys = literal | {f"{p}{v}{s}" for (p, s) in dynamic for v in values.get((p, s), ())}
        for key in keys:
            if key in MESSAGES and _fields(MESSAGES[key][0]) - given:
                missing = sorted(_fields(MESSAGES[key][0]) - given)
                problems.append(f"{where}: {key} needs {missing}, given {sorted(given)}")
    assert not problems, "\n".join(problems)


def test_the_scan_finds_keys_built_at_run_time():
    _, patterns, _ = _scan()
    assert ("sync.rule_", "") in patterns and ("state.", "") in patterns
    assert "unknown_case" in _dynamic_values()[("sync.rule_", "")]  # written by sync, shown by the UI

"""import-linter contract types of our own (pyproject's [tool.importlinter] contract_types).

acyclic_modules: no import cycle among the modules under the given packages, module by module
(a function-level import counts: it closes a cycle just the same). Stronger, for a package
whose sub-package holds both low pieces and a top (app.services.sync: the outbox below the
cases, the sync cycle above the reactions), than acyclic_siblings, which would treat that
sub-package as one unit and see cycles no module has.
"""

from __future__ import annotations

from importlinter.application import output
from importlinter.domain import fields
from importlinter.domain.contract import Contract, ContractCheck


def _cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, iter(sorted(edges.get(root, ()))))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(edges.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


class AcyclicModulesContract(Contract):
    type_name = "acyclic_modules"

    containers = fields.ListField(subfield=fields.StringField())

    def check(self, graph, verbose: bool) -> ContractCheck:
        edges: dict[str, set[str]] = {}
        for container in self.containers:  # type: ignore[attr-defined]
            inside = {container} | graph.find_descendants(container)
            for module in inside:
                edges[module] = {
                    m for m in graph.find_modules_directly_imported_by(module) if m in inside and m != module
                }
        cycles = []
        for component in _cycles(edges):
            members = set(component)
            links = []
            for importer in component:
                for imported in sorted(edges[importer] & members):
                    lines = [
                        d["line_number"]
                        for d in graph.get_import_details(importer=importer, imported=imported)
                    ]
                    links.append((importer, imported, lines))
            cycles.append({"modules": component, "imports": links})
        return ContractCheck(kept=not cycles, metadata={"cycles": cycles})

    def render_broken_contract(self, check: ContractCheck) -> None:
        for cycle in check.metadata["cycles"]:
            output.print_error(f"Import cycle among {', '.join(cycle['modules'])}:", bold=True)
            output.new_line()
            for importer, imported, lines in cycle["imports"]:
                output.indent_cursor()
                output.print_error(f"{importer} -> {imported} (l. {', '.join(map(str, lines))})", bold=False)
            output.new_line()

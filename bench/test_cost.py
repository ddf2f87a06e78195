"""The test suite's dear fixtures and tests, found without running anything.

    .venv/bin/python bench/test_cost.py              # the table
    .venv/bin/python bench/test_cost.py --json       # the same as JSON
    .venv/bin/python bench/test_cost.py -- -m spark  # pytest arguments after --

It collects the suite as ``pytest --collect-only`` does (imports the test modules,
runs no fixture and no test) and reads the source of every fixture the collected tests
use, and of every test: a function that calls ``run_dbt``, ``dbt_build``,
``dbt_command`` or ``cxw run`` (``main([... "run" ...])``, a ``cx_warehouse.cli ...
run`` child) builds a warehouse; one that calls ``generate_into`` or ``generate``
generates data; calls to helpers of the test modules are followed. For each, it
prints its scope, the sizes it generates (``customers`` x ``days`` where they are
literals or module constants), how many tests use it and how many times it runs in a
whole session (once per session, per module that uses it, or per test).

``tests/python/conftest.py`` prints the short form (``summary_lines``) at the end of
every pytest run, beside the dbt invocations and generator runs it counted.
"""

from __future__ import annotations

import argparse
import ast
import inspect
import json
import sys
import textwrap
from collections import defaultdict
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parents[1]
TESTS = PROJECT_DIR / "tests" / "python"

DBT_CALLS = frozenset({"run_dbt", "dbt_build", "dbt_command"})
GENERATE_CALLS = frozenset({"generate_into", "generate"})
CLI_MODULES = ("cx_warehouse.cli", "cxw")
COLLECT_ONLY = (
    *("--collect-only", "-o", "addopts=", "-m", "not spark"),
    *("-p", "no:terminal", "-p", "no:cacheprovider"),
)


@dataclass
class Cost:
    """A fixture or test that builds or generates, and what it costs a session."""

    name: str
    kind: str  # "fixture" or "test"
    scope: str
    module: str
    builds: list[str]  # "dbt", "generate"
    dbt_calls: int  # call sites in its source (a call in a loop counts once)
    sizes: list[str] = field(default_factory=list)  # "customers x days" generated
    tests: int = 0
    modules: list[str] = field(default_factory=list)
    runs: int = 0  # how many times a whole session runs it


def _call_name(call: ast.Call) -> str:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def _strings(node: ast.AST) -> list[str]:
    return [
        child.value
        for child in ast.walk(node)
        if isinstance(child, ast.Constant) and isinstance(child.value, str)
    ]


def _runs_cxw(call: ast.Call) -> bool:
    """``main([... "run" ...])`` in process, or a child ``... cx_warehouse.cli ... run``."""
    texts = [text for arg in call.args for text in _strings(arg)]
    if "run" not in texts:
        return False
    return _call_name(call) == "main" or any(module in texts for module in CLI_MODULES)


def _size(call: ast.Call, names: dict[str, Any]) -> str | None:
    """``customers x days`` of a generator call, from literals or module constants."""
    values = {}
    for keyword in call.keywords:
        if keyword.arg in ("customers", "days"):
            node = keyword.value
            if isinstance(node, ast.Constant):
                values[keyword.arg] = node.value
            elif isinstance(node, ast.Name) and isinstance(names.get(node.id), int):
                values[keyword.arg] = names[node.id]
    if len(values) < 2:
        return None
    return f"{values['customers']}x{values['days']}"


def analyse(function: Callable[..., Any], seen: set[Any] | None = None) -> dict[str, Any]:
    """What ``function`` does that costs: ``builds``, ``dbt_calls``, ``sizes``; helpers
    it calls that are defined under ``tests/python`` are followed."""
    seen = seen if seen is not None else set()
    found: dict[str, Any] = {"builds": set(), "dbt_calls": 0, "sizes": []}
    if function in seen:
        return found
    seen.add(function)
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return found
    names = getattr(function, "__globals__", {})
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = _call_name(node)
        if name in DBT_CALLS or _runs_cxw(node):
            found["builds"].add("dbt")
            found["dbt_calls"] += 1
        if _runs_cxw(node) and "--demo" in [t for arg in node.args for t in _strings(arg)]:
            found["builds"].add("generate")
        if name in GENERATE_CALLS:
            found["builds"].add("generate")
            size = _size(node, names)
            if size:
                found["sizes"].append(size)
        helper = names.get(name) if isinstance(node.func, ast.Name) else None
        if inspect.isfunction(helper) and _is_test_code(helper) and name not in DBT_CALLS:
            inner = analyse(helper, seen)
            found["builds"] |= inner["builds"]
            found["dbt_calls"] += inner["dbt_calls"]
            found["sizes"] += inner["sizes"]
    return found


def _is_test_code(function: Callable[..., Any]) -> bool:
    try:
        return Path(inspect.getfile(function)).resolve().is_relative_to(TESTS)
    except (TypeError, OSError):
        return False


def costs(items: list[Any]) -> list[Cost]:
    """The fixtures and tests among collected pytest ``items`` that build or generate,
    dearest (most runs) first."""
    fixtures: dict[tuple[str, str], Cost] = {}
    users: dict[tuple[str, str], list[Any]] = defaultdict(list)
    tests: list[Cost] = []
    analysed: dict[Any, dict[str, Any]] = {}
    for item in items:
        module = Path(item.path).name
        info = getattr(item, "_fixtureinfo", None)
        for name in item.fixturenames:
            definitions = info.name2fixturedefs.get(name) if info else None
            if not definitions:
                continue
            definition = definitions[-1]
            key = (name, definition.baseid)
            if definition.func not in analysed:
                analysed[definition.func] = analyse(definition.func)
            found = analysed[definition.func]
            if not found["builds"]:
                continue
            if key not in fixtures:
                fixtures[key] = Cost(
                    name=name,
                    kind="fixture",
                    scope=definition.scope,
                    module=Path(inspect.getfile(definition.func)).name,
                    builds=sorted(found["builds"]),
                    dbt_calls=found["dbt_calls"],
                    sizes=found["sizes"],
                )
            users[key].append(item)
        function = getattr(item, "function", None)
        if function is not None:
            if function not in analysed:
                analysed[function] = analyse(function)
            found = analysed[function]
            if found["builds"]:
                tests.append(
                    Cost(
                        name=item.nodeid.split("::", 1)[-1],
                        kind="test",
                        scope="function",
                        module=module,
                        builds=sorted(found["builds"]),
                        dbt_calls=found["dbt_calls"],
                        sizes=found["sizes"],
                        tests=1,
                        modules=[module],
                        runs=1,
                    )
                )
    for key, cost in fixtures.items():
        used_by = users[key]
        cost.tests = len(used_by)
        cost.modules = sorted({Path(item.path).name for item in used_by})
        if cost.scope == "session":
            cost.runs = 1
        elif cost.scope in ("module", "package"):
            cost.runs = len(cost.modules)
        else:
            cost.runs = len(used_by)
    return sorted([*fixtures.values(), *tests], key=lambda cost: (-cost.runs, cost.name))


def summary_lines(items: list[Any]) -> list[str]:
    """The fixtures that build or generate, one line each: scope, runs per session,
    the tests and modules that share it; then the tests that build in their body."""
    found = costs(items)
    fixtures = [cost for cost in found if cost.kind == "fixture"]
    tests = [cost for cost in found if cost.kind == "test"]
    lines = []
    for cost in fixtures:
        sizes = f" {'/'.join(cost.sizes)}" if cost.sizes else ""
        modules = ", ".join(module.removesuffix(".py") for module in cost.modules)
        lines.append(
            f"  {cost.name} ({cost.scope}, {'+'.join(cost.builds)}{sizes}): runs {cost.runs}x, "
            f"{cost.tests} tests in {modules}"
        )
    by_module: dict[str, int] = defaultdict(int)
    for cost in tests:
        by_module[cost.module.removesuffix(".py")] += 1
    if tests:
        lines.append(
            f"  tests that build or generate in their body: {len(tests)} ("
            + ", ".join(f"{module} {count}" for module, count in sorted(by_module.items()))
            + ")"
        )
    return lines


class _Collector:
    def __init__(self) -> None:
        self.items: list[Any] = []

    def pytest_collection_finish(self, session: Any) -> None:
        self.items = list(session.items)


def collect(pytest_args: list[str]) -> list[Any]:
    """The items ``pytest --collect-only`` would list (nothing runs)."""
    import pytest

    collector = _Collector()
    code = pytest.main(
        # the project's addopts without its terminal option: deselect spark as it does
        [*COLLECT_ONLY, *pytest_args],
        plugins=[collector],
    )
    if code not in (0, 5):  # 5: no tests collected
        raise SystemExit(f"test_cost: pytest could not collect the suite (exit code {code})")
    return collector.items


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print the costs as JSON")
    parser.add_argument("pytest_args", nargs="*", help="pytest arguments (after --)")
    args = parser.parse_args(argv)
    found = costs(collect([str(TESTS), *args.pytest_args]))
    if args.json:
        print(json.dumps([asdict(cost) for cost in found], indent=2))
        return 0
    header = f"{'runs':>4} {'tests':>5}  {'scope':<8} {'builds':<13} {'sizes':<18} name (module)"
    print(header)
    for cost in found:
        print(
            f"{cost.runs:>4} {cost.tests:>5}  {cost.scope:<8} "
            f"{'+'.join(cost.builds) + ' ' + str(cost.dbt_calls):<13} "
            f"{','.join(cost.sizes) or '-':<18} {cost.name} ({cost.module})"
        )
    dbt_runs = sum(cost.runs * cost.dbt_calls for cost in found)
    generated = sum(cost.runs * len(cost.sizes) for cost in found)
    print(
        f"{len(found)} fixtures and tests build or generate; "
        f"about {dbt_runs} dbt or cxw-run call sites run and {generated} sized generator "
        "calls (a call in a loop counts once; a fixture's calls count in its own line only)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Tests about the project itself: every setting read from the environment is documented in the README, and every
filter of the public FilterSets has a test of its own."""

import ast
import re
from pathlib import Path

import pytest

from reports.filters import CaseReportFilter
from reports.patient_filters import PatientFilter

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "casebase" / "settings.py"
README = ROOT / "README.md"


def _is_os_environ(node: ast.AST) -> bool:
    return isinstance(node, ast.Attribute) and node.attr == "environ" and _is_name(node.value, "os")


def _is_name(node: ast.AST, name: str) -> bool:
    return isinstance(node, ast.Name) and node.id == name


def _first_string(call: ast.Call) -> str | None:
    first = call.args[0] if call.args else None
    return first.value if isinstance(first, ast.Constant) and isinstance(first.value, str) else None


def environment_variables(source: str) -> set[str]:
    """The names settings.py reads from the environment: env("X"), env.bool("X"), env.int, env.list, env.db,
    env.path and the like (django-environ), os.environ["X"], os.environ.get("X") and os.getenv("X")."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Subscript) and _is_os_environ(node.value):
            if isinstance(node.slice, ast.Constant) and isinstance(node.slice.value, str):
                names.add(node.slice.value)
        elif isinstance(node, ast.Call):
            func = node.func
            reads = (
                _is_name(func, "env")
                or (isinstance(func, ast.Attribute) and _is_name(func.value, "env"))
                or (isinstance(func, ast.Attribute) and func.attr == "get" and _is_os_environ(func.value))
                or (isinstance(func, ast.Attribute) and func.attr == "getenv" and _is_name(func.value, "os"))
            )
            # env.db_url_config(url) and the like take a value, not a name: only a string literal is a name.
            if reads and (name := _first_string(node)):
                names.add(name)
    return names


def configuration_table(readme: str) -> set[str]:
    """The variables in the README's Configuration table: its rows that start with | `NAME` |."""
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    return set(re.findall(r"^\| `([A-Z][A-Z0-9_]*)` \|", section, re.MULTILINE))


def test_every_environment_variable_the_settings_read_is_in_the_readmes_configuration_table():
    read = environment_variables(SETTINGS.read_text(encoding="utf-8"))
    assert {"SECRET_KEY", "DATABASE_URL", "DEBUG"} <= read, "the settings are no longer read as this test expects"
    missing = sorted(read - configuration_table(README.read_text(encoding="utf-8")))
    assert not missing, f"casebase/settings.py reads {missing} but README.md's Configuration table does not say so"


def test_the_settings_reader_finds_each_way_of_reading_the_environment():
    source = (
        'A = env("ONE")\nB = env.bool("TWO", default=False)\nC = env.db("THREE")\nD = os.environ["FOUR"]\n'
        'E = os.environ.get("FIVE")\nF = os.getenv("SIX", "x")\nG = env.db_url_config(url)\nH = other.get("NO")\n'
    )
    assert environment_variables(source) == {"ONE", "TWO", "THREE", "FOUR", "FIVE", "SIX"}


# A filter has a test of its own when a test function of its FilterSet's test module (tests/ mirrors reports/) sends
# it: its parameter is a key of a dict literal (titles({"sex": "female"})) or of a query string ("?sex=female") in the
# function's body. Parametrize decorators do not count: there the values are bad ones, checked for their message.
# A range filter's parameters are name_min and name_max (django-filter's RangeWidget).
FILTER_TESTS = {
    CaseReportFilter: ROOT / "tests" / "test_filters.py",
    PatientFilter: ROOT / "tests" / "test_patient_filters.py",
}


def parameters(filterset_class) -> dict[str, set[str]]:
    """Each filter's name, and the query parameters that set it."""
    found = {}
    for name, filter_ in filterset_class.base_filters.items():
        suffixes = getattr(filter_.field.widget, "suffixes", None) or []
        found[name] = {name} | {f"{name}_{suffix}" for suffix in suffixes if suffix}
    return found


def parameters_sent(function: ast.FunctionDef) -> set[str]:
    sent = set()
    for statement in function.body:
        for node in ast.walk(statement):
            if isinstance(node, ast.Dict):
                sent |= {k.value for k in node.keys if isinstance(k, ast.Constant) and isinstance(k.value, str)}
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                sent |= set(re.findall(r"(?:^|[?&])(\w+)=", node.value))
    return sent


def parameters_of_the_tests(module: Path) -> set[str]:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    tests = [node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")]
    return set().union(*(parameters_sent(test) for test in tests))


def untested_filters(filterset_class, module: Path) -> list[str]:
    sent = parameters_of_the_tests(module)
    return sorted(name for name, keys in parameters(filterset_class).items() if not keys & sent)


@pytest.mark.parametrize("filterset_class", FILTER_TESTS, ids=lambda cls: cls.__name__)
def test_every_filter_of_a_public_filterset_has_a_test_of_its_own(filterset_class):
    module = FILTER_TESTS[filterset_class]
    untested = untested_filters(filterset_class, module)
    where = module.relative_to(ROOT)
    assert not untested, f"no test in {where} sends {untested}: add one per filter, counting what it lets through"


def test_a_filter_without_a_test_is_found():
    class WithAnUntestedFilter(PatientFilter):
        ward = PatientFilter.base_filters["outcome"].__class__(choices=[("icu", "ICU")])

    assert untested_filters(WithAnUntestedFilter, FILTER_TESTS[PatientFilter]) == ["ward"]
    assert parameters(CaseReportFilter)["age"] == {"age", "age_min", "age_max"}

"""Import direction: an app imports only from its own layer or the layers below.

Layers, bottom up: core, accounts, registry, the domain apps (news, events,
recognition, results, catalog, network, membership, claims: one level, they may use
each other's services and selectors), search, api, site. ``config`` may import anything.
Every module under ``hanjari/`` is read with `ast` (nothing is imported); imports
inside functions and ``TYPE_CHECKING`` blocks count too.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "hanjari"

LAYERS: list[set[str]] = [
    {"core"},
    {"accounts"},
    {"registry"},
    {"news", "events", "recognition", "results", "catalog", "network", "membership", "claims"},
    {"search"},
    {"api"},
    {"site"},
]
LEVEL = {app: level for level, apps in enumerate(LAYERS) for app in apps}


def _module_name(path: Path, base: Path) -> str:
    parts = list(path.relative_to(base).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(path: Path, base: Path) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in the file at `path` (under the
    directory `base` that holds ``hanjari/``), relative imports resolved against the
    file's package."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = _module_name(path, base)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            # ``from hanjari import news`` imports the app itself.
            names = [f"{target}.{alias.name}" for alias in node.names]
            found += [(node.lineno, name) for name in (names if target == "hanjari" else [target])]
    return found


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "hanjari" else None


def upward_imports(root: Path = PACKAGE) -> list[str]:
    """``file:line: app imports higher_app (module)`` for each import that goes up."""
    base = root.parent
    problems = []
    for path in sorted(root.rglob("*.py")):
        app = _app(_module_name(path, base))
        if app is None or app not in LEVEL:
            continue
        where = path.relative_to(base)
        for line, target in imported_modules(path, base):
            other = _app(target)
            if other is None or other == app:
                continue
            if other not in LEVEL:
                problems.append(f"{where}:{line}: {target} is in no layer (add it to LAYERS)")
            elif LEVEL[other] > LEVEL[app]:
                problems.append(f"{where}:{line}: {app} imports {target} from a higher layer")
    return problems


def test_every_app_has_a_layer():
    apps = {p.name for p in PACKAGE.iterdir() if (p / "__init__.py").exists()}
    assert apps - set(LEVEL) == set()


def test_no_import_from_a_higher_layer():
    problems = upward_imports()
    assert not problems, "Imports from a higher layer:\n" + "\n".join(problems)


@pytest.fixture
def fake_package(tmp_path):
    """A throwaway ``hanjari`` tree to check that the walk finds what it must."""
    root = tmp_path / "hanjari"
    for app in ("registry", "news", "site"):
        (root / app / "views").mkdir(parents=True)
        (root / app / "__init__.py").write_text("")
        (root / app / "views" / "__init__.py").write_text("")
    return root


def test_upward_imports_are_reported_with_file_and_line(fake_package):
    (fake_package / "registry" / "views" / "p.py").write_text(
        "from __future__ import annotations\n"
        "from django.db import models\n"
        "from ..models import Organization\n"
        "\n"
        "def page():\n"
        "    from hanjari.news import selectors\n"
        "    import hanjari.site.views\n"
        "    from ...news.models import Article\n"
        "    from hanjari import search\n"
    )
    (fake_package / "news" / "services.py").write_text("from hanjari.registry import models\n")
    (fake_package / "site" / "views" / "home.py").write_text("from hanjari.news import models\n")
    (fake_package / "news" / "api.py").write_text("from hanjari.shop import models\n")

    assert upward_imports(fake_package) == [
        "hanjari/news/api.py:1: hanjari.shop is in no layer (add it to LAYERS)",
        "hanjari/registry/views/p.py:6: registry imports hanjari.news from a higher layer",
        "hanjari/registry/views/p.py:7: registry imports hanjari.site.views from a higher layer",
        "hanjari/registry/views/p.py:8: registry imports hanjari.news.models from a higher layer",
        "hanjari/registry/views/p.py:9: registry imports hanjari.search from a higher layer",
    ]


def test_the_directory_searches_with_the_search_app_installed_from_above():
    """The registry cannot import search; the site app installs it at start-up."""
    from hanjari.registry import selectors as registry_selectors
    from hanjari.search import selectors as search_selectors

    assert registry_selectors._search() is search_selectors


def test_the_directory_text_filter_without_a_search_says_what_is_missing(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from hanjari.registry import selectors as registry_selectors

    monkeypatch.setattr(registry_selectors, "_text_search", [])
    filters = registry_selectors.DirectoryFilters(q="협동조합")
    with pytest.raises(ImproperlyConfigured, match=r"hanjari\.site"):
        registry_selectors.organization_directory(filters=filters)

"""The layers of docs/architecture.md, checked on the source: imports point down, the model does no I/O."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "staffsim"
LAYERS = ("scenario", "engine", "metrics", "experiments", "present", "cli")
MODEL = ("scenario", "engine", "metrics")
#: The model's one file reader: scenario files come in here (docs/architecture.md, "What may import what").
READERS = {"scenario/loading.py"}
IO_CALLS = {"print", "open", "input"}
IO_ATTRS = {"read_text", "write_text", "read_bytes", "write_bytes", "savefig", "to_csv", "to_parquet", "read_parquet"}


def modules() -> list[tuple[str, Path]]:
    return [(p.relative_to(PACKAGE).parts[0], p) for p in sorted(PACKAGE.rglob("*.py")) if len(p.relative_to(PACKAGE).parts) > 1]


def imported(path: Path) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            out.add(node.module)
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
    return out


@pytest.mark.parametrize("layer,path", modules(), ids=lambda v: str(v.relative_to(PACKAGE)) if isinstance(v, Path) else v)
def test_imports_point_down(layer, path):
    if layer not in LAYERS:
        pytest.skip("outside the layers")
    up = [m for m in imported(path) if m.startswith("staffsim.") and m.split(".")[1] in LAYERS
          and LAYERS.index(m.split(".")[1]) > LAYERS.index(layer)]
    assert not up, f"{path.relative_to(PACKAGE)} ({layer}) imports a layer above it: {up}"


@pytest.mark.parametrize("path", [p for layer, p in modules() if layer in MODEL], ids=lambda p: str(p.relative_to(PACKAGE)))
def test_model_never_prints_plots_or_reads_files(path):
    rel = str(path.relative_to(PACKAGE))
    tree = ast.parse(path.read_text())
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            f = node.func
            if isinstance(f, ast.Name) and f.id in IO_CALLS and rel not in READERS:
                found.append(f.id)
            elif isinstance(f, ast.Attribute) and f.attr in IO_ATTRS and rel not in READERS:
                found.append(f.attr)
    mods = imported(path)
    found += [m for m in mods if m.split(".")[0] in ("matplotlib", "seaborn", "rich", "click")]
    assert not found, f"{rel} does I/O or presentation: {found}"


def test_no_module_is_a_monolith():
    """No module over ~400 lines (docs/architecture.md); a longer one is split by concept."""
    long = {str(p.relative_to(PACKAGE)): n for _, p in modules() if (n := len(p.read_text().splitlines())) > 420}
    assert not long, long

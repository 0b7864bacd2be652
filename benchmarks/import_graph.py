"""The import graph of ``pipeline`` and ``scenes``: its circles and its back arrows, against the layering
the data flow gives (docs/ARCHITECTURE in README "Code layout").

Layers, lowest first; a module may import its own layer and the layers below. An import of a higher
layer is a *back arrow*; the ones in ``ALLOWED`` have a stated reason, every other one is reported.
Every import counts, also those inside functions (they are dependencies all the same), except those under
``if TYPE_CHECKING:`` (type hints only, never run). ``from pkg import mod`` counts as an import of
``pkg.mod``, not of the package's ``__init__``.

    python benchmarks/import_graph.py [ROOT]        # ROOT: a checkout (default: this one)
    python benchmarks/import_graph.py --json        # machine-readable
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from pathlib import Path

LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundation", ("pipeline.errors", "pipeline.console", "pipeline.scratch", "pipeline.version",
                    "pipeline.taxonomy", "pipeline.formats", "pipeline.schema", "assets_manifest")),
    ("description", ("pipeline.scene_spec", "pipeline.channels", "pipeline.view")),
    ("infrastructure", ("pipeline.shards", "pipeline.distributed")),
    ("scenes and render", ("scenes", "pipeline.render")),
    ("codecs", ("pipeline.codecs", "pipeline.scene_graph", "pipeline.correspondence")),
    ("tasks", ("pipeline.tasks",)),
    ("assembly", ("pipeline.config", "pipeline.plan", "pipeline.dataset_format", "pipeline.bank",
                  "pipeline.unit_runner", "pipeline.job_workers", "pipeline.job")),
    ("consumers", ("pipeline.consumers", "pipeline.loader", "pipeline.wds")),
    ("entry points", ("pipeline.cli", "pipeline.doctor", "pipeline")),
)

ALLOWED = {  # back arrows with a reason
    ("pipeline.distributed.submit", "pipeline.cli"):
        "`ray submit` runs this module on the head node, which then is the CLI's entry point",
}


def modules(root: Path) -> dict[str, Path]:
    out = {}
    for top in ("pipeline", "scenes", "assets_manifest"):
        for path in (root / top).rglob("*.py"):
            name = ".".join(path.relative_to(root).with_suffix("").parts)
            out[name.removesuffix(".__init__")] = path
    return out


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Project modules ``path`` imports (``from a import b`` -> ``a.b`` when that is a module)."""
    found = set()
    tree = ast.parse(path.read_text())
    hints = {id(n) for top in ast.walk(tree) if isinstance(top, ast.If) and getattr(top.test, "id", "") == "TYPE_CHECKING"
             for n in ast.walk(top)}
    for node in ast.walk(tree):
        if id(node) in hints:
            continue
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = {f"{node.module}.{a.name}" for a in node.names} & set(known)
            found |= subs
            if len(subs) < len(node.names):
                found.add(node.module)
    return {m for m in found if m in known}


def layer_of(module: str) -> int:
    best, index = -1, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if (module == p or module.startswith(p + ".")) and len(p) > best:
                best, index = len(p), i
    return index


def circles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in edges[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return out


def analyse(root: Path) -> dict:
    known = modules(root)
    edges = {m: imports(p, known) - {m} for m, p in known.items()}
    unlayered = sorted(m for m in known if layer_of(m) < 0)
    back = []
    for src, dsts in sorted(edges.items()):
        for dst in sorted(dsts):
            if layer_of(dst) > layer_of(src) >= 0:
                back.append({"from": src, "to": dst, "from_layer": LAYERS[layer_of(src)][0],
                             "to_layer": LAYERS[layer_of(dst)][0], "reason": ALLOWED.get((src, dst))})
    return {"root": str(root), "modules": len(known), "imports": sum(map(len, edges.values())),
            "circles": circles(edges), "back_arrows": back, "unlayered": unlayered}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("root", nargs="?", default=str(Path(__file__).resolve().parents[1]))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    res = analyse(Path(args.root))
    if args.json:
        print(json.dumps(res, indent=1))
        return
    unexplained = [b for b in res["back_arrows"] if not b["reason"]]
    print(f"{res['root']}: {res['modules']} modules, {res['imports']} imports")
    print(f"circles: {len(res['circles'])}")
    for c in res["circles"]:
        print("  " + " <-> ".join(c))
    print(f"back arrows: {len(res['back_arrows'])} ({len(unexplained)} without a reason)")
    for b in res["back_arrows"]:
        print(f"  {b['from']} ({b['from_layer']}) -> {b['to']} ({b['to_layer']})"
              + (f"  [{b['reason']}]" if b["reason"] else ""))
    if res["unlayered"]:
        print(f"modules in no layer: {res['unlayered']}")


if __name__ == "__main__":
    main()

"""The routing rule between top-k passages and whole-document reading, on a labelled set.

    .venv/bin/python bench/routing.py [--set dev|eval] [--verbose]

``bench/data/routing_dev.jsonl`` and ``routing_eval.jsonl`` hold questions a user might type, each with the scope
it is asked in (a document, a folder, or the whole library), the mode a careful reader would
choose, and for unscoped whole-document questions the documents that must be read. The library
is a small made-up one with look-alike names (two ferry reviews, two versions of a manual).
Routing needs no chat model: the engine is built with the fake embedder and chat model, and
the product's own router decides. Prints the confusion table and every miss. The rule was
refined on the dev set only; the eval set was written before that and is not tuned on.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

from sourcewise.core.factory import build_engine
from sourcewise.core.settings import Settings
from sourcewise.core.testing import EchoChatModel, HashEmbedder
from sourcewise.core.types import SearchFilters

DATA = Path(__file__).parent / "data"

LIBRARY = {
    "ferry-review-2025.pdf": "# Ferry review 2025\n\nFerries carried 1.2 million passengers. "
    "Two incidents were recorded in March. The radio deadline is 30 June 2026.",
    "ferry-review-2024.pdf": "# Ferry review 2024\n\nFerries carried 1.1 million passengers. "
    "Fuel costs were stable.",
    "staff-handbook.pdf": "# Staff handbook\n\nStaff may carry over five days of leave. Remote "
    "work is allowed two days a week.",
    "board-minutes-2025-03.md": "# Board minutes, March 2025\n\nThe chair opened the meeting. "
    "Action: the treasurer sends the budget by 4 April.",
    "manuals/pump-manual-v2.md": "# Pump manual v2\n\nMaximum pressure 6 bar. Service every 500 "
    "hours.",
    "manuals/pump-manual-v3.md": "# Pump manual v3\n\nMaximum pressure 8 bar. Service every 750 "
    "hours. Bolts need 40 Nm of torque.",
}


def build_library(root: Path) -> Path:
    for name, text in LIBRARY.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        # The router reads names and cards; Markdown text is enough to index each one.
        path.with_suffix(".md").write_text(text, encoding="utf-8")
    return root


def scope_filters(scope: str, root: Path) -> SearchFilters:
    if not scope:
        return SearchFilters()
    if scope.startswith("folder:"):
        return SearchFilters(folder=str((root / scope.split(":", 1)[1]).resolve()))
    return SearchFilters(documents=(str(_path(root, scope)),))


def _path(root: Path, name: str) -> Path:
    found = next(k for k in LIBRARY if Path(k).name == name)
    return (root / found).with_suffix(".md").resolve()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--set", dest="split", choices=["dev", "eval"], default="eval")
    parser.add_argument("--verbose", action="store_true", help="Print every question.")
    args = parser.parse_args()
    questions = DATA / f"routing_{args.split}.jsonl"
    rows = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines()]
    with tempfile.TemporaryDirectory() as tmp:
        root = build_library(Path(tmp) / "library")
        settings = Settings(home=Path(tmp) / "home", models_dir=Path(tmp) / "m",
                            index={"parse_mode": "thread"})  # fmt: skip
        engine = build_engine(settings, embedder=HashEmbedder(), chat_model=EchoChatModel(),
                              reranker=None)  # fmt: skip
        engine.library.index([root])
        router = engine.answers._pipeline().documents()  # the engine's own echo model
        results = [_judge(row, router.route(row["q"], scope_filters(row["scope"], root), "auto"),
                          root) for row in rows]  # fmt: skip
        engine.close()
    _print(results, args.verbose)
    return 0


def _judge(row: dict[str, Any], decision: Any, root: Path) -> dict[str, Any]:
    route, targets = decision
    wanted = [str(_path(root, t)) for t in row.get("targets", [])]
    right_docs = (
        not wanted
        or sorted(targets) == sorted(wanted)
        or (len(wanted) > 1 and route.kind != "compare" and targets and targets[0] in wanted)
    )  # "the ferry review" may mean either year: one of them is a fair reading
    correct = route.mode == row["mode"] and (route.mode != "document" or right_docs)
    return {"q": row["q"], "scope": row["scope"] or "library", "want": row["mode"],
            "got": route.mode, "kind": route.kind, "correct": correct,
            "targets": [Path(t).stem for t in targets]}  # fmt: skip


def _print(results: list[dict[str, Any]], verbose: bool) -> None:
    print("| expected \\ chosen | passages | document |")
    print("|---|---|---|")
    for want in ("passages", "document"):
        cells = [sum(1 for r in results if r["want"] == want and r["got"] == got)
                 for got in ("passages", "document")]  # fmt: skip
        print(f"| {want} | {cells[0]} | {cells[1]} |")
    correct = sum(r["correct"] for r in results)
    print(f"\n{correct} of {len(results)} routed correctly ({correct / len(results):.0%}); "
          "a document route counts only when it reads the right documents.")  # fmt: skip
    shown = results if verbose else [r for r in results if not r["correct"]]
    if shown:
        print("\n| question | scope | expected | chosen | kind | read |")
        print("|---|---|---|---|---|---|")
        for r in shown:
            print(f"| {r['q']} | {r['scope']} | {r['want']} | {r['got']} | {r['kind']} | "
                  f"{', '.join(r['targets']) or '-'} |")  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())

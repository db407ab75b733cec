"""``sourcewise eval`` end to end with the fakes: metrics, JSON, Markdown, PNG, latest pointer."""

from __future__ import annotations

import json
from pathlib import Path

from sourcewise.core.engine import Engine
from sourcewise.core.eval.gold import load_gold
from sourcewise.core.eval.runner import evaluate
from sourcewise.core.modelstore.hashing import file_sha256
from sourcewise.core.paths import latest_report
from tests.eval.conftest import run


def test_gold_paths_resolve_against_the_root(gold: Path, corpus: Path) -> None:
    items = load_gold(gold)
    by_id = {i.id: i for i in items}
    assert len(items) == 12
    assert by_id["g01"].sources[0].path == str(corpus / "northwind_travel_policy.md")
    assert by_id["f1"].sources[0].page == 2 and by_id["f1"].answerable
    assert not by_id["u01"].answerable and by_id["u01"].sources == []


def test_evaluate_scores_documents_and_pages(engine: Engine, gold: Path) -> None:
    result = evaluate(engine, load_gold(gold), k=5)
    r = result.retrieval
    assert r["document.questions"] == 10 and r["page.questions"] == 2
    assert r["document.hit@5"] is not None and 0.5 <= r["document.hit@5"] <= 1.0
    assert result.hit_curve["document"][-1] == r["document.hit@5"]
    assert len(result.hit_curve["page"]) == 5
    [rag] = result.modes
    rows = {row.id: row for row in rag.rows}
    ranks = {row.id: row.first_rank for row in result.retrieval_rows}
    assert ranks["f1"] == {"document": 1, "page": 1}  # the warranty page comes first
    assert "u01" in ranks and ranks["u01"] == {}  # unanswerable: not scored
    # the echo model quotes source [1] (page 2 merged with its neighbour page 1) and cites it
    assert rows["f1"].citations[0]["path"].endswith("falcon.pdf")
    assert rows["f1"].citation_precision == 1.0 and rows["f1"].f1 is not None
    assert rows["u01"].f1 is None and rows["u01"].answerable is False
    assert rag.metrics["f1"] is not None and rag.metrics["total_ms.p95"] is not None


def test_eval_cli_writes_json_markdown_plots_and_latest(indexed_home: Path, gold: Path,
                                                        tmp_path: Path) -> None:  # fmt: skip
    out = tmp_path / "report"
    code, stdout = run(indexed_home, "eval", str(gold), "--k", "5", "--out", str(out), "--json")
    assert code == 0
    data = json.loads(stdout)
    assert data["out"] == str(out) and data["questions"] == 12
    assert {"document.hit@5", "document.mrr", "document.ndcg@5", "page.recall@5"} <= set(
        data["retrieval"]
    )
    [mode] = data["modes"]
    assert mode["mode"] == "rag" and len(mode["rows"]) == 12
    assert {"exact_match", "f1", "citation_precision", "abstention_recall", "ttft_ms.mean"} <= set(
        mode["metrics"]
    )
    for name in ("eval.json", "report.md", "hit_at_k.png", "latency.png"):
        assert (out / name).is_file(), name
    assert (out / "hit_at_k.png").read_bytes()[:4] == b"\x89PNG"
    saved = json.loads((out / "eval.json").read_text(encoding="utf-8"))
    assert saved["retrieval_rows"][0]["retrieved"] and saved["modes"][0]["rows"]
    md = (out / "report.md").read_text(encoding="utf-8")
    assert "## Retrieval" in md and "| page |" in md and "![hit_at_k.png]" in md
    assert latest_report(indexed_home) == out.resolve()


def test_eval_cli_default_out_dir_and_text_output(indexed_home: Path, gold: Path) -> None:
    code, stdout = run(indexed_home, "eval", str(gold), "--limit", "3")
    assert code == 0
    assert "3 questions; retrieval: document hit@10" in stdout and "report:" in stdout
    latest = latest_report(indexed_home)
    assert latest is not None and latest.parent == indexed_home / "eval"
    pointer = json.loads((indexed_home / "eval" / "latest.json").read_text(encoding="utf-8"))
    assert pointer["summary"]["questions"] == 3


def test_compare_runs_every_mode_and_recommends(indexed_home: Path, gold: Path,
                                                tmp_path: Path) -> None:  # fmt: skip
    models = tmp_path / "models"
    (models / "adapters").mkdir(parents=True)
    (models / "adapters" / "fake.gguf").write_bytes(b"GGUF")  # never loaded by the echo model
    card = {
        "name": "fake",
        "base_model": "smollm2-135m",
        "total_seconds": 150.0,
        "data_sha256": file_sha256(gold),
    }  # trained on the gold set itself
    (models / "adapters" / "fake.json").write_text(json.dumps(card), encoding="utf-8")
    code, stdout = run(indexed_home, "eval", str(gold), "--compare", "base,rag,lora,lora+rag",
                       "--adapter", "fake", "--out", str(tmp_path / "cmp"), models_dir=models)  # fmt: skip
    assert code == 0, stdout
    lines = stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("mode"))
    assert [line.split()[0] for line in lines[header + 2 : header + 6]] == [
        "base", "rag", "lora", "lora+rag"]  # fmt: skip
    assert "2.5 min" in lines[header + 4]  # training cost from the adapter card
    assert "Recommendation: RAG alone is best" in stdout
    assert "Retrieval helps" in stdout and "costs 2.5 min of training" in stdout
    assert "trained on these very questions" in stdout
    md = (tmp_path / "cmp" / "report.md").read_text(encoding="utf-8")
    assert "## Recommendation" in md and "### lora+rag" in md


def test_compare_needs_an_adapter_for_lora_modes(indexed_home: Path, gold: Path) -> None:
    code, _ = run(indexed_home, "eval", str(gold), "--compare", "rag,lora")
    assert code == 2
    code, _ = run(indexed_home, "eval", str(gold), "--compare", "rag,nonsense")
    assert code == 2

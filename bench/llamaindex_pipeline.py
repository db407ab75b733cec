"""A plain LlamaIndex indexing pipeline, the baseline for bench/index.py (run as a subprocess).

    .venv/bin/python bench/llamaindex_pipeline.py --input DIR --model MODEL_FOLDER [--batch-size 32]
        [--chunk-size N --chunk-overlap N] [--json OUT]

SimpleDirectoryReader with its default readers (pypdf for PDFs, one Document per page), the
default SentenceSplitter (1024 tiktoken tokens, 200 overlap) unless --chunk-size is given,
HuggingFaceEmbedding (sentence-transformers) of a local model folder, and a FaissVectorStore
over faiss.IndexFlatIP. Everything is offline: the hub is switched off before any import, and
LlamaIndex's NLTK stopwords/punkt_tab and tiktoken encodings come from the copies bundled in
llama_index/core/_static (bench/index.py also runs this in a network namespace with no network).
Prints (and writes) one JSON object with phase timings and counts. With --questions, also
retrieves the top --k nodes per question with the default retriever (bench/lookalike.py).
"""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import argparse
import json
import time
from pathlib import Path
from typing import Any


def run(args: argparse.Namespace) -> dict[str, Any]:
    t_import = time.perf_counter()
    import faiss
    from llama_index.core import Settings as LISettings
    from llama_index.core import SimpleDirectoryReader, StorageContext, VectorStoreIndex
    from llama_index.core.node_parser import SentenceSplitter
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding
    from llama_index.vector_stores.faiss import FaissVectorStore

    LISettings.llm = None  # no OpenAI default anywhere
    embed = HuggingFaceEmbedding(model_name=args.model, embed_batch_size=args.batch_size,
                                 device="cpu")  # fmt: skip
    LISettings.embed_model = embed
    embed.get_text_embedding("warm up")  # model loaded and run once before the clock starts
    dim = len(embed.get_text_embedding("dimension"))
    import_s = time.perf_counter() - t_import

    start = time.time()
    t0 = time.perf_counter()
    docs = SimpleDirectoryReader(str(args.input), recursive=True).load_data()
    t1 = time.perf_counter()
    if args.chunk_size:
        splitter = SentenceSplitter(chunk_size=args.chunk_size, chunk_overlap=args.chunk_overlap)
    else:
        splitter = SentenceSplitter()
    nodes = splitter.get_nodes_from_documents(docs)
    t2 = time.perf_counter()
    store = FaissVectorStore(faiss_index=faiss.IndexFlatIP(dim))
    storage = StorageContext.from_defaults(vector_store=store)
    index = VectorStoreIndex(nodes, storage_context=storage, embed_model=embed)
    t3 = time.perf_counter()
    end = time.time()
    if args.questions:
        _retrieve(index, args.questions, args.k, args.hits)
    window = _window_stats(nodes, Path(args.model) / "tokenizer.json", embed._model.max_seq_length)
    files = {d.metadata.get("file_path") for d in docs}
    pdf_pages = sum(1 for d in docs if str(d.metadata.get("file_path", "")).endswith(".pdf"))
    return {
        "system": "llamaindex",
        "start": start,
        "end": end,
        "files": len(files),
        "documents": len(docs),
        "pages": pdf_pages,
        "chunks": len(nodes),
        "vectors": int(store._faiss_index.ntotal),
        "load_s": t1 - t0,
        "split_s": t2 - t1,
        "embed_store_s": t3 - t2,
        "wall_s": t3 - t0,
        "setup_s": import_s,
        "chunk_size": splitter.chunk_size,
        "chunk_overlap": splitter.chunk_overlap,
        "max_seq_length": int(embed._model.max_seq_length),
        "index_nodes": len(index.index_struct.nodes_dict),
        **window,
    }


def _retrieve(index: Any, questions: Path, k: int, hits: Path | None) -> None:
    """The top ``k`` nodes of the default retriever for each question (JSONL with "id" and
    "question"), written as JSONL rows {"id", "hits": [{"file", "page", "score", "text"}]}
    (bench/lookalike.py, bench/real_reports.py)."""
    retriever = index.as_retriever(similarity_top_k=k)
    rows = []
    for line in questions.read_text(encoding="utf-8").splitlines():
        q = json.loads(line)
        found = retriever.retrieve(q["question"])
        rows.append({"id": q["id"], "hits": [
            {"file": Path(str(n.node.metadata.get("file_path", ""))).name,
             "page": n.node.metadata.get("page_label"), "score": n.score,
             "text": n.node.get_content()} for n in found]})  # fmt: skip
    text = "".join(json.dumps(r) + "\n" for r in rows)
    if hits:
        hits.write_text(text, encoding="utf-8")


def _window_stats(nodes: list[Any], tokenizer: Path, window: int) -> dict[str, float]:
    """How much of each node's embedding text (metadata included, as LlamaIndex embeds it)
    fits the model's window: the rest is silently truncated by sentence-transformers."""
    from llama_index.core.schema import MetadataMode
    from tokenizers import Tokenizer

    if not nodes or not tokenizer.exists():
        return {}
    tok = Tokenizer.from_file(str(tokenizer))
    tok.no_truncation()
    texts = [n.get_content(metadata_mode=MetadataMode.EMBED) for n in nodes]
    lens = [len(e.ids) for e in tok.encode_batch(texts)]
    return {
        "embed_tokens_avg": sum(lens) / len(lens),
        "over_window": sum(n > window for n in lens) / len(lens),
        "tokens_beyond_window": sum(max(0, n - window) for n in lens) / max(1, sum(lens)),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--input", type=Path, required=True)
    ap.add_argument("--model", required=True, help="a sentence-transformers model folder")
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--chunk-size", type=int, default=0, help="0: SentenceSplitter's default")
    ap.add_argument("--chunk-overlap", type=int, default=200)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--questions", type=Path, help="JSONL of {id, question}: retrieve for each")
    ap.add_argument("--k", type=int, default=5, help="nodes retrieved per question")
    ap.add_argument("--hits", type=Path, help="where the retrieved nodes go (JSONL)")
    args = ap.parse_args()
    result = run(args)
    text = json.dumps(result)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()

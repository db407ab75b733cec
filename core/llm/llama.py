"""The llama.cpp chat model (llama-cpp-python), loaded lazily and reused across turns.

The constructor only stores settings; the GGUF is loaded on first use (or ``warm_up``), once,
under a lock. The prompt is rendered with the GGUF's own chat template in a sandbox
(:mod:`sourcewise.core.llm.template`) and tokenized here: template scaffolding with special
tokens, message contents without, so a document containing ``<|im_start|>system`` stays text.
Reusing one ``Llama`` keeps the KV cache of the prompt prefix shared with the previous call
(the system prompt and usually most sources), and a RAM cache of recent states brings it back
after an unrelated call (the follow-up rewrite) evicted it.
"""

from __future__ import annotations

import json
import os
import re
import threading
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sourcewise.core.errors import ModelError
from sourcewise.core.llm.adapter_card import card_path
from sourcewise.core.llm.adapters import adapter_file, adapter_name, is_path
from sourcewise.core.llm.base import SAMPLING_SEED, Message
from sourcewise.core.llm.template import ChatTemplate
from sourcewise.core.progress import CancelToken
from sourcewise.core.settings import LLMSettings

if TYPE_CHECKING:
    from llama_cpp import Llama
    from llama_cpp.llama_types import CreateCompletionStreamResponse

    from sourcewise.core.modelstore.store import ModelStore

PREFIX_CACHE_BYTES = 512 << 20  # saved KV states of recent prompts, in RAM
_CONTROL = re.compile(r"<(?=\|[^<>|\s]{1,40}\|>|/?s>|(?:start|end)_of_turn>)")


class LlamaChatModel:
    """A :class:`~sourcewise.core.llm.base.ChatModel` backed by a GGUF file."""

    def __init__(
        self,
        settings: LLMSettings,
        models: ModelStore,
        *,
        prefix_cache: bool = True,
        state_dir: Path | None = None,
    ) -> None:
        self.settings = settings
        self.models = models
        self.prefix_cache = prefix_cache
        self.state_dir = state_dir  # saved KV states of the system prompt; None keeps none
        self._llm: Llama | None = None
        self._template: ChatTemplate | None = None
        self._stops: list[str] = []
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()  # a llama context serves one generation at a time

    # -- identity --------------------------------------------------------------------------
    @property
    def name(self) -> str:
        base = self.settings.path.stem if self.settings.path else self.settings.model
        adapter = adapter_name(self.settings, self.models)
        if adapter and is_path(adapter):
            adapter = Path(adapter).stem
        return f"{base}+{adapter}" if adapter else base

    @property
    def context_size(self) -> int:
        return self.settings.context_size

    def model_path(self) -> Path:
        if self.settings.path is not None:
            path = self.settings.path.expanduser()
            if not path.is_file():
                raise ModelError(f"chat model file not found: {path}")
            return path
        return self.models.path(self.settings.model)

    def adapter_path(self) -> Path | None:
        name = adapter_name(self.settings, self.models)
        return adapter_file(name, self.models) if name else None

    def check_adapter_base(self, adapter: Path) -> None:
        """An adapter on another base model loads without complaint and writes nonsense, so
        its card (``<name>.json``, written by ``sourcewise tune``) must name this model."""
        try:
            card = json.loads(card_path(adapter).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return  # an adapter from elsewhere, without a card: the user's own choice
        base = card.get("base_model") if isinstance(card, dict) else None
        if self.settings.path is None and isinstance(base, str) and base != self.settings.model:
            raise ModelError(
                f"LoRA adapter {adapter.stem!r} was trained on {base}, not on "
                f"{self.settings.model}: set llm.model = {base!r}, or choose another adapter"
            )

    # -- loading ---------------------------------------------------------------------------
    def warm_up(self) -> None:
        self._load()

    @property
    def llm(self) -> Llama:
        return self._load()

    @property
    def template(self) -> ChatTemplate:
        self._load()
        assert self._template is not None
        return self._template

    def _load(self) -> Llama:
        if self._llm is not None:
            return self._llm
        with self._load_lock:
            if self._llm is None:
                self._llm = self._open()
        return self._llm

    def _open(self) -> Llama:
        import llama_cpp

        path, adapter = self.model_path(), self.adapter_path()
        if adapter is not None:
            self.check_adapter_base(adapter)
        cfg = self.settings
        cores = os.cpu_count() or 1
        gpu = llama_cpp.llama_supports_gpu_offload() and cfg.device != "cpu"
        try:
            llm = _slim_state_llama()(
                model_path=str(path),
                n_ctx=cfg.context_size,
                n_threads=cfg.threads or cores,
                n_threads_batch=cfg.threads_batch or cores,
                n_gpu_layers=(-1 if cfg.gpu_layers < 0 else cfg.gpu_layers) if gpu else 0,
                flash_attn=cfg.flash_attn,
                lora_path=str(adapter) if adapter else None,
                verbose=False,
            )
        except (ValueError, RuntimeError, OSError) as err:
            raise ModelError(f"cannot load chat model {path.name}: {err}") from err
        if self.prefix_cache:
            from llama_cpp.llama_cache import LlamaRAMCache

            llm.set_cache(LlamaRAMCache(capacity_bytes=PREFIX_CACHE_BYTES))
        bos, eos = _token_text(llm, llm.token_bos()), _token_text(llm, llm.token_eos())
        metadata = {k: v for k, v in llm.metadata.items() if isinstance(v, str)}
        self._template = ChatTemplate.from_metadata(metadata, bos_token=bos, eos_token=eos)
        eot = _token_text(
            llm, llama_cpp.llama_vocab_eot(llama_cpp.llama_model_get_vocab(llm.model))
        )
        self._stops = self._template.stop_strings([eot])
        return llm

    def close(self) -> None:
        with self._load_lock, self._run_lock:
            if self._llm is not None:
                self._llm.close()
                self._llm = None

    # -- tokens ----------------------------------------------------------------------------
    def count_tokens(self, text: str) -> int:
        return len(self.llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def render(self, messages: Sequence[Message]) -> str:
        """The prompt text as the model sees it (for display and debugging)."""
        return self.template.render(messages)

    def prompt_tokens(self, messages: Sequence[Message]) -> list[int]:
        """Render with the chat template; contents are tokenized as plain text, never as
        control tokens, so a document cannot open or close a turn."""
        llm, template = self.llm, self.template
        marks = [f"\x02{uuid.uuid4().hex}\x03" for _ in messages]
        masked: list[Message] = [
            {"role": m["role"], "content": k} for m, k in zip(messages, marks, strict=True)
        ]
        text = template.render(masked)
        if any(text.count(mark) != 1 for mark in marks):  # content dropped, rewritten or repeated
            return self._plain_tokens(messages)
        tokens: list[int] = []
        for i, mark in enumerate(marks):
            before, _, text = text.partition(mark)
            tokens += self._special(before, first=i == 0)
            tokens += llm.tokenize(
                messages[i]["content"].encode("utf-8"), add_bos=False, special=False
            )
        return tokens + self._special(text, first=not marks)

    def _special(self, text: str, *, first: bool) -> list[int]:
        llm = self.llm
        tokens = (
            llm.tokenize(text.encode("utf-8"), add_bos=first, special=True) if text or first else []
        )
        bos = llm.token_bos()
        if first and len(tokens) >= 2 and tokens[0] == tokens[1] == bos:
            tokens = tokens[1:]  # the template wrote a BOS and the tokenizer added another
        return tokens

    def _plain_tokens(self, messages: Sequence[Message]) -> list[int]:
        """Whole-prompt tokenization, for templates that transform contents; control-token
        look-alikes in contents are broken up first (a zero-width space after the ``<``)."""
        safe: list[Message] = [
            {"role": m["role"], "content": _CONTROL.sub("<\u200b", m["content"])} for m in messages
        ]
        return self._special(self.template.render(safe), first=True)

    def _fitting_prompt(self, messages: Sequence[Message]) -> list[int]:
        """The prompt's tokens, or a clear error when they leave no room in the window."""
        tokens = self.prompt_tokens(messages)
        if len(tokens) + 1 >= self.context_size:
            raise ModelError(
                f"the prompt has {len(tokens)} tokens; the context window is {self.context_size}"
            )
        return tokens

    # -- judgements ------------------------------------------------------------------------
    def choice_logprobs(
        self, messages: Sequence[Message], options: Sequence[str]
    ) -> dict[str, float]:
        import numpy as np

        tokens = self._fitting_prompt(messages)
        with self._run_lock:
            self._restore_prefix(messages, tokens)
            logits = self._next_logits(tokens)
        top = float(logits.max())
        norm = top + float(np.log(np.exp(logits - top).sum()))
        out = {}
        for option in options:
            ids = self.llm.tokenize(option.encode("utf-8"), add_bos=False, special=False)
            out[option] = float(logits[ids[0]]) - norm if ids else float("-inf")
        return out

    def _next_logits(self, tokens: list[int]) -> Any:
        """Logits after ``tokens``, evaluating only what the KV cache does not hold yet (the
        way ``Llama.generate`` reuses a prefix), so the answer that follows reuses them too."""
        import llama_cpp
        import numpy as np

        llm = self.llm
        keep = 0
        for a, b in zip(llm._input_ids, tokens[:-1], strict=False):  # at least one to decode
            if a != b:
                break
            keep += 1
        if keep and llm._ctx.kv_cache_seq_rm(-1, keep, -1):
            llm.n_tokens = keep
        else:
            llm.reset()  # type: ignore[no-untyped-call]
        try:
            llm.eval(tokens[llm.n_tokens :])
        except RuntimeError as err:
            raise ModelError(f"evaluation failed: {err}") from err
        ptr = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1)
        return np.ctypeslib.as_array(ptr, shape=(llm.n_vocab(),)).copy()

    # -- the fixed prefix on disk -----------------------------------------------------------
    def _restore_prefix(self, messages: Sequence[Message], tokens: list[int]) -> None:
        """On a freshly loaded model, bring back the KV state of the system prompt from disk
        (or compute and save it), so a cold ``sourcewise ask`` does not pay for it."""
        llm = self.llm
        if self.state_dir is None or llm.n_tokens or not messages:
            return
        if messages[0]["role"] != "system":
            return
        prefix = self._system_prefix(messages[0])
        if not prefix or tokens[: len(prefix)] != prefix:
            return
        path = self.state_dir / f"{self._state_key(prefix)}.state"
        if _load_state(llm, path, prefix):
            return
        llm.eval(prefix)
        _save_state(llm, path)

    def _system_prefix(self, system: Message) -> list[int]:
        """The tokens every prompt with this system message starts with."""
        a = self.prompt_tokens([system, {"role": "user", "content": "a"}])
        b = self.prompt_tokens([system, {"role": "user", "content": "b"}])
        n = 0
        while n < min(len(a), len(b)) and a[n] == b[n]:
            n += 1
        return a[:n]

    def _state_key(self, prefix: list[int]) -> str:
        import hashlib

        import llama_cpp

        model = self.model_path()
        adapter = self.adapter_path()
        # An adapter retrained under the same name changes the prefix's KV: its size and
        # mtime are part of the key, as the model's size is.
        stamp = f"{adapter.stat().st_size}:{adapter.stat().st_mtime_ns}" if adapter else ""
        parts = [str(model), str(model.stat().st_size), str(adapter or ""), stamp,
                 llama_cpp.__version__, str(self.context_size), ",".join(map(str, prefix))]  # fmt: skip
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:24]

    # -- generation ------------------------------------------------------------------------
    def stream_chat(
        self,
        messages: Sequence[Message],
        *,
        max_tokens: int,
        temperature: float,
        cancel: CancelToken | None = None,
    ) -> Iterator[str]:
        tokens = self._fitting_prompt(messages)
        with self._run_lock:
            self._restore_prefix(messages, tokens)
            try:
                stream = cast(
                    "Iterator[CreateCompletionStreamResponse]",
                    self.llm.create_completion(prompt=tokens, max_tokens=max_tokens, temperature=temperature,
                                               stop=self._stops, stream=True, seed=SAMPLING_SEED),
                )  # fmt: skip
            except ValueError as err:
                raise ModelError(f"generation failed: {err}") from err
            try:
                for chunk in stream:
                    if cancel is not None and cancel.cancelled:
                        return
                    text = chunk["choices"][0]["text"]
                    if text:
                        yield text
            finally:
                close = getattr(stream, "close", None)
                if close is not None:
                    close()


def _slim_state_llama() -> type[Llama]:
    """``Llama`` whose saved states (the prefix cache) leave out the logits buffer.

    The stock ``save_state`` copies ``n_batch x vocab`` floats with the KV state: 311 MB for a
    Qwen model whose KV state is 7 MB, seconds per answer. After a restore the last prompt
    token is always decoded again before sampling, so those logits are never read.
    """
    import ctypes

    import llama_cpp
    import numpy as np
    from llama_cpp.llama import LlamaState

    class SlimStateLlama(llama_cpp.Llama):
        def save_state(self) -> LlamaState:
            ctx = self._ctx.ctx
            size = llama_cpp.llama_state_get_size(ctx)
            buf = (ctypes.c_uint8 * size)()
            n = int(llama_cpp.llama_state_get_data(ctx, buf, size))
            if n > size:
                raise RuntimeError("failed to copy the llama state")
            return LlamaState(input_ids=self.input_ids.copy(), scores=np.zeros((0, 0), np.single),
                              n_tokens=self.n_tokens, llama_state=ctypes.string_at(buf, n),
                              llama_state_size=n, seed=self._seed)  # fmt: skip

        def load_state(self, state: LlamaState) -> None:
            self.input_ids = state.input_ids.copy()
            self.n_tokens = state.n_tokens
            self._requires_eval = True  # sampling waits for a fresh decode
            self._seed = state.seed
            size = state.llama_state_size
            buf = (ctypes.c_uint8 * size).from_buffer_copy(state.llama_state)
            if llama_cpp.llama_state_set_data(self._ctx.ctx, buf, size) != size:
                raise RuntimeError("failed to restore the llama state")

    return SlimStateLlama


def _token_text(llm: Llama, token: int) -> str:
    if token < 0:
        return ""
    return llm.detokenize([token], special=True).decode("utf-8", "replace")


def _load_state(llm: Llama, path: Path, prefix: list[int]) -> bool:
    """Restore a saved prefix state; a missing, stale or damaged file is simply recomputed."""
    import pickle

    try:
        with path.open("rb") as f:
            state = pickle.load(f)  # written by _save_state below, in the user's own data dir
        if list(state.input_ids[: state.n_tokens]) != prefix:
            return False
        llm.load_state(state)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, RuntimeError, ValueError):
        return False
    return True


def _save_state(llm: Llama, path: Path) -> None:
    import pickle

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as f:
            pickle.dump(llm.save_state(), f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError:
        pass  # a read-only data dir costs the next cold start a second, nothing else

"""A quick test of the model server ``llm.backend = "openai"`` names, before it is used.

It asks ``/v1/models`` once, with a short timeout, and says in a sentence what it found: the
server's models and the one answers would use, or what is wrong and what to change. It never
raises: the desktop's "Test connection" shows the answer as it is.
"""

from __future__ import annotations

from sourcewise.core.errors import ModelError
from sourcewise.core.llm.openai_server import listed_models, pick_model
from sourcewise.core.llm.server_http import ServerClient, ServerError
from sourcewise.core.settings import LLMSettings
from sourcewise.core.types import ModelServerCheck

CHECK_TIMEOUT_S = 10.0  # a server that has not answered /v1/models by then will not serve chat


def check_model_server(settings: LLMSettings,
                       timeout_s: float = CHECK_TIMEOUT_S) -> ModelServerCheck:  # fmt: skip
    """Whether the server at ``settings.base_url`` answers and has ``settings.api_model``."""
    try:
        client = ServerClient(settings.base_url, settings.resolved_api_key(),
                              read_timeout_s=timeout_s)  # fmt: skip
        listing = client.call("GET", client.api_path("/models"))
        by_id = listed_models(listing, client.url)
    except ServerError as err:
        return ModelServerCheck(False, _refused(err.status, settings), str(err))
    except ModelError as err:
        return ModelServerCheck(False, _unreachable(str(err)), str(err))
    models = tuple(by_id)
    try:
        chosen = pick_model(by_id, settings.api_model, client.url)
    except ModelError as err:
        what = (f"The server has no model “{settings.api_model}”: choose one it has."
                if models else "The server answers but has no model loaded.")  # fmt: skip
        return ModelServerCheck(False, what, str(err), models)
    count = f"{len(models)} model{'s' if len(models) != 1 else ''}"
    return ModelServerCheck(True, f"Connected: the server has {count}; answers will use "
                            f"“{chosen}”.", models=models)  # fmt: skip


def _unreachable(message: str) -> str:
    # The client's messages are its contract (tests/llm pin them); these read them.
    if "no reply in time" in message:
        return "The model server did not answer in time: is it busy, or is it another server?"
    if "sent no list of models" in message or "not JSON" in message:
        return "Something answers there, but not as an OpenAI-compatible model server."
    if "valid address" in message or "must start with" in message:
        return "That is not a server address: write it as http://host:port/v1."
    return "Could not reach the model server: is it running, and is the address right?"


def _refused(status: int, settings: LLMSettings) -> str:
    if status in (401, 403):
        if settings.api_key_env and settings.resolved_api_key() is None:
            return (f"The server wants a key, and {settings.api_key_env} is not set in this "
                    "app's environment.")  # fmt: skip
        return "The server refused the key: check the key the environment variable holds."
    if status == 404:
        return "Something answers there, but has no /v1/models: check the address and its /v1."
    return f"The model server answered with an error (HTTP {status})."

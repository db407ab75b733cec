import ast
import socket
from pathlib import Path

import pytest

from tests.conftest import NetworkAccessError


def test_non_loopback_connection_fails_the_test() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s, pytest.raises(NetworkAccessError):
        s.connect(("93.184.216.34", 80))


def test_loopback_is_allowed() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        port = server.getsockname()[1]
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as client:
            client.connect(("127.0.0.1", port))


# -- Sourcewise's own connections: none, but to a model server the user set up ------------------
REPO = Path(__file__).resolve().parents[2]
NETWORK_MODULES = {"socket", "http.client", "urllib.request", "httpx", "requests", "aiohttp",
                   "ftplib", "smtplib", "websockets"}  # fmt: skip
MODEL_SERVER_CLIENT = Path("core/llm/server_http.py")  # used only with llm.backend = "openai"


def _imported(tree: ast.AST) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{a.name}" for a in node.names)
    return names


def test_only_the_model_server_client_can_open_a_connection() -> None:
    found = {}
    for path in [*REPO.glob("core/**/*.py"), *REPO.glob("desktop/**/*.py")]:
        hits = _imported(ast.parse(path.read_text(encoding="utf-8"))) & NETWORK_MODULES
        if hits:
            found[path.relative_to(REPO)] = hits
    assert found == {MODEL_SERVER_CLIENT: {"httpx", "socket"}}


def test_the_one_connection_goes_to_the_configured_server_only_when_asked(tmp_path: Path) -> None:
    from sourcewise.core.factory import make_chat_model
    from sourcewise.core.llm.llama import LlamaChatModel
    from sourcewise.core.modelstore.store import ModelStore
    from sourcewise.core.settings import Settings

    built_in = Settings(home=tmp_path)
    assert isinstance(make_chat_model(built_in, ModelStore(built_in)), LlamaChatModel)
    lan = Settings(home=tmp_path, llm={"backend": "openai", "base_url": "http://192.168.1.50:8080"})
    model = make_chat_model(lan, ModelStore(lan))  # stores settings, connects nothing
    assert model is not None
    with pytest.raises(NetworkAccessError, match=r"\('192\.168\.1\.50', 8080\)"):
        model.warm_up()  # the guard stops it here; a user's own LAN address is the one allowed

"""`sourcewise serve --adapter NAME` serves with that LoRA adapter configured."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import uvicorn

from sourcewise.core.cli.main import main


def test_serve_passes_the_adapter_to_the_engine(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    served: dict[str, Any] = {}

    def fake_run(app: Any, host: str, port: int, log_level: str) -> None:
        served.update(app=app, host=host, port=port)

    import sourcewise.core.server.app as server_app

    real_create = server_app.create_app

    def recording_create(engine: Any) -> Any:
        served["engine"] = engine
        return real_create(engine)

    monkeypatch.setattr(server_app, "create_app", recording_create)
    monkeypatch.setattr(uvicorn, "run", fake_run)
    code = main(["--data-dir", str(tmp_path), "--set", 'embed.model="hash"', "--set",
                 'llm.model="echo"', "serve", "--adapter", "my-notes", "--port", "9999"])  # fmt: skip
    assert code == 0
    assert served["host"] == "127.0.0.1" and served["port"] == 9999
    assert served["engine"].settings.llm.adapter == "my-notes"

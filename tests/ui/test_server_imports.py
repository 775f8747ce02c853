"""``streamlit run ui/server.py`` puts ui/ first on the import path, so a module of ui/
(``ui/common.py``) hides any top-level package of the same name. The UI server and its
pages must import as they run there (the bug: a package named ``common`` beside ``ui/``
made the UI fail at start with "'common' is not a package")."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from service.config import REPO_ROOT


def test_the_ui_server_imports_with_ui_first_on_the_path(tmp_path: Path) -> None:
    # Streamlit and the standard library are loaded before it changes the path.
    script = (
        "import sys, streamlit; "
        f"sys.path[:0] = [{str(REPO_ROOT / 'ui')!r}, {str(REPO_ROOT)!r}]; "
        "import ui.server, ui.safe_text"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=tmp_path, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]

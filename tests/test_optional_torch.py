"""torch is an optional extra: nothing but mothello_data.torch may import it."""

import subprocess
import sys

CODE = """
import sys
sys.modules["torch"] = None  # as if torch were not installed
import importlib, pkgutil
import mothello_data
names = [m.name for m in pkgutil.iter_modules(mothello_data.__path__) if m.name not in ("torch", "__main__")]
assert len(names) > 15, names  # every core module, found on disk (new ones included)
for name in names:
    importlib.import_module("mothello_data." + name)
try:
    import mothello_data.torch
except ImportError as exc:
    print(exc)
"""


def test_core_imports_without_torch_and_the_bridge_says_what_to_install():
    res = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert 'pip install "mothello-data[torch]"' in res.stdout

"""torch is an optional extra: nothing but mothello_data.torch may import it."""

import subprocess
import sys

CODE = """
import sys
sys.modules["torch"] = None  # as if torch were not installed
import mothello_data, mothello_data.engine, mothello_data.languages, mothello_data.loader
import mothello_data.probing, mothello_data.cli, mothello_data.jobs, mothello_data.backends, mothello_data.verify
try:
    import mothello_data.torch
except ImportError as exc:
    print(exc)
"""


def test_core_imports_without_torch_and_the_bridge_says_what_to_install():
    res = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True)
    assert res.returncode == 0, res.stderr
    assert 'pip install "mothello-data[torch]"' in res.stdout

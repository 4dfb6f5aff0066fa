"""``python -m mothello_data``: the same as the ``mothello-gen`` command."""
import sys

from .cli import main

sys.exit(main())

"""``python -m mothello_data``: the same as the ``mothello-gen`` command."""
from .cli import entry

entry()

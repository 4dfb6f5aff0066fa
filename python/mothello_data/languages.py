"""mOthello languages: the same games written in several artificial vocabularies.

The public entry point for languages; each rule lives in its own module and is re-exported here:

* :mod:`mothello_data.spec`: :class:`LanguageSpec` (types, anchors, language seed) and its seeded
  draws (which squares are anchored, split lengths);
* :mod:`mothello_data.vocabulary`: :class:`Vocabulary` (token ids, names, bulk encode / decode,
  ``vocab.json``);
* :mod:`mothello_data.targets`: training targets and move-completion flags per token.

Language types (per language ``l``):

* ``atomic``: one token per move, named ``L{l}:d3``.
* ``split``: each move a fixed, seeded sequence of 1 to 3 tokens, named ``L{l}:d3.0``, ``L{l}:d3.1``.
* ``compositional``: a row token then a column token (8 + 8 tokens), named ``L{l}:row3``, ``L{l}:cold``.
"""

from .spec import LANGUAGE_TYPES, MAX_TOKENS_PER_MOVE, SPEC_KEYS, LanguageSpec, SpecError, resolve_types
from .targets import IGNORE_INDEX, token_targets
from .vocabulary import PAD_ID, VOCAB_FORMAT, EncodedBatch, FlatTokens, Vocabulary, othello_world_spec

__all__ = [
    "LANGUAGE_TYPES", "MAX_TOKENS_PER_MOVE", "SPEC_KEYS", "LanguageSpec", "SpecError", "resolve_types",
    "IGNORE_INDEX", "token_targets", "PAD_ID", "VOCAB_FORMAT", "EncodedBatch", "FlatTokens", "Vocabulary",
    "othello_world_spec",
]

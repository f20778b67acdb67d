"""Recurrent networks at work: the four settings of sequence learning, each a runnable demo.

- :mod:`adding_problem` (many-to-one): the sum of two marked numbers of a long sequence; an
  LSTM learns it where a SimpleRNN does not, and the gradient reaching early steps says why.
- :mod:`char_lm` (one-to-many): a character-level LSTM trained on *Hamlet* that writes new
  text by sampling with a temperature.
- :mod:`tagging` (synchronous many-to-many): a part-of-speech tag for every word of a toy
  grammar whose ambiguous words only context resolves; padded steps are masked.
- :mod:`translation` (asynchronous many-to-many): an encoder-decoder that rewrites dates as
  "2021-03-03", trained with teacher forcing and decoded greedily.

Each module's ``run(...)`` trains with full-size defaults and returns a dict of numbers
(plots go to ``output_dir`` when one is given); ``run(**SMALL_BUDGET)`` is a seconds-long
version, and ``summary(results)`` formats the numbers. ``examples/rnn_*.py`` call them.
"""

from deepbricks.experiments.rnn import adding_problem, char_lm, tagging, translation

__all__ = ["adding_problem", "char_lm", "tagging", "translation"]

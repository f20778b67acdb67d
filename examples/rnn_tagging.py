"""Synchronous many-to-many: an LSTM tags every word of a toy grammar with its part of speech,
against the tag each word has most often (deepbricks.experiments.rnn.tagging).

    python examples/rnn_tagging.py    # accuracies printed; figure in out/rnn_tagging/
"""

from deepbricks.experiments.rnn import tagging


def main():
    results = tagging.run(output_dir="out/rnn_tagging", verbose=2)
    print(tagging.summary(results))


if __name__ == "__main__":
    main()

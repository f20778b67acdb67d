"""Asynchronous many-to-many: an encoder-decoder LSTM rewrites dates such as "march 3 2021"
as "2021-03-03", decoding greedily (deepbricks.experiments.rnn.translation).

    python examples/rnn_translation.py    # scores printed; figure in out/rnn_translation/
"""

from deepbricks.experiments.rnn import translation


def main():
    results = translation.run(output_dir="out/rnn_translation", verbose=2)
    print(translation.summary(results))


if __name__ == "__main__":
    main()

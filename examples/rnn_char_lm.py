"""One-to-many: a character-level LSTM learns Hamlet and writes new lines at three
temperatures (deepbricks.experiments.rnn.char_lm).

    python examples/rnn_char_lm.py    # losses and samples printed; files in out/rnn_char_lm/
"""

from deepbricks.experiments.rnn import char_lm


def main():
    results = char_lm.run(output_dir="out/rnn_char_lm", verbose=2)
    print(char_lm.summary(results))


if __name__ == "__main__":
    main()

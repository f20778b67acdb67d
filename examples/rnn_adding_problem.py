"""Many-to-one: the adding problem, LSTM against SimpleRNN, with the gradient that reaches
early time steps (deepbricks.experiments.rnn.adding_problem).

    python examples/rnn_adding_problem.py    # a few minutes; figure in out/rnn_adding_problem/
"""

from deepbricks.experiments.rnn import adding_problem


def main():
    results = adding_problem.run(length=100, cells=("lstm", "simple_rnn"),
                                 output_dir="out/rnn_adding_problem", verbose=2)
    print(adding_problem.summary(results))


if __name__ == "__main__":
    main()

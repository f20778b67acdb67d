"""CIFAR ResNet-20 on CIFAR-10 with flips and translations, the recipe of He et al. (2016)
(deepbricks.experiments.cifar10_resnet20). Needs the CIFAR-10 data (downloaded on first use,
or pass --data the folder holding cifar-10-python.tar.gz or cifar-10-batches-py/).

    python examples/cifar10_resnet20.py --epochs 30             # hours on a laptop CPU
    python examples/cifar10_resnet20.py --budget-minutes 10 --train-samples 5000
    python examples/cifar10_resnet20.py --plain                  # the plain twin, no shortcuts

Writes model.keras, history.json, results.json and curves.png into --output.
"""

import argparse

from deepbricks.experiments import cifar10_resnet20


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=164, help="passes over the data "
                        "(the paper's 64k iterations are about 164)")
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--learning-rate", type=float, default=0.1)
    parser.add_argument("--depth", type=int, default=20, help="6n + 2: 20, 32, 44, 56, 110")
    parser.add_argument("--plain", action="store_true", help="train the plain twin")
    parser.add_argument("--width", type=float, default=1.0, help="filter count multiplier")
    parser.add_argument("--budget-minutes", type=float, default=None,
                        help="stop training after this much wall time")
    parser.add_argument("--train-samples", type=int, default=None,
                        help="train on the first N images only")
    parser.add_argument("--data", default=None, help="where CIFAR-10 is")
    parser.add_argument("--output", default="out/cifar10_resnet20")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    cifar10_resnet20.train(
        args.output, epochs=args.epochs, batch_size=args.batch_size,
        learning_rate=args.learning_rate, depth=args.depth, shortcut=not args.plain,
        width=args.width, budget_minutes=args.budget_minutes, train_samples=args.train_samples,
        data_path=args.data, seed=args.seed, verbose=2)


if __name__ == "__main__":
    main()

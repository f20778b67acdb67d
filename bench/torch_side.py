"""The workloads' networks in PyTorch (``torch.nn``), the reference deepbricks is timed against.

Images stay in PyTorch's natural NCHW layout (the channels-last benchmark data is transposed
once, before timing); each twin has the same trainable parameter count as its deepbricks
model and the same optimizer hyperparameters in PyTorch's conventions (SGD momentum
v <- m*v + g, w <- w - lr*v equals Keras's v <- m*v - lr*g, w <- w + v at a fixed rate; Adam
with Keras's epsilon 1e-7; batch normalization with Keras's momentum 0.99 and epsilon 1e-3).
A training step is the usual zero_grad / forward / loss / backward / step, returning the loss
as a float like ``train_on_batch``; inference runs under ``torch.inference_mode()``.
"""

import numpy as np
import torch
from torch import nn


def mlp():
    return nn.Sequential(
        nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10)
    )


def course_cnn():
    return nn.Sequential(
        nn.Conv2d(1, 32, 5, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(32, 64, 5, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(7 * 7 * 64, 100), nn.ReLU(), nn.Linear(100, 10),
    )  # fmt: skip


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding="same"), nn.Tanh(), nn.AvgPool2d(2),
        nn.Conv2d(6, 16, 5), nn.Tanh(), nn.AvgPool2d(2),
        nn.Flatten(), nn.Linear(5 * 5 * 16, 120), nn.Tanh(), nn.Linear(120, 84), nn.Tanh(),
        nn.Linear(84, 10),
    )  # fmt: skip


class LSTMClassifier(nn.Module):
    """LSTM(128) over (batch, 50, 32) sequences, its last hidden state into Dense(10).

    ``nn.LSTM`` adds two bias vectors where Keras has one; the recurrent one is frozen at
    zero so that the trainable parameters match Keras's kernel, recurrent kernel and bias.
    """

    def __init__(self, features=32, units=128, classes=10):
        super().__init__()
        self.lstm = nn.LSTM(features, units, batch_first=True)
        with torch.no_grad():
            self.lstm.bias_hh_l0.zero_()
        self.lstm.bias_hh_l0.requires_grad_(False)
        self.head = nn.Linear(units, classes)

    def forward(self, x):
        _, (h, _) = self.lstm(x)
        return self.head(h[-1])


def _conv_bn(cin, cout, kernel, stride=1):
    return [
        nn.Conv2d(cin, cout, kernel, stride=stride, padding=kernel // 2, bias=False),
        nn.BatchNorm2d(cout, eps=1e-3, momentum=0.01),
    ]


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.body = nn.Sequential(
            *_conv_bn(cin, cout, 3, stride), nn.ReLU(), *_conv_bn(cout, cout, 3)
        )
        projection = stride != 1 or cin != cout
        self.shortcut = nn.Sequential(*_conv_bn(cin, cout, 1, stride)) if projection else None

    def forward(self, x):
        shortcut = x if self.shortcut is None else self.shortcut(x)
        return torch.relu(shortcut + self.body(x))


def resnet():
    blocks, cin = [], 16
    for stage, cout in enumerate((16, 32, 64)):
        for block in range(2):
            blocks.append(BasicBlock(cin, cout, 2 if stage and not block else 1))
            cin = cout
    return nn.Sequential(
        *_conv_bn(3, 16, 3), nn.ReLU(), *blocks,
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10),
    )  # fmt: skip


BUILDERS = {
    "W1": mlp, "W2": mlp, "W3": course_cnn, "W4": lenet5, "W5": LSTMClassifier, "W6": resnet,
}  # fmt: skip


def optimizer(spec, parameters):
    name, params = spec
    if name == "sgd":
        return torch.optim.SGD(parameters, lr=params["learning_rate"], momentum=params["momentum"])
    return torch.optim.Adam(
        parameters, lr=params["learning_rate"], betas=(params["beta_1"], params["beta_2"]),
        eps=params["epsilon"],
    )


def to_torch(x, y):
    """Channels-last arrays to torch tensors (images to contiguous NCHW)."""
    if x.ndim == 4:
        x = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    return torch.from_numpy(x), torch.from_numpy(y)


def build(workload):
    """Builds the workload's PyTorch twin.

    Returns:
        ``(step, n_params)``: ``step(x, y)`` runs one training step (or one inference pass)
        on torch tensors; ``n_params`` counts the trainable parameters.
    """
    torch.manual_seed(0)
    model = BUILDERS[workload.key]()
    n_params = sum(p.numel() for p in model.parameters() if p.requires_grad)
    if not workload.train:
        model.eval()

        def infer(x, y):
            with torch.inference_mode():
                return model(x)

        return infer, n_params
    model.train()
    opt = optimizer(workload.optimizer, [p for p in model.parameters() if p.requires_grad])
    loss_fn = nn.CrossEntropyLoss()

    def train_step(x, y):
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x), y)
        loss.backward()
        opt.step()
        return loss.item()

    return train_step, n_params

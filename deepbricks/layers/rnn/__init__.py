"""Recurrent layers, their cells, and the wrappers that apply layers along the time axis."""

from deepbricks.layers.rnn.bidirectional import Bidirectional
from deepbricks.layers.rnn.gru import GRU, GRUCell
from deepbricks.layers.rnn.lstm import LSTM, LSTMCell
from deepbricks.layers.rnn.rnn import RNN
from deepbricks.layers.rnn.simple_rnn import SimpleRNN, SimpleRNNCell
from deepbricks.layers.rnn.time_distributed import TimeDistributed

__all__ = ["Bidirectional", "GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "SimpleRNN",
           "SimpleRNNCell", "TimeDistributed"]

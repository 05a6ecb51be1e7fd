#!/usr/bin/python3
"""Golden data for convertWeights (test/convert-weights*.test.ts): weights and outputs from the frameworks.

Writes test/golden/convert-weights.json, then formats it with Prettier (npm test checks every JSON file):

    /usr/bin/python3 scripts/golden/convert-weights.py   # Debian's python3-torch (1.13) and python3-onnx (1.12)

Every case holds a `source` as convertWeights takes it (tensors as { shape, data }), an input x
[batch, timesteps, features] and what the framework computed from them: y [batch, timesteps,
directions·hidden] (the last layer's outputs, directions concatenated per step, as PyTorch's batch_first
output and ONNX's Y) and the final states h (and LSTM's c) [layers·directions, batch, hidden], as PyTorch's
h_n and ONNX's Y_h. Three origins:

- pytorch: nn.RNN / nn.LSTM / nn.GRU state dicts, outputs from the module's forward.
- onnx (exported): torch.onnx.export of a module; W, R, B and the attributes from the exported ONNX
  operator, outputs from the module's forward.
- onnx (reference): ONNX's own reference implementation of the operators (the helpers in
  onnx.backend.test.case.node that compute ONNX's node test data), on random W, R, B: the GRU with
  linear_before_reset 0, which no exporter here writes, and 1.

Weights and inputs are short decimals (exact in JSON, the same float32 in PyTorch and in JavaScript).
"""
import io
import json
import pathlib
import subprocess

import numpy as np
import onnx
import torch
from onnx import numpy_helper
from onnx.backend.test.case.node.gru import GRU_Helper
from onnx.backend.test.case.node.lstm import LSTM_Helper
from onnx.backend.test.case.node.rnn import RNN_Helper

ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / 'test' / 'golden' / 'convert-weights.json'
BATCH, TIMESTEPS, FEATURES, HIDDEN = 2, 4, 3, 5
rng = np.random.default_rng(21)
torch.manual_seed(21)


def decimals(shape, scale=0.5):
    """Uniform in [-scale, scale], rounded to 3 decimals, as float32."""
    return np.round(rng.uniform(-scale, scale, size=shape), 3).astype(np.float32)


def tensor(array, digits=None):
    """{ shape, data } of an array: float32 values as their shortest decimal, outputs to `digits` significant digits."""
    shape = list(np.shape(array))
    if digits:
        values = [float(f'{v:.{digits}g}') for v in np.asarray(array, dtype=np.float64).ravel()]
    else:
        values = [float(str(v)) for v in np.asarray(array, dtype=np.float32).ravel()]
    return {'shape': shape, 'data': values}


def outputs(y, h, c=None):
    result = {'y': tensor(y, 7), 'h': tensor(h, 7)}
    if c is not None:
        result['c'] = tensor(c, 7)
    return result


MODULES = {'simpleRNN': torch.nn.RNN, 'lstm': torch.nn.LSTM, 'gru': torch.nn.GRU}


def module(cell, layers=1, bidirectional=False, bias=True, nonlinearity=None):
    """A module with short-decimal weights, batch_first (x [batch, timesteps, features])."""
    extra = {'nonlinearity': nonlinearity} if nonlinearity else {}
    m = MODULES[cell](FEATURES, HIDDEN, num_layers=layers, bidirectional=bidirectional, bias=bias,
                      batch_first=True, **extra)
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(torch.from_numpy(decimals(tuple(p.shape))))
    return m


def run(m, x):
    with torch.no_grad():
        y, state = m(torch.from_numpy(x))
    if isinstance(state, tuple):
        return outputs(y.numpy(), state[0].numpy(), state[1].numpy())
    return outputs(y.numpy(), state.numpy())


def pytorch_case(name, cell, nonlinearity=None, **options):
    m = module(cell, nonlinearity=nonlinearity, **options)
    x = decimals((BATCH, TIMESTEPS, FEATURES), 1)
    source = {'from': 'pytorch', 'cell': cell,
              'stateDict': {key: tensor(value.numpy()) for key, value in m.state_dict().items()}}
    if nonlinearity:
        source['nonlinearity'] = nonlinearity
    return {'name': name, 'source': source, 'x': tensor(x), **run(m, x)}


def attribute(node, name):
    found = [a for a in node.attribute if a.name == name]
    return onnx.helper.get_attribute_value(found[0]) if found else None


def exported_case(name, cell, **options):
    """torch.onnx.export of a one-layer module: the operator's W, R, B and attributes; the module's outputs."""
    m = module(cell, **options)
    x = decimals((BATCH, TIMESTEPS, FEATURES), 1)
    buffer = io.BytesIO()
    torch.onnx.export(m, (torch.from_numpy(x),), buffer, opset_version=14)
    graph = onnx.load_from_string(buffer.getvalue()).graph
    [node] = [n for n in graph.node if n.op_type in ('RNN', 'LSTM', 'GRU')]
    initializers = {i.name: numpy_helper.to_array(i) for i in graph.initializer}
    W, R, B = (initializers[node.input[i]] for i in (1, 2, 3))
    source = {'from': 'onnx', 'cell': cell, 'W': tensor(W), 'R': tensor(R), 'B': tensor(B),
              'direction': attribute(node, 'direction').decode(), 'hiddenSize': attribute(node, 'hidden_size')}
    if attribute(node, 'linear_before_reset') is not None:
        source['linearBeforeReset'] = attribute(node, 'linear_before_reset')
    if attribute(node, 'activations') is not None:
        source['activations'] = [a.decode() for a in attribute(node, 'activations')]
    return {'name': name, 'source': source, 'x': tensor(x), **run(m, x)}


HELPERS = {'simpleRNN': (RNN_Helper, 1), 'lstm': (LSTM_Helper, 4), 'gru': (GRU_Helper, 3)}


def reference_case(name, cell, **attributes):
    """ONNX's reference implementation, forward direction, on random W, R, B (both biases non-zero)."""
    helper, gates = HELPERS[cell]
    W = decimals((1, gates * HIDDEN, FEATURES))
    R = decimals((1, gates * HIDDEN, HIDDEN))
    B = decimals((1, 2 * gates * HIDDEN))
    x = decimals((BATCH, TIMESTEPS, FEATURES), 1)
    # The helpers take X [timesteps, batch, features] and give Y [timesteps, 1, batch, hidden], Y_h [1, batch, hidden].
    Y, Y_h = helper(X=x.transpose(1, 0, 2).astype(np.float64), W=W.astype(np.float64), R=R.astype(np.float64),
                    B=B.astype(np.float64), **attributes).step()
    source = {'from': 'onnx', 'cell': cell, 'W': tensor(W), 'R': tensor(R), 'B': tensor(B)}
    if 'linear_before_reset' in attributes:
        source['linearBeforeReset'] = attributes['linear_before_reset']
    return {'name': name, 'source': source, 'x': tensor(x), **outputs(Y[:, 0].transpose(1, 0, 2), Y_h)}


def readme_case():
    """The README's example: an nn.GRU(1, 2) with the weights written there, on x = 1, 2, 3."""
    m = torch.nn.GRU(1, 2, batch_first=True)
    weights = {
        'weight_ih_l0': [[0.5], [-0.3], [0.8], [0.1], [0.4], [-0.6]],
        'weight_hh_l0': [[0.2, 0], [0.1, -0.1], [0, 0.3], [0.2, 0.1], [-0.3, 0.1], [0.2, 0.4]],
        'bias_ih_l0': [0.1, 0, -0.1, 0.2, 0, 0.1],
        'bias_hh_l0': [0, 0.1, 0.2, 0, -0.2, 0.1],
    }
    m.load_state_dict({key: torch.tensor(value) for key, value in weights.items()})
    x = np.array([[[1], [2], [3]]], dtype=np.float32)
    source = {'from': 'pytorch', 'cell': 'gru',
              'stateDict': {key: tensor(value.numpy()) for key, value in m.state_dict().items()}}
    return {'name': 'README: nn.GRU(1, 2)', 'source': source, 'x': tensor(x), **run(m, x)}


cases = [
    readme_case(),
    pytorch_case('nn.RNN tanh, 2 layers, bidirectional', 'simpleRNN', layers=2, bidirectional=True),
    pytorch_case('nn.RNN relu', 'simpleRNN', nonlinearity='relu'),
    pytorch_case('nn.LSTM, 2 layers, bidirectional', 'lstm', layers=2, bidirectional=True),
    pytorch_case('nn.LSTM without bias', 'lstm', bias=False),
    pytorch_case('nn.GRU, 2 layers, bidirectional', 'gru', layers=2, bidirectional=True),
    exported_case('ONNX RNN (exported nn.RNN relu), bidirectional', 'simpleRNN', bidirectional=True,
                  nonlinearity='relu'),
    exported_case('ONNX LSTM (exported nn.LSTM), bidirectional', 'lstm', bidirectional=True),
    exported_case('ONNX GRU (exported nn.GRU: linear_before_reset 1), bidirectional', 'gru', bidirectional=True),
    reference_case("ONNX RNN (ONNX's reference)", 'simpleRNN'),
    reference_case("ONNX LSTM (ONNX's reference)", 'lstm'),
    reference_case("ONNX GRU linear_before_reset 0 (ONNX's reference)", 'gru', linear_before_reset=0),
    reference_case("ONNX GRU linear_before_reset 1 (ONNX's reference)", 'gru', linear_before_reset=1),
]

golden = {
    'generator': 'scripts/golden/convert-weights.py',
    'versions': {'torch': torch.__version__, 'onnx': onnx.__version__, 'numpy': np.__version__},
    'cases': cases,
}
OUT.parent.mkdir(parents=True, exist_ok=True)
OUT.write_text(json.dumps(golden) + '\n')
subprocess.run(['npx', 'prettier', '--write', str(OUT.relative_to(ROOT))], cwd=ROOT, check=True)
print(f'{OUT.relative_to(ROOT)}: {len(cases)} cases, {OUT.stat().st_size} bytes')

#!/usr/bin/python3
"""PyTorch on the CPU, the anchor for `npm run bench:text`: the same char-RNN training steps, timed.

bench/text.ts runs it (Debian's python3-torch: /usr/bin/python3, or $PYTHON) with one JSON argument, the
models' sizes, and reads one JSON line from stdout; by hand:

    /usr/bin/python3 bench/text-pytorch.py '{"models": [...], "batches": 2, "rounds": 3}'

Each model as bench/text.ts gives it: { name, vocabulary, timesteps, batch, units: [..], embedding (0 for
one-hot input), sequences (a head on every step, else the last step's), learningRate }. A step is
forward, cross-entropy, backward and RMSprop on random token ids (speed does not depend on the text);
its time is the median of `rounds` rounds of `batches` steps after one warm-up round, on every core.
"""
import json
import os
import sys
import time

import torch


class CharRNN(torch.nn.Module):
    def __init__(self, vocabulary, embedding, units):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocabulary, embedding) if embedding else None
        sizes = [embedding or vocabulary, *units]
        self.lstms = torch.nn.ModuleList(
            torch.nn.LSTM(sizes[i], sizes[i + 1], batch_first=True) for i in range(len(units))
        )
        self.head = torch.nn.Linear(units[-1], vocabulary)
        self.vocabulary = vocabulary

    def forward(self, ids):
        x = self.embedding(ids) if self.embedding else torch.nn.functional.one_hot(ids, self.vocabulary).float()
        for lstm in self.lstms:
            x, _ = lstm(x)
        return self.head(x)


def time_model(spec, batches, rounds):
    torch.manual_seed(1)
    model = CharRNN(spec['vocabulary'], spec['embedding'], spec['units'])
    optimizer = torch.optim.RMSprop(model.parameters(), lr=spec['learningRate'])
    shape = (spec['batch'], spec['timesteps'])
    x = torch.randint(spec['vocabulary'], shape)
    y = torch.randint(spec['vocabulary'], shape if spec['sequences'] else shape[:1])

    def step():
        logits = model(x)
        if not spec['sequences']:
            logits = logits[:, -1]
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, spec['vocabulary']), y.reshape(-1))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    per_round = []
    for r in range(rounds + 1):
        start = time.perf_counter()
        for _ in range(batches):
            step()
        if r > 0:
            per_round.append((time.perf_counter() - start) * 1000 / batches)
    return sorted(per_round)[len(per_round) // 2]


def blas():
    """The BLAS libraries this process loaded: Debian's torch takes whichever libblas.so.3 the system selects."""
    with open('/proc/self/maps') as maps:
        return sorted({os.path.realpath(line.split()[-1]) for line in maps if 'blas' in line.split()[-1].lower()})


def main():
    config = json.loads(sys.argv[1])
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    results = {m['name']: {'msPerStep': time_model(m, config['batches'], config['rounds'])} for m in config['models']}
    threads = torch.get_num_threads()
    print(json.dumps({'torch': torch.__version__, 'threads': threads, 'blas': blas(), 'results': results}))


main()

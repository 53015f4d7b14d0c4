"""A small conv net three ways, for convnet.benchy.hcl: run eagerly, traced
with torch.jit.trace, and (this file's export command) exported with
torch.onnx.export for benchy's onnx {} runner.

  python3 convnet.py export convnet.onnx --batch 8   # what the suite's setup runs

The weights come from torch.manual_seed(weights_seed), so every arm and the
exported model hold the same net.
"""

import argparse
import os
import sys


def build(torch, weights_seed):
    nn = torch.nn
    torch.manual_seed(weights_seed)
    return nn.Sequential(
        nn.Conv2d(3, 16, 3, padding=1), nn.ReLU(),
        nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
        nn.Conv2d(32, 32, 3, padding=1), nn.ReLU(),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(32, 10),
    ).eval()


def prepare(config):
    import torch

    torch.set_num_threads(int(config["threads"]))
    device = config.get("device", "cpu")
    net = build(torch, int(config["weights_seed"])).to(device)
    g = torch.Generator().manual_seed(int(config["seed"]) % (1 << 63))
    x = torch.randn(int(config["batch"]), 3, int(config["size"]), int(config["size"]), generator=g).to(device)
    return torch, net, x


def eager(config):
    torch, net, x = prepare(config)

    def call():
        with torch.no_grad():
            net(x)
    return call


def traced(config):
    torch, net, x = prepare(config)
    with torch.no_grad():
        tnet = torch.jit.trace(net, x)

    def call():
        with torch.no_grad():
            tnet(x)
    return call


def export(argv):
    p = argparse.ArgumentParser(prog="convnet.py export")
    p.add_argument("out")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--size", type=int, default=32)
    p.add_argument("--weights-seed", type=int, default=0)
    a = p.parse_args(argv)
    try:
        import torch
    except ImportError as e:
        # The eager and traced arms skip with this reason; without a model
        # the onnx arm fails, naming the missing file.
        print("convnet.py: cannot export the ONNX model: %s cannot import torch (%s); "
              "on Debian: apt-get install python3-torch" % (sys.executable, e), file=sys.stderr)
        return 0
    net = build(torch, a.weights_seed)
    x = torch.zeros(a.batch, 3, a.size, a.size)
    tmp = a.out + ".tmp"
    torch.onnx.export(net, x, tmp, input_names=["x"], output_names=["logits"], opset_version=13)
    os.replace(tmp, a.out)
    return 0


if __name__ == "__main__":
    if len(sys.argv) < 2 or sys.argv[1] != "export":
        sys.exit("usage: convnet.py export OUT.onnx [--batch N] [--size N] [--weights-seed S]")
    sys.exit(export(sys.argv[2:]))

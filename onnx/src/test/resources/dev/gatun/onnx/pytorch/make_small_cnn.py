"""Writes small_cnn.onnx and small_cnn.json, the PyTorch-made model that RoundTripTest imports.

A small Fashion-MNIST-shaped CNN (conv, batch norm, pooling, leaky ReLU, dropout, linear) with
seeded random weights and batch-norm statistics, exported by torch.onnx (the TorchScript
exporter, opset 18) in eval mode; small_cnn.json holds a seeded input batch and PyTorch's
output for it, which Gatun must reproduce after `gatun import`.

    PYTHONPATH=/path/to/onnx python3 make_small_cnn.py   # needs torch and onnx (pip install onnx)
"""
import json

import torch
from torch import nn

torch.manual_seed(7)
model = nn.Sequential(
    nn.Conv2d(1, 4, 3, padding=1),
    nn.BatchNorm2d(4),
    nn.ReLU(),
    nn.MaxPool2d(2),
    nn.Conv2d(4, 8, 3, stride=2, padding=1, groups=2),
    nn.LeakyReLU(0.1),
    nn.AvgPool2d(2, stride=1),
    nn.Flatten(),
    nn.Dropout(0.25),
    nn.Linear(8 * 6 * 6, 10),
)
with torch.no_grad():
    bn = model[1]
    bn.running_mean.uniform_(-0.5, 0.5)
    bn.running_var.uniform_(0.5, 2.0)
    bn.weight.uniform_(0.5, 1.5)
    bn.bias.uniform_(-0.2, 0.2)
model.eval()

x = torch.rand(2, 1, 28, 28)
with torch.no_grad():
    y = model(x)

torch.onnx.export(model, (x,), "small_cnn.onnx", input_names=["input"], output_names=["logits"],
                  dynamic_axes={"input": {0: "batch"}, "logits": {0: "batch"}}, opset_version=18,
                  do_constant_folding=False, dynamo=False)
with open("small_cnn.json", "w") as f:
    json.dump({"torch": torch.__version__, "input_shape": list(x.shape), "input": x.flatten().tolist(),
               "output": y.flatten().tolist()}, f)
print("wrote small_cnn.onnx and small_cnn.json with torch", torch.__version__)

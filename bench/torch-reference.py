"""PyTorch's forward and forward+backward (input gradient) timings of the architectures bench/onnx-vjp.ts runs,
on this machine and in the same bench run: VGG16 features[:16] (to relu3_3) on 1x3x128x128 and ResNet18 (eval
mode) on 1x3x224x224, random weights, one thread. torchvision is not needed: the layers are written out here.
Prints one JSON object. Run by the bench when a python3 with torch is installed (Debian: python3-torch)."""
import json
import statistics
import sys
import time

import torch
from torch import nn


def vgg16_features16():
    layers, channels = [], 3
    for width in [64, 64, "M", 128, 128, "M", 256, 256, 256]:
        if width == "M":
            layers.append(nn.MaxPool2d(2, 2))
        else:
            layers += [nn.Conv2d(channels, width, 3, padding=1), nn.ReLU(inplace=True)]
            channels = width
    return nn.Sequential(*layers)


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(cout)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or cin != cout:
            self.downsample = nn.Sequential(nn.Conv2d(cin, cout, 1, stride, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        return self.relu(self.bn2(self.conv2(out)) + identity)


def resnet18():
    blocks = [nn.Conv2d(3, 64, 7, 2, 3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2, 1)]
    cin = 64
    for cout, stride in [(64, 1), (128, 2), (256, 2), (512, 2)]:
        blocks += [BasicBlock(cin, cout, stride), BasicBlock(cout, cout, 1)]
        cin = cout
    blocks += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(512, 1000)]
    return nn.Sequential(*blocks)


def median_seconds(fn, runs, warmup=2):
    for _ in range(warmup):
        fn()
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def timings(net, size, runs):
    torch.manual_seed(0)
    net = net.eval()
    x = torch.rand(1, 3, size, size)

    def forward():
        with torch.no_grad():
            net(x)

    def forward_backward():
        xx = x.clone().requires_grad_(True)
        y = net(xx)
        (g,) = torch.autograd.grad(y, xx, torch.ones_like(y))

    return {"forward": median_seconds(forward, runs), "forwardBackward": median_seconds(forward_backward, runs)}


def power_iteration_seconds(net, size, k, runs):
    """One power-method step of an eigendistortion as plenoptic computes it: the Fisher product F v = Jᵀ(J v) for k
    vectors, J v by the double-backward trick on a graph built once at the image."""
    torch.manual_seed(0)
    net = net.eval()
    x = (0.5 + 0.1 * torch.randn(1, 3, size, size)).requires_grad_(True)
    y = net(x)
    dummy = torch.ones_like(y, requires_grad=True)
    (g,) = torch.autograd.grad(y, x, dummy, create_graph=True)
    vectors = torch.randn(k, 1, 3, size, size)

    def step():
        for v in vectors:
            (jv,) = torch.autograd.grad(g, dummy, v, retain_graph=True)
            torch.autograd.grad(y, x, jv, retain_graph=True)

    return median_seconds(step, runs)


def main():
    torch.set_num_threads(1)
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with torch.random.fork_rng():
        result = {
            "torch": torch.__version__,
            "vgg16Features16": timings(vgg16_features16(), 128, runs),
            "resnet18": timings(resnet18(), 224, runs),
            "eigendistortionStep": power_iteration_seconds(vgg16_features16(), 64, 2, runs),
        }
    print(json.dumps(result))


if __name__ == "__main__":
    main()

"""Python twin of bench/node/lenet.js: LeNet2 (the lesson's model, scripts/parity/lenet2.py) either training (forward,
cross-entropy, zero_grad, backward, SGD step with momentum) or running forward only under no_grad, on one fixed batch."""
import os
import sys

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "parity"))
from lenet2 import LeNet2  # noqa: E402


class LeNet:
    def setup(self, p):
        torch.manual_seed(0)
        net = LeNet2(classes=10)
        return {
            "p": p,
            "net": net,
            "opt": torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9),
            "crit": torch.nn.CrossEntropyLoss(),
            "x": torch.randn(p["batch"], 3, 32, 32),
            "y": torch.randint(0, 10, (p["batch"],)),
        }

    def repeat(self, p):
        return p["steps"]

    def run(self, s):
        if s["p"]["mode"] == "train":
            loss = s["crit"](s["net"](s["x"]), s["y"])
            s["opt"].zero_grad()
            loss.backward()
            s["opt"].step()
        else:
            with torch.no_grad():
                s["net"](s["x"])

    def after(self, s):
        pass

    def teardown(self, s):
        pass

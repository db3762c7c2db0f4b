"""Python twin of bench/node/save.js: torch.save of a state dict held in memory to a path, optionally followed by
an fsync of the file (what a durable save adds; torch.save itself never syncs)."""
import collections
import os

import torch


class Save:
    def setup(self, p):
        sd = collections.OrderedDict(
            (f"layers.{i}.weight", torch.rand(p["numel"])) for i in range(p["count"])
        )
        return {"p": p, "sd": sd}

    def run(self, s):
        target = s["p"]["target"]
        torch.save(s["sd"], target)
        if s["p"].get("fsync"):
            fd = os.open(target, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def after(self, s):
        os.unlink(s["p"]["target"])
        # Every round starts with nothing left to write back (a round's dirty pages would slow the next one's).
        os.sync()

    def teardown(self, s):
        s["sd"] = None

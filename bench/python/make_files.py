"""Writes the benchmark's checkpoints with PyTorch itself, as a user's files would be written:
a state dict of N tensors of MIB MiB of float32 each, and a state dict of COUNT tensors of 1 KB (256 float32).

    python3 make_files.py BIG N MIB SMALL COUNT
"""
import collections
import sys

import torch


def state_dict(count, numel):
    g = torch.Generator().manual_seed(0)
    return collections.OrderedDict(
        (f"layers.{i}.weight", torch.rand(numel, generator=g)) for i in range(count)
    )


def main(big, n, mib, small, count):
    torch.save(state_dict(int(n), int(mib) * 1024 * 1024 // 4), big)
    torch.save(state_dict(int(count), 256), small)


if __name__ == "__main__":
    main(*sys.argv[1:])

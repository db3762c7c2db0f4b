"""Python's half of the big-load figure (scripts/gpu-check.sh); its Node twin is scripts/gpu/load-bench.ts.

  load_bench.py --file F --device DEV [--repeat R]
      times torch.load(F, map_location=DEV) until the device has the bytes (load, then synchronize), R times, and
      once more with mmap=True where this torch has it (2.1+); prints the times and each tensor's sum (float64)
"""
import argparse
import inspect
import json
import time

import torch


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--file', required=True)
    parser.add_argument('--device', required=True)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()

    def sync():
        if args.device.startswith('cuda'):
            torch.cuda.synchronize()

    torch.zeros(1, device=args.device).cpu()  # the device's context is made before timing, as in the twin
    times = []
    loaded = None
    for _ in range(args.repeat):
        loaded = None
        start = time.perf_counter()
        loaded = torch.load(args.file, map_location=args.device)
        sync()
        times.append(round(time.perf_counter() - start, 4))
    sums = dict((k, t.double().sum().item()) for k, t in loaded.items())
    devices = sorted(set(str(t.device) for t in loaded.values()))
    loaded = None
    mmap_seconds = None
    if 'mmap' in inspect.signature(torch.load).parameters:
        try:
            start = time.perf_counter()
            loaded = torch.load(args.file, map_location=args.device, mmap=True)
            sync()
            mmap_seconds = round(time.perf_counter() - start, 4)
        except Exception as e:  # a figure, not a requirement: say why there is none
            mmap_seconds = 'mmap=True failed: {}'.format(e)
    print(json.dumps({'times': times, 'mmapSeconds': mmap_seconds, 'devices': devices, 'sums': sums,
                      'torch': torch.__version__}))


if __name__ == '__main__':
    main()

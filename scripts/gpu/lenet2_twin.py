"""Python's half of the GPU parity check (scripts/gpu-check.sh); its Node twin is scripts/gpu/lenet2-twin.ts.

  lenet2_twin.py data DIR [--batches N] [--batch-size B]
      writes DIR/batches.pt ({'x': float32 (N, B, 3, 32, 32), 'y': int64 (N, B)}, torch.manual_seed(0)) and
      DIR/init.pt (LeNet2(classes=10).state_dict() after torch.manual_seed(1)): both twins start from these
  lenet2_twin.py train --data DIR --device DEV --out FILE [--epochs E] [--torch-defaults]
      the lesson's loop (CrossEntropyLoss, SGD lr=0.01 momentum=0.9, StepLR(2, 0.1)) on DEV with cuDNN deterministic,
      then saves {model_state_dict, optimizer_state_dict, scheduler_state_dict, epoch} from DEV's tensors. By default
      with PyTorch 1.13's semantics, which torch-node implements (zero_grad zeroes in place, SGD without foreach,
      asked for explicitly on 2.x);
      --torch-defaults uses the installed torch's own defaults instead (2.x: set_to_none, foreach on CUDA).
  lenet2_twin.py compare --node FILE --python FILE --device DEV
      loads Node's checkpoint with map_location='cpu', DEV and none (its own tags), and compares every tensor with
      Python's bit for bit; prints one JSON line
"""
import argparse
import json
import os
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'parity'))
from lenet2 import LeNet2  # noqa: E402


def make_data(args):
    os.makedirs(args.dir, exist_ok=True)
    torch.manual_seed(0)
    x = torch.randn(args.batches, args.batch_size, 3, 32, 32)
    y = torch.randint(0, 10, (args.batches, args.batch_size))
    torch.save({'x': x, 'y': y}, os.path.join(args.dir, 'batches.pt'))
    torch.manual_seed(1)
    torch.save(LeNet2(classes=10).state_dict(), os.path.join(args.dir, 'init.pt'))


def train(args):
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False
    data = torch.load(os.path.join(args.data, 'batches.pt'))
    net = LeNet2(classes=10)
    net.load_state_dict(torch.load(os.path.join(args.data, 'init.pt')))
    net.to(args.device)
    criterion = torch.nn.CrossEntropyLoss()
    # 1.13 steps one parameter at a time when foreach is None; 2.x then takes the foreach kernels on CUDA.
    old_semantics = not args.torch_defaults and int(torch.__version__.split('.')[0]) >= 2
    extra = {'foreach': False} if old_semantics else {}
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9, **extra)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1)
    start = time.perf_counter()
    for epoch in range(args.epochs):
        net.train()
        for i in range(data['x'].shape[0]):
            outputs = net(data['x'][i].to(args.device))
            if args.torch_defaults:
                optimizer.zero_grad()
            else:
                optimizer.zero_grad(set_to_none=False)
            loss = criterion(outputs, data['y'][i].to(args.device))
            loss.backward()
            optimizer.step()
        scheduler.step()
    if args.device.startswith('cuda'):
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    checkpoint = {
        'model_state_dict': net.state_dict(),
        'optimizer_state_dict': optimizer.state_dict(),
        'scheduler_state_dict': scheduler.state_dict(),
        'epoch': args.epochs - 1,
    }
    torch.save(checkpoint, args.out)
    print(json.dumps({'seconds': round(seconds, 3), 'loss': loss.item()}))


def tensors(checkpoint):
    """Every tensor of a checkpoint, by a path name: the model's and the optimizer's per-parameter state."""
    out = dict(('model.' + k, v) for k, v in checkpoint['model_state_dict'].items())
    for index, state in checkpoint['optimizer_state_dict']['state'].items():
        for k, v in state.items():
            if isinstance(v, torch.Tensor):
                out['optimizer.{}.{}'.format(index, k)] = v
    return out


def raw(t):
    return t.detach().cpu().contiguous().view(torch.uint8).numpy().tobytes()


def compare(args):
    ours = tensors(torch.load(args.python, map_location='cpu'))
    report = {'tensors': len(ours)}
    for name, location in (('cpu', 'cpu'), ('device', args.device), ('tags', None)):
        kwargs = {} if location is None else {'map_location': location}
        theirs = tensors(torch.load(args.node, **kwargs))
        same = [k for k in ours if k in theirs and raw(theirs[k]) == raw(ours[k])]
        report[name] = {
            'identical': len(same),
            'differ': sorted(set(ours) - set(same))[:5],
            'devices': sorted(set(str(t.device) for t in theirs.values())),
        }
    print(json.dumps(report))


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest='command', required=True)
    d = sub.add_parser('data')
    d.add_argument('dir')
    d.add_argument('--batches', type=int, default=40)
    d.add_argument('--batch-size', type=int, default=64)
    t = sub.add_parser('train')
    t.add_argument('--data', required=True)
    t.add_argument('--device', required=True)
    t.add_argument('--out', required=True)
    t.add_argument('--epochs', type=int, default=3)
    t.add_argument('--torch-defaults', action='store_true')
    c = sub.add_parser('compare')
    c.add_argument('--node', required=True)
    c.add_argument('--python', required=True)
    c.add_argument('--device', required=True)
    args = parser.parse_args()
    {'data': make_data, 'train': train, 'compare': compare}[args.command](args)


if __name__ == '__main__':
    main()

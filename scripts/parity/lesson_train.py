"""Python twin of test/helpers/lesson-twin.ts: the lesson's training loop with checkpoints, on fixed batches.

  lesson_train.py batches FILE [--batches N] [--batch-size B] [--classes C]
      writes the fixed batches both sides train on: {'x': float32 (N, B, 3, 32, 32), 'y': int64 (N, B)}
  lesson_train.py train --batches FILE --out DIR [--optimizer sgd|adam] [--epochs E] [--classes C]
                        [--resume CKPT] [--stop-after EPOCH]
      LeNet2 from torch.manual_seed(1), CrossEntropyLoss, SGD(lr=0.01, momentum=0.9) or Adam(lr=0.001), StepLR(
      step_size=2, gamma=0.1); after every epoch saves DIR/checkpoint_<epoch>_epoch.pkl = {model_state_dict,
      optimizer_state_dict, scheduler_state_dict, epoch}. --resume continues after the checkpoint's epoch (states
      loaded, scheduler included); --stop-after ends the run after that epoch, as an interruption would.
"""
import argparse
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lenet2 import LeNet2  # noqa: E402


def make_batches(args):
    torch.manual_seed(0)
    x = torch.randn(args.batches, args.batch_size, 3, 32, 32)
    y = torch.randint(0, args.classes, (args.batches, args.batch_size))
    torch.save({'x': x, 'y': y}, args.file)


def train(args):
    data = torch.load(args.batches)
    torch.manual_seed(1)
    net = LeNet2(classes=args.classes)
    criterion = torch.nn.CrossEntropyLoss()
    if args.optimizer == 'sgd':
        optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    else:
        optimizer = torch.optim.Adam(net.parameters(), lr=0.001)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=2, gamma=0.1)
    start_epoch = -1
    if args.resume:
        checkpoint = torch.load(args.resume)
        net.load_state_dict(checkpoint['model_state_dict'])
        optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
        scheduler.load_state_dict(checkpoint['scheduler_state_dict'])
        start_epoch = checkpoint['epoch']
    for epoch in range(start_epoch + 1, args.epochs):
        net.train()
        for i in range(data['x'].shape[0]):
            outputs = net(data['x'][i])
            optimizer.zero_grad()
            loss = criterion(outputs, data['y'][i])
            loss.backward()
            optimizer.step()
        scheduler.step()
        checkpoint = {
            'model_state_dict': net.state_dict(),
            'optimizer_state_dict': optimizer.state_dict(),
            'scheduler_state_dict': scheduler.state_dict(),
            'epoch': epoch,
        }
        torch.save(checkpoint, os.path.join(args.out, 'checkpoint_{}_epoch.pkl'.format(epoch)))
        if args.stop_after is not None and epoch >= args.stop_after:
            break


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest='command', required=True)
    b = sub.add_parser('batches')
    b.add_argument('file')
    b.add_argument('--batches', type=int, default=4)
    b.add_argument('--batch-size', type=int, default=8)
    b.add_argument('--classes', type=int, default=10)
    t = sub.add_parser('train')
    t.add_argument('--batches', required=True)
    t.add_argument('--out', required=True)
    t.add_argument('--optimizer', choices=['sgd', 'adam'], default='sgd')
    t.add_argument('--epochs', type=int, default=3)
    t.add_argument('--classes', type=int, default=10)
    t.add_argument('--resume')
    t.add_argument('--stop-after', type=int)
    args = parser.parse_args()
    make_batches(args) if args.command == 'batches' else train(args)


if __name__ == '__main__':
    main()

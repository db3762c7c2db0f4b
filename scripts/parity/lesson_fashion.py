"""Python twin of `npm start` (scripts/demo/lesson.ts): the same lesson, the same data pipeline, the same seeds and
the same order of random draws, so both write byte-identical checkpoints and reach the same test accuracy.

  /usr/bin/python3 scripts/parity/lesson_fashion.py --out DIR [--epochs 10] [--batch-size 64] [--train-size 20000]
      [--test-size 10000] [--data DIR] [--checkpoint-interval 5] [--interrupt-after 5] [--seed 1] [--device cpu]

Prints the training time and the test accuracy (compare with npm start's).
"""
import argparse
import gzip
import os
import struct
import sys
import time

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lenet2 import LeNet2  # noqa: E402

MEAN, STD = 0.286, 0.353


def read_idx(path, dims):
    with gzip.open(path) as f:
        data = f.read()
    shape = struct.unpack('>%dI' % dims, data[4:4 + 4 * dims])
    return torch.frombuffer(bytearray(data[4 + 4 * dims:]), dtype=torch.uint8).view(*shape)


def load_split(split, limit, folder):
    images = read_idx(os.path.join(folder, '%s-images-idx3-ubyte.gz' % split), 3)
    labels = read_idx(os.path.join(folder, '%s-labels-idx1-ubyte.gz' % split), 1)
    n = min(limit, images.shape[0])
    padded = F.pad(images.narrow(0, 0, n).unsqueeze(1).to(torch.float32), [2, 2, 2, 2])
    return padded.div(255).sub(MEAN).div(STD), labels.narrow(0, 0, n).to(torch.int64)


def batches(split, batch_size, order=None):
    images, labels = split
    n = labels.shape[0]
    for start in range(0, n, batch_size):
        size = min(batch_size, n - start)
        if order is not None:
            idx = order.narrow(0, start, size)
            x, y = images.index_select(0, idx), labels.index_select(0, idx)
        else:
            x, y = images.narrow(0, start, size), labels.narrow(0, start, size)
        yield x.expand(size, 3, 32, 32), y


def new_run(device):
    net = LeNet2(classes=10).to(device)
    optimizer = torch.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=6, gamma=0.1)
    return net, optimizer, scheduler


def train_epoch(run, train, args):
    net, optimizer, scheduler = run
    criterion = torch.nn.CrossEntropyLoss()
    net.train()
    for x, y in batches(train, args.batch_size, torch.randperm(train[1].shape[0])):
        inputs, labels = x.to(args.device), y.to(args.device)
        outputs = net(inputs)
        optimizer.zero_grad()
        loss = criterion(outputs, labels)
        loss.backward()
        optimizer.step()
        loss.item()
        outputs.argmax(1).eq(labels).sum().item()
    scheduler.step()


def save_checkpoint(run, epoch, args):
    if (epoch + 1) % args.checkpoint_interval != 0:
        return
    net, optimizer, scheduler = run
    checkpoint = {'model_state_dict': net.state_dict(), 'optimizer_state_dict': optimizer.state_dict(),
                  'scheduler_state_dict': scheduler.state_dict(), 'epoch': epoch}
    torch.save(checkpoint, os.path.join(args.out, 'checkpoint_{}_epoch.pkl'.format(epoch)))


def main():
    p = argparse.ArgumentParser()
    p.add_argument('--out', required=True)
    p.add_argument('--epochs', type=int, default=10)
    p.add_argument('--batch-size', type=int, default=64)
    p.add_argument('--train-size', type=int, default=20000)
    p.add_argument('--test-size', type=int, default=10000)
    p.add_argument('--data', default='/usr/share/datasets/fashion-mnist')
    p.add_argument('--checkpoint-interval', type=int, default=5)
    p.add_argument('--interrupt-after', type=int, default=5)
    p.add_argument('--seed', type=int, default=1)
    p.add_argument('--device', default='cpu')
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.manual_seed(args.seed)

    # model_save / model_load draw the same random numbers as the demo's first part.
    net = LeNet2(classes=2019)
    net.initialize()
    net_new = LeNet2(classes=2019)
    net_new.load_state_dict(net.state_dict())

    train = load_split('train', args.train_size, args.data)
    test = load_split('t10k', args.test_size, args.data)
    started = time.time()
    run = new_run(args.device)
    for epoch in range(args.epochs):
        train_epoch(run, train, args)
        save_checkpoint(run, epoch, args)
        if args.interrupt_after <= epoch < args.epochs - 1:
            print('训练意外中断...')
            break

    names = [n for n in os.listdir(args.out) if n.startswith('checkpoint_') and n.endswith('_epoch.pkl')]
    latest = max(names, key=lambda n: int(n.split('_')[1]))
    run = new_run(args.device)
    net, optimizer, scheduler = run
    checkpoint = torch.load(os.path.join(args.out, latest), map_location=args.device)
    net.load_state_dict(checkpoint['model_state_dict'])
    optimizer.load_state_dict(checkpoint['optimizer_state_dict'])
    start_epoch = checkpoint['epoch']
    scheduler.last_epoch = start_epoch
    for epoch in range(start_epoch + 1, args.epochs):
        train_epoch(run, train, args)
        save_checkpoint(run, epoch, args)
    seconds = time.time() - started

    net.eval()
    correct = 0
    with torch.no_grad():
        for x, y in batches(test, 500):
            correct += int(net(x.to(args.device)).argmax(1).eq(y.to(args.device)).sum().item())
    total = test[1].shape[0]
    print('training took %.1f s' % seconds)
    print('test accuracy: %.2f%% (%d/%d)' % (100 * correct / total, correct, total))


if __name__ == '__main__':
    main()

/**
 * The Python class path of every layer, registered for pickling: a whole module saved by PyTorch loads as these JS
 * classes, and saving one writes the path PyTorch 1.13 writes (`torch.nn.modules.conv.Conv2d`, …).
 */
import { ReLU, Softmax } from './activation';
import { BatchNorm1d, BatchNorm2d } from './batchnorm';
import { Sequential } from './container';
import { Conv2d } from './conv';
import { Dropout } from './dropout';
import { Flatten } from './flatten';
import { Identity, Linear } from './linear';
import { CrossEntropyLoss, MSELoss, NLLLoss } from './loss';
import { Module } from './module';
import { registerModuleClass } from './module-pickle';
import { AvgPool2d, MaxPool2d } from './pooling';

const PATHS: [abstract new (...args: never[]) => Module, string][] = [
  [Module, 'torch.nn.modules.module'],
  [Sequential, 'torch.nn.modules.container'],
  [Conv2d, 'torch.nn.modules.conv'],
  [Linear, 'torch.nn.modules.linear'],
  [Identity, 'torch.nn.modules.linear'],
  [ReLU, 'torch.nn.modules.activation'],
  [Softmax, 'torch.nn.modules.activation'],
  [MaxPool2d, 'torch.nn.modules.pooling'],
  [AvgPool2d, 'torch.nn.modules.pooling'],
  [Flatten, 'torch.nn.modules.flatten'],
  [Dropout, 'torch.nn.modules.dropout'],
  [BatchNorm1d, 'torch.nn.modules.batchnorm'],
  [BatchNorm2d, 'torch.nn.modules.batchnorm'],
  [CrossEntropyLoss, 'torch.nn.modules.loss'],
  [NLLLoss, 'torch.nn.modules.loss'],
  [MSELoss, 'torch.nn.modules.loss'],
];

for (const [cls, module] of PATHS) registerModuleClass(cls, module);

/**
 * torch.nn: Module and its registration rules, the layers, losses, torch.nn.functional and torch.nn.init.
 * Importing it registers every layer's Python class path for whole-module pickles.
 */
import './classes';
import * as functional from './functional';
import * as init from './init';

export { Parameter } from '../parameter';
export { Module } from './module';
export type { IncompatibleKeys, StateDict, StateDictLike, ModuleTarget } from './module';
export { registerModuleClass } from './module-pickle';
export { Sequential } from './container';
export { Conv2d } from './conv';
export type { Conv2dOptions, FactoryOptions } from './conv';
export { Linear, Identity } from './linear';
export { ReLU, Softmax } from './activation';
export { MaxPool2d, AvgPool2d } from './pooling';
export type { MaxPool2dOptions, AvgPool2dOptions } from './pooling';
export { Flatten } from './flatten';
export { Dropout } from './dropout';
export { BatchNorm, BatchNorm1d, BatchNorm2d } from './batchnorm';
export type { BatchNormOptions } from './batchnorm';
export { CrossEntropyLoss, NLLLoss, MSELoss } from './loss';
export type { WeightedLossOptions } from './loss';
export { functional, init };

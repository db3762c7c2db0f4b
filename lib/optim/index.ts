/** torch.optim: Optimizer, SGD, Adam, AdamW, and torch.optim.lr_scheduler. */
import * as lr_scheduler from './lr_scheduler';

export { Optimizer, REQUIRED } from './optimizer';
export type { ParamGroup, ParamGroupInput, Params, Closure, OptimizerStateDict, HyperSpec } from './optimizer';
export { SGD } from './sgd';
export type { SGDOptions } from './sgd';
export { Adam } from './adam';
export type { AdamOptions } from './adam';
export { AdamW } from './adamw';
export { lr_scheduler };

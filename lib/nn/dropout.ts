/**
 * nn.Dropout: zeroes elements with probability p in training mode and scales the rest by 1/(1-p); the identity in
 * evaluation mode.
 */
import { Float } from '../serialization/python';
import { Tensor } from '../tensor';
import { pyError } from './errors';
import * as F from './functional';
import { Module } from './module';
import { pyStr } from './pyformat';

/** Dropout layer. */
export class Dropout extends Module {
  static override floatAttributes = ['p'];
  declare p: number;
  declare inplace: boolean;

  constructor(p = 0.5, opts: { inplace?: boolean } = {}) {
    super();
    if (p < 0 || p > 1) throw pyError('ValueError', `dropout probability has to be between 0 and 1, but got ${p}`);
    this.p = p;
    this.inplace = opts.inplace ?? false;
  }

  override forward(input: Tensor): Tensor {
    return F.dropout(input, { p: this.p, training: this.training, inplace: this.inplace });
  }

  override extraRepr(): string {
    return `p=${pyStr(new Float(this.p))}, inplace=${pyStr(this.inplace)}`;
  }
}

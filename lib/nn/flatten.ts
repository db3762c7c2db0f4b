/**
 * nn.Flatten: flattens dimensions startDim…endDim (1…-1 by default, keeping the batch dimension).
 */
import { Tensor } from '../tensor';
import { Module } from './module';

/** Flattens a contiguous range of dimensions. */
export class Flatten extends Module {
  declare startDim: number;
  declare endDim: number;

  constructor(startDim = 1, endDim = -1) {
    super();
    this.startDim = startDim;
    this.endDim = endDim;
  }

  override forward(input: Tensor): Tensor {
    return input.flatten(this.startDim, this.endDim);
  }

  override extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}

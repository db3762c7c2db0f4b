/**
 * String(tensor): PyTorch's repr. (First version: values via tolist; see test/printing for the exact rules.)
 */
import type { Tensor } from './tensor';

export function formatTensor(t: Tensor): string {
  const body = JSON.stringify(t.tolist(), (_k, v) => (typeof v === 'bigint' ? v.toString() : v));
  const extras: string[] = [];
  if (t.device !== 'cpu') extras.push(`device='${t.device}'`);
  if (t.dtype !== 'float32' && t.dtype !== 'int64' && t.dtype !== 'bool') extras.push(`dtype=torch.${t.dtype}`);
  const fn = t.gradFn;
  if (fn) extras.push(`grad_fn=<${fn}>`);
  else if (t.requiresGrad) extras.push('requires_grad=True');
  return `tensor(${[body, ...extras].join(', ')})`;
}

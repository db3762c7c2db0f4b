/**
 * libtorch's own C++ format (`torch::save` / `torch::load`), for exchanging tensors with C++ programs. These files
 * are not Python checkpoints: use torch.save / torch.load for those.
 */
import { native } from './native';
import { Tensor, wrap } from './tensor';

/** Writes tensors as C++'s torch::save does: a list under keys "0", "1", …, or named tensors under their names. */
export function save(tensors: Tensor[] | Record<string, Tensor>, path: string): void {
  if (Array.isArray(tensors))
    native.nativeSave(
      tensors.map((t) => t._h),
      path,
    );
  else native.nativeSave(Object.fromEntries(Object.entries(tensors).map(([k, t]) => [k, t._h])), path);
}

/** Reads a torch::save file: an array when its keys are "0", "1", … in order (a saved std::vector), else an object. */
export function load(path: string): Tensor[] | Record<string, Tensor> {
  const [keys, handles] = native.nativeLoad(path);
  const tensors = handles.map(wrap);
  if (keys.every((k, i) => k === String(i))) return tensors;
  return Object.fromEntries(keys.map((k, i) => [k, tensors[i]]));
}

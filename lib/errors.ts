/**
 * Error classes. Native failures arrive as {@link TorchError} carrying PyTorch's own one-line message; problems with a
 * checkpoint file arrive as {@link TorchLoadError} with a stable `.code`.
 */

/** Any error raised by libtorch or by torch-node's checks. `pyType` names the Python exception PyTorch raises. */
export class TorchError extends Error {
  /** 'RuntimeError', 'IndexError', 'TypeError', 'ValueError', 'NotImplementedError', … */
  pyType: string;
  constructor(message: string, pyType = 'RuntimeError') {
    super(message);
    this.name = 'TorchError';
    this.pyType = pyType;
  }
}

/** Wrong arguments to a torch-node function, found before anything reaches libtorch. */
export class TorchTypeError extends TorchError {
  constructor(message: string) {
    super(message, 'TypeError');
    this.name = 'TorchTypeError';
  }
}

/**
 * A file that cannot be loaded. `code` is stable (listed in README); `file` and `record` say where.
 */
export class TorchLoadError extends TorchError {
  code: string;
  file?: string;
  record?: string;
  constructor(code: string, message: string, where: { file?: string; record?: string } = {}) {
    const place = [where.file, where.record && `record '${where.record}'`].filter(Boolean).join(', ');
    super(place ? `${message} (${place})` : message, 'UnpicklingError');
    this.name = 'TorchLoadError';
    this.code = code;
    this.file = where.file;
    this.record = where.record;
  }
}

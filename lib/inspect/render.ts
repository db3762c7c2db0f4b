/**
 * The text `torch-node inspect` prints: the container's facts, the value tree drawn with box characters, and totals.
 */
import type { CheckpointInfo } from '../serialization';
import type { Totals, ValueNode } from './value-tree';

/** Records listed before the rest is summed up in one line (--json lists all). */
const MAX_RECORDS = 20;
/** Levels of nesting drawn (--json has all). */
const MAX_DEPTH = 40;

/** Bytes in binary units: '980 B', '1.8 KiB', '242.2 MiB'. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let u = 0;
  let v = n;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  return u === 0 ? `${n} B` : `${v.toFixed(1)} ${units[u]}`;
}

const count = (n: number, what: string) => `${n.toLocaleString('en-US')} ${what}${n === 1 ? '' : 's'}`;

/** Which writer makes a file laid out like this one: the record sets of pytorch-format.md §2.1, newest first. */
export function writtenBy(info: CheckpointInfo): string {
  const has = (name: string) => info.records.some((r) => r.name === name);
  if (info.format === 'legacy') return 'torch.save(_use_new_zipfile_serialization=False), or PyTorch before 1.6';
  if (info.format === 'torchscript') return 'torch.jit.save (TorchScript)';
  if (has('.format_version')) return 'torch.save of PyTorch 2.7 or newer';
  if (has('.data/serialization_id') || has('byteorder')) return 'torch.save of PyTorch 2.1 to 2.6';
  return 'torch.save of PyTorch 1.6 to 2.0';
}

/** The container: format, archive folder, version, byte order, pickle protocol, records (storages when legacy). */
export function renderLayout(info: CheckpointInfo): string[] {
  const head =
    info.format === 'legacy'
      ? `legacy format, pickle protocol ${info.protocol}`
      : `${info.format === 'torchscript' ? 'TorchScript zip' : 'zip'} archive '${info.prefix}/', version ` +
        `${info.version}, ${info.byteOrder}-endian, pickle protocol ${info.protocol}`;
  const lines = [
    `${info.file}: ${head}, ${count(info.records.length, 'record')}, ${formatBytes(info.size)}`,
    `  written by ${writtenBy(info)}`,
    '  records:',
  ];
  const shown = info.records.slice(0, MAX_RECORDS);
  const width = Math.max(...shown.map((r) => r.name.length));
  for (const r of shown) {
    const deflated = r.compression === 'deflated' ? `, deflated to ${formatBytes(r.compressedSize)}` : '';
    const crc = r.crc32 === null ? '' : `, crc32 ${r.crc32.toString(16).padStart(8, '0')}`;
    lines.push(`    ${r.name.padEnd(width)}  ${formatBytes(r.size)}${deflated}${crc}`);
  }
  if (info.records.length > MAX_RECORDS) {
    lines.push(`    … and ${info.records.length - MAX_RECORDS} more (--json lists all)`);
  }
  return lines;
}

function describeNode(n: ValueNode, shared: Totals['shared']): string {
  const t = n.tensor;
  if (!t) return n.summary === undefined ? n.type : `${n.type}: ${n.summary}`;
  const parts = [n.type, t.dtype, `[${t.shape.join(', ')}]`, formatBytes(t.bytes), t.device];
  if (t.storage >= 0 && shared[String(t.storage)]) parts.push(`storage #${t.storage}, shared`);
  else if (t.storage >= 0 && t.bytes < t.storageBytes)
    parts.push(`view of storage #${t.storage} (${formatBytes(t.storageBytes)})`);
  return parts.join(' ');
}

/** The value tree, one line per node. */
export function renderTree(root: ValueNode, shared: Totals['shared']): string[] {
  const lines = [describeNode(root, shared)];
  const walk = (node: ValueNode, indent: string, depth: number) => {
    const children = node.children ?? [];
    if (children.length && depth >= MAX_DEPTH) {
      lines.push(`${indent}└── … (deeper levels: --json shows them)`);
      return;
    }
    children.forEach((c, i) => {
      const last = i === children.length - 1;
      lines.push(`${indent}${last ? '└── ' : '├── '}${c.key}: ${describeNode(c, shared)}`);
      walk(c, indent + (last ? '    ' : '│   '), depth + 1);
    });
  };
  walk(root, '', 0);
  return lines;
}

/** Totals: tensors, elements, bytes, dtypes, devices, storages and which ones are shared. */
export function renderTotals(t: Totals): string[] {
  const by = (m: Record<string, number>) =>
    Object.entries(m)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ');
  const lines = [
    `total: ${count(t.tensors, 'tensor')}${t.tensors ? ` (${by(t.dtypes)}; ${by(t.devices)})` : ''}, ` +
      `${count(t.elements, 'element')}, ${formatBytes(t.tensorBytes)}`,
    `       ${count(t.storages, 'storage')}, ${formatBytes(t.storageBytes)}`,
  ];
  const shared = Object.entries(t.shared);
  if (shared.length) {
    lines.push(`       shared storages: ${shared.map(([s, n]) => `#${s} by ${n} tensors`).join(', ')}`);
  }
  return lines;
}

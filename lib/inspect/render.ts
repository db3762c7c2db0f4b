/**
 * The text `torch-node inspect` prints: the container's facts, the value tree drawn with box characters, and totals.
 */
import type { LayoutFacts } from './layout';
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

/** The container: format, prefix, version, byte order, records; or legacy and its pickle protocol. */
export function renderLayout(file: string, l: LayoutFacts): string[] {
  if (l.format === 'legacy') {
    return [
      `${file}: legacy format, pickle protocol ${l.pickleProtocol}, ${formatBytes(l.bytes)}`,
      `  written by ${l.writtenBy}`,
    ];
  }
  const kind = l.format === 'torchscript' ? 'TorchScript zip archive' : 'zip archive';
  const lines = [
    `${file}: ${kind} '${l.prefix}/', version ${l.version}, ${l.byteOrder}-endian, ` +
      `${count(l.records.length, 'record')}, ${formatBytes(l.bytes)}`,
    `  written by ${l.writtenBy}`,
    '  records:',
  ];
  const width = Math.max(...l.records.slice(0, MAX_RECORDS).map((r) => r.name.length));
  for (const r of l.records.slice(0, MAX_RECORDS)) {
    const deflated = r.compression === 'deflated' ? ', deflated' : '';
    lines.push(`    ${r.name.padEnd(width)}  ${formatBytes(r.size)}${deflated}, crc32 ${r.crc32}`);
  }
  if (l.records.length > MAX_RECORDS) lines.push(`    … and ${l.records.length - MAX_RECORDS} more (--json lists all)`);
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

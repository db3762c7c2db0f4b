/**
 * The benchmark's figures: medians of each side's samples, Node/Python ratios against their targets, the console
 * table, the Markdown table of README's "Performance" section, and bench/results.json.
 */
import type { CaseSpec } from './cases';
import type { Measured } from './processes';

/** One line of the table. `reference` is what Node is compared with: PyTorch, or `cat` for the read floor. */
export interface Figure {
  id: string;
  figure: string;
  unit: 'ms' | 'MiB';
  reference: 'PyTorch' | 'cat';
  node: number;
  python: number;
  ratio: number;
  target: number | null;
  met: boolean | null;
  /** Every sample behind the medians (wall ms, or peak RSS MiB per process), and the CPU-time medians. */
  samples: { node: number[]; python: number[] };
  cpu?: { node: number; python: number };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function figure(
  base: Pick<Figure, 'id' | 'figure' | 'unit' | 'reference'>,
  node: number[],
  python: number[],
  target: number | undefined,
  cpu?: { node: number[]; python: number[] },
): Figure {
  const [n, p] = [median(node), median(python)];
  const ratio = n / p;
  return {
    ...base,
    node: n,
    python: p,
    ratio,
    target: target ?? null,
    met: target === undefined ? null : ratio <= target,
    samples: { node, python },
    ...(cpu ? { cpu: { node: median(cpu.node), python: median(cpu.python) } } : {}),
  };
}

/** Every sample of one case from all the worker processes of a side. */
export type Collected = Record<'node' | 'python', Measured[]>;

const mib = (kib: number): number => kib / 1024;

/** The time figure and the peak-RSS figure of a case. */
export function caseFigures(c: CaseSpec, got: Collected): Figure[] {
  const all = (side: 'node' | 'python', k: 'wall' | 'cpu'): number[] => got[side].flatMap((m) => m[k]);
  const time = figure(
    { id: c.id, figure: c.figure, unit: 'ms', reference: 'PyTorch' },
    all('node', 'wall'),
    all('python', 'wall'),
    c.target,
    { node: all('node', 'cpu'), python: all('python', 'cpu') },
  );
  const rss = figure(
    { id: `${c.id}:rss`, figure: `peak RSS: ${c.figure}`, unit: 'MiB', reference: 'PyTorch' },
    got.node.map((m) => mib(m.peakRssKiB)),
    got.python.map((m) => mib(m.peakRssKiB)),
    c.rssTarget,
  );
  return [time, rss];
}

/** Node's load-and-sum time against `cat FILE > /dev/null` (target: within 2×). */
export function catFigure(id: string, what: string, node: number[], cat: number[]): Figure {
  return figure(
    { id: `${id}:cat`, figure: `${what} vs cat FILE > /dev/null`, unit: 'ms', reference: 'cat' },
    node,
    cat,
    2,
  );
}

/** `require('torch-node')` against `import torch`, both as whole processes; and their peak RSS. */
export function importFigures(got: Record<'node' | 'python', Measured>): Figure[] {
  return [
    figure(
      { id: 'import', figure: "require('torch-node') vs import torch (process)", unit: 'ms', reference: 'PyTorch' },
      got.node.wall,
      got.python.wall,
      undefined,
    ),
    figure(
      {
        id: 'import:rss',
        figure: "peak RSS: require('torch-node') vs import torch",
        unit: 'MiB',
        reference: 'PyTorch',
      },
      [mib(got.node.peakRssKiB)],
      [mib(got.python.peakRssKiB)],
      undefined,
    ),
  ];
}

function num(v: number, unit: Figure['unit']): string {
  if (unit === 'MiB') return `${v.toFixed(0)} MiB`;
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : v >= 1 ? 2 : 3;
  return `${v.toFixed(digits)} ms`;
}

function cells(f: Figure): string[] {
  const ref = f.reference === 'cat' ? `${num(f.python, f.unit)} (cat)` : num(f.python, f.unit);
  const target = f.target === null ? '' : `≤ ${f.target}`;
  const verdict = f.met === null ? '' : f.met ? 'ok' : 'MISSED';
  return [f.figure, num(f.node, f.unit), ref, f.ratio.toFixed(3), target, verdict];
}

/** The figures as a plain-text table for the console. */
export function consoleTable(figures: Figure[]): string {
  const rows = [['figure', 'Node', 'Python', 'ratio', 'target', ''], ...figures.map(cells)];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const line = (r: string[]): string =>
    r
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(rows[0]), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}

/** The figures as README's Markdown table. */
export function markdownTable(figures: Figure[]): string {
  const head = '| Figure | torch-node | PyTorch | Node/PyTorch | Target |\n|---|---:|---:|---:|---:|';
  const body = figures.map((f) => {
    const [name, node, ref, ratio, target] = cells(f);
    return `| ${name} | ${node} | ${ref} | ${ratio} | ${target} |`;
  });
  return [head, ...body].join('\n');
}

/**
 * A progress bar for one epoch on stderr, with no dependency: redrawn in place (at most ten times a second) when
 * stderr is a terminal, and written once, as a finished line, when it is a file or a pipe (CI logs stay readable).
 */
const WIDTH = 30;

export class ProgressBar {
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  private line(done: number, info: string): string {
    const filled = Math.round((WIDTH * done) / this.total);
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    return `${this.label} [${'#'.repeat(filled)}${'.'.repeat(WIDTH - filled)}] ${done}/${this.total} ${info} ${seconds}s`;
  }

  /** Shows `done` of `total` steps with a short status (loss, accuracy). */
  update(done: number, info: string): void {
    if (!this.stream.isTTY) return;
    const now = Date.now();
    if (now - this.lastDraw < 100 && done < this.total) return;
    this.lastDraw = now;
    this.stream.write(`\r${this.line(done, info)}\x1b[K`);
  }

  /** Ends the bar with its final status on a line of its own. */
  finish(info: string): void {
    this.stream.write(
      `${this.stream.isTTY ? '\r' : ''}${this.line(this.total, info)}${this.stream.isTTY ? '\x1b[K' : ''}\n`,
    );
  }
}

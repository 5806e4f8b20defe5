/** A one-line progress display on stderr (only when stderr is a terminal). */
export class Progress {
  private readonly tty = Boolean(process.stderr.isTTY);
  private lastDraw = 0;

  constructor(private readonly label: string) {}

  update(done: number, total: number, detail = ''): void {
    if (!this.tty) return;
    const now = Date.now();
    if (now - this.lastDraw < 80 && done < total) return;
    this.lastDraw = now;
    const width = 24;
    const filled = total === 0 ? width : Math.round((done / total) * width);
    const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
    process.stderr.write(`\r${this.label} [${bar}] ${done}/${total} ${detail}`.slice(0, 120).padEnd(120));
  }

  /** Clears the line so that normal output can follow. */
  clear(): void {
    if (this.tty) process.stderr.write(`\r${' '.repeat(120)}\r`);
  }
}

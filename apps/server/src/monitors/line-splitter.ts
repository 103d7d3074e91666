import { StringDecoder } from 'node:string_decoder';

/**
 * Turns arbitrary chunks of a UTF-8 byte stream into complete lines (without the `\n`, and
 * without a trailing `\r`). A line split across chunks, even inside a multi-byte character, is
 * joined. The unfinished tail is bounded by `maxLineLength` characters: a longer line is
 * dropped whole (counted in `dropped`) so a file without newlines cannot grow memory.
 */
export class LineSplitter {
  private readonly decoder = new StringDecoder('utf8');
  private partial = '';
  private skipping = false;
  dropped = 0;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxLineLength = 64 * 1024,
  ) {}

  push(chunk: Buffer | string): void {
    const text = typeof chunk === 'string' ? chunk : this.decoder.write(chunk);
    let start = 0;
    let nl = text.indexOf('\n');
    while (nl >= 0) {
      if (this.skipping) {
        this.skipping = false;
      } else {
        const piece = text.slice(start, nl);
        const line = this.partial.length > 0 ? this.partial + piece : piece;
        this.partial = '';
        if (line.length > this.maxLineLength) this.dropped++;
        else this.onLine(line.endsWith('\r') ? line.slice(0, -1) : line);
      }
      start = nl + 1;
      nl = text.indexOf('\n', start);
    }
    if (this.skipping || start >= text.length) return;
    this.partial += text.slice(start);
    if (this.partial.length > this.maxLineLength) {
      this.partial = '';
      this.skipping = true;
      this.dropped++;
    }
  }

  /** Forgets an unfinished line (e.g. on stop); returns it. */
  reset(): string {
    const rest = this.partial + this.decoder.end();
    this.partial = '';
    this.skipping = false;
    return rest;
  }
}

/**
 * A deadline that every received frame pushes back. Armed with the connect timeout until the
 * welcome, then with heartbeatGraceFactor × heartbeatMs: the server pings every heartbeatMs, so
 * silence that long means the connection is dead even if the socket has not noticed (a laptop
 * that slept, a NAT that dropped the mapping).
 */
export class Watchdog {
  private timer: ReturnType<typeof setTimeout> | undefined;
  private ms = 0;
  private onExpire: (() => void) | undefined;

  /** (Re)starts the deadline with a new length and callback. */
  arm(ms: number, onExpire: () => void): void {
    this.ms = ms;
    this.onExpire = onExpire;
    this.kick();
  }

  /** Something arrived: the deadline starts again. */
  kick(): void {
    if (!this.onExpire) return;
    clearTimeout(this.timer);
    const fire = this.onExpire;
    this.timer = setTimeout(() => {
      this.stop();
      fire();
    }, this.ms);
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.onExpire = undefined;
  }
}

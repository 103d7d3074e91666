import os from 'node:os';
import {
  cpuPercent,
  readCpuTimes,
  readDisk,
  readMemory,
  readNetBytes,
  type CpuTimes,
  type NetBytes,
} from './host-readings.js';
import {
  publishSafely,
  silentLogger,
  type EventPublisher,
  type MonitorLogger,
  type Stop,
} from './monitor-types.js';
import { runPeriodically } from './periodic.js';
import { ThresholdAlert } from './threshold-alert.js';

/**
 * Publishes `system_metrics` every `intervalSec` (default 30): CPU busy % over the interval,
 * load averages, memory, disk usage of `diskPath` (the data directory) and network throughput
 * (all interfaces but loopback). CPU and network are rates, so a baseline is read at start and
 * every publish covers exactly the previous interval (the first one included).
 *
 * Thresholds (cpu, memory, disk %, default 90/90/90, `null` disables one) raise a
 * `health_alert` once per upward crossing and once on recovery (threshold-alert.ts).
 */

export interface SystemMetricsOptions {
  diskPath: string;
  intervalSec?: number;
  thresholds?: { cpu?: number | null; memory?: number | null; disk?: number | null };
  logger?: MonitorLogger;
}

const SOURCE = 'monitor:system';

export class SystemMetricsMonitor {
  private cpu: CpuTimes = readCpuTimes();
  private net: NetBytes | null = null;
  private at = performance.now();
  private readonly alerts: { key: 'cpu' | 'memory' | 'disk'; alert: ThresholdAlert }[] = [];
  private readonly logger: MonitorLogger;

  constructor(
    private readonly hub: EventPublisher,
    private readonly opts: SystemMetricsOptions,
  ) {
    this.logger = opts.logger ?? silentLogger;
    const t = opts.thresholds ?? {};
    const labels = { cpu: 'CPU usage', memory: 'Memory usage', disk: 'Disk usage' } as const;
    for (const key of ['cpu', 'memory', 'disk'] as const) {
      const threshold = t[key] === undefined ? 90 : t[key];
      if (threshold === null) continue;
      this.alerts.push({
        key,
        alert: new ThresholdAlert({
          source: 'system',
          metric: `${key}_percent`,
          threshold,
          label: labels[key],
        }),
      });
    }
  }

  start(): Stop {
    let stopped = false;
    void readNetBytes().then((n) => {
      if (!stopped) this.net = n;
    });
    this.cpu = readCpuTimes();
    this.at = performance.now();
    const stop = runPeriodically(
      () => this.sample(),
      (this.opts.intervalSec ?? 30) * 1000,
      (err) => this.logger.warn({ err }, 'system metrics failed'),
    );
    return async () => {
      stopped = true;
      await stop();
    };
  }

  /** Reads everything, publishes system_metrics and any threshold alerts. */
  async sample(): Promise<void> {
    const now = performance.now();
    const seconds = Math.max(0.001, (now - this.at) / 1000);
    const cpuNow = readCpuTimes();
    const netNow = await readNetBytes();
    const [load1 = 0, load5 = 0, load15 = 0] = os.loadavg();
    const rate = (after: number | undefined, before: number | undefined): number =>
      after !== undefined && before !== undefined && after >= before
        ? Math.round((after - before) / seconds)
        : 0;
    const percents = {
      cpu: cpuPercent(this.cpu, cpuNow),
      memory: 0,
      disk: 0,
    };
    const memory = readMemory();
    const disk = await readDisk(this.opts.diskPath);
    percents.memory = memory.percent;
    percents.disk = disk.percent;
    const data = {
      intervalSec: this.opts.intervalSec ?? 30,
      cpu: { percent: percents.cpu, load1, load5, load15, cores: os.cpus().length },
      memory,
      disk,
      network: {
        rxBytesPerSec: rate(netNow?.rx, this.net?.rx),
        txBytesPerSec: rate(netNow?.tx, this.net?.tx),
      },
    };
    this.cpu = cpuNow;
    this.net = netNow;
    this.at = now;
    await publishSafely(this.hub, this.logger, 'system_metrics', data, { source: SOURCE });
    for (const { key, alert } of this.alerts) {
      const payload = alert.update(percents[key]);
      if (payload)
        await publishSafely(this.hub, this.logger, 'health_alert', payload, { source: SOURCE });
    }
  }
}

import type { Registry } from 'prom-client';
import { Counter, Gauge, Histogram } from 'prom-client';
import type { WireFormat } from './encoded-event.js';

export interface HubGauges {
  connections(): Record<WireFormat, number>;
  queueDepth(): number;
  bufferedBytes(): number;
  /** The fan-out's current batching window (it widens with load). */
  batchWindowMs?(): number;
  /** Sockets holding a permessage-deflate compressor (see DeflateBudget). */
  deflateSockets?(): number;
}

/**
 * The hub's Prometheus metrics, registered on the registry the app exports at /metrics.
 * Labels stay low-cardinality: frame types, wire formats, reasons; never users or addresses.
 */
export class HubMetrics {
  readonly registry: Registry;
  private readonly framesIn: Counter<'type'>;
  private readonly bytesIn: Counter<'type'>;
  private readonly framesOut: Counter<'type'>;
  private readonly bytesOut: Counter<'type'>;
  private readonly batchSize: Histogram;
  private readonly shed: Counter<'reason'>;
  private readonly slowCloses: Counter;
  private readonly authFailures: Counter<'reason'>;
  private readonly published: Counter<'type'>;
  private readonly latency: Histogram;
  private readonly encodings: Counter;
  private readonly legacyUse: Counter<'generation' | 'kind'>;
  private readonly closes: Counter<'code'>;
  private readonly framesInByType = new Map<string, Counter.Internal>();
  private readonly bytesInByType = new Map<string, Counter.Internal>();
  private readonly framesOutByType = new Map<string, Counter.Internal>();
  private readonly bytesOutByType = new Map<string, Counter.Internal>();

  constructor(registry: Registry, gauges: HubGauges) {
    this.registry = registry;
    const r = [registry];
    this.framesIn = new Counter({
      name: 'hdns_ws_frames_in_total',
      help: 'Frames received, by frame type',
      labelNames: ['type'],
      registers: r,
    });
    this.bytesIn = new Counter({
      name: 'hdns_ws_bytes_in_total',
      help: 'Bytes received in frames, by frame type',
      labelNames: ['type'],
      registers: r,
    });
    this.framesOut = new Counter({
      name: 'hdns_ws_frames_out_total',
      help: 'Frames sent, by frame type',
      labelNames: ['type'],
      registers: r,
    });
    this.bytesOut = new Counter({
      name: 'hdns_ws_bytes_out_total',
      help: 'Bytes sent in frames, by frame type',
      labelNames: ['type'],
      registers: r,
    });
    this.batchSize = new Histogram({
      name: 'hdns_ws_batch_events',
      help: 'Events per batch frame',
      buckets: [1, 2, 5, 10, 20, 50, 100],
      registers: r,
    });
    this.shed = new Counter({
      name: 'hdns_ws_events_dropped_total',
      help: 'Events dropped for a session under pressure (coalesced or shed)',
      labelNames: ['reason'],
      registers: r,
    });
    this.slowCloses = new Counter({
      name: 'hdns_ws_slow_consumer_closes_total',
      help: 'Sessions closed for crossing the hard queue bound',
      registers: r,
    });
    this.authFailures = new Counter({
      name: 'hdns_ws_auth_failures_total',
      help: 'WebSocket authentication failures',
      labelNames: ['reason'],
      registers: r,
    });
    this.published = new Counter({
      name: 'hdns_events_published_total',
      help: 'Events published, by type',
      labelNames: ['type'],
      registers: r,
    });
    this.latency = new Histogram({
      name: 'hdns_publish_to_write_seconds',
      help: 'From publish to the socket write of the batch carrying it (oldest event per batch)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: r,
    });
    this.encodings = new Counter({
      name: 'hdns_events_encoded_total',
      help: 'Event projections encoded (once per event and variant)',
      registers: r,
    });
    this.legacyUse = new Counter({
      name: 'hdns_ws_legacy_total',
      help: 'Legacy protocol use: connections and messages',
      labelNames: ['generation', 'kind'],
      registers: r,
    });
    this.closes = new Counter({
      name: 'hdns_ws_closes_total',
      help: 'Sessions closed, by close code',
      labelNames: ['code'],
      registers: r,
    });
    new Gauge({
      name: 'hdns_ws_connections',
      help: 'Open authenticated connections, by protocol generation',
      labelNames: ['protocol'],
      registers: r,
      collect() {
        for (const [protocol, n] of Object.entries(gauges.connections())) this.set({ protocol }, n);
      },
    });
    new Gauge({
      name: 'hdns_ws_queue_depth',
      help: 'Events queued across all sessions',
      registers: r,
      collect() {
        this.set(gauges.queueDepth());
      },
    });
    new Gauge({
      name: 'hdns_ws_buffered_bytes',
      help: 'Bytes queued or in flight across all sessions',
      registers: r,
      collect() {
        this.set(gauges.bufferedBytes());
      },
    });
    new Gauge({
      name: 'hdns_ws_batch_window_ms',
      help: 'Batching window of the latest flush round (the configured one, widened under load)',
      registers: r,
      collect() {
        this.set(gauges.batchWindowMs?.() ?? 0);
      },
    });
    new Gauge({
      name: 'hdns_ws_deflate_sockets',
      help: 'Sockets holding a permessage-deflate compressor (bounded by the deflate budget)',
      registers: r,
      collect() {
        this.set(gauges.deflateSockets?.() ?? 0);
      },
    });
  }

  frameIn(type: string, bytes: number): void {
    this.child(this.framesInByType, this.framesIn, type).inc();
    this.child(this.bytesInByType, this.bytesIn, type).inc(bytes);
  }

  /** Hot path (every frame to every socket): labelled children are looked up once per type. */
  frameOut(type: string, bytes: number): void {
    this.child(this.framesOutByType, this.framesOut, type).inc();
    this.child(this.bytesOutByType, this.bytesOut, type).inc(bytes);
  }

  private child(
    cache: Map<string, Counter.Internal>,
    counter: Counter<'type'>,
    type: string,
  ): Counter.Internal {
    let child = cache.get(type);
    if (!child) {
      child = counter.labels(type);
      cache.set(type, child);
    }
    return child;
  }

  batch(events: number, oldestPublishedAt: number): void {
    this.batchSize.observe(events);
    this.latency.observe((performance.now() - oldestPublishedAt) / 1000);
  }

  eventsShed(n: number, reason: string): void {
    this.shed.inc({ reason }, n);
  }

  slowConsumerClose(): void {
    this.slowCloses.inc();
  }

  authFailure(reason: string): void {
    this.authFailures.inc({ reason });
  }

  publishedEvent(type: string): void {
    this.published.inc({ type });
  }

  encoded(): void {
    this.encodings.inc();
  }

  legacy(generation: '1' | '2', kind: string): void {
    this.legacyUse.inc({ generation, kind });
  }

  closed(code: number): void {
    this.closes.inc({ code: String(code) });
  }
}

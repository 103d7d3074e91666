import type { QueryRecord } from '@hdns/protocol/rest';

/**
 * One answered query as the sources produce it (dnstap, or the text query log as fallback) and
 * as the pipeline hands it to the live stream, the statistics and the query store. The store's
 * row (`QueryRecord`) is this plus its id. Fields a source does not know are null.
 */
export type QueryFacts = Omit<QueryRecord, 'id'> & {
  /** Epoch milliseconds of `ts`, kept beside it so hot paths need not parse the string. */
  tsMs: number;
  /** EDNS Client Subnet the query carried (`address/source`), when present. */
  ecs?: string;
  /** BIND view that answered (text log only). */
  view?: string;
};

/** An upstream exchange named made as a forwarder's client (dnstap FORWARDER_* messages). */
export interface UpstreamFacts {
  tsMs: number;
  /** The forwarder's address and port. */
  address: string;
  port: number;
  qname: string;
  qtype: string;
  /** Null when the query got no response (timed out). */
  rcode: string | null;
  latencyMs: number | null;
  node: string | null;
}

/** Where each query's facts go (the live stream, the store, metrics, detectors). */
export interface QuerySink {
  onQuery?(facts: QueryFacts): void;
  onUpstream?(upstream: UpstreamFacts): void;
  /** One of the server's own probes of its named, left out of everything else (own-probes.ts). */
  onOwnProbe?(facts: QueryFacts): void;
}

import type { QueryFacts, QuerySink, UpstreamFacts } from './query-facts.js';

/**
 * The seam between a push source of query facts (the dnstap listener, which must be up before
 * named starts) and the pipeline that consumes them (the query stream, started later with the
 * monitors, and under the BIND lease only while this instance holds it). Facts that arrive
 * with nothing attached are counted and dropped: the listener never buffers.
 */
export class QueryFeed implements QuerySink {
  private target: QuerySink | null = null;
  /** Facts that arrived while nothing was attached. */
  unattached = 0;

  /** Sends the facts to `sink` from now on; the returned function detaches it (only it). */
  attach(sink: QuerySink): () => void {
    this.target = sink;
    return () => {
      if (this.target === sink) this.target = null;
    };
  }

  onQuery(facts: QueryFacts): void {
    if (this.target?.onQuery) this.target.onQuery(facts);
    else this.unattached++;
  }

  onUpstream(upstream: UpstreamFacts): void {
    this.target?.onUpstream?.(upstream);
  }
}

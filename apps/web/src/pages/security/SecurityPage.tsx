/**
 * Response policy: the RPZ rules and the blocklist feeds (admins change them, everyone reads)
 * and the live threat feed.
 */
import type { ReactNode } from 'react';
import { Feeds } from './Feeds';
import { RpzRules } from './RpzRules';
import { ThreatFeed } from './ThreatFeed';

export function SecurityPage(): ReactNode {
  return (
    <section className="page" aria-labelledby="sec-title">
      <h1 id="sec-title">Security</h1>
      <div className="grid grid-sec">
        <RpzRules />
        <ThreatFeed />
      </div>
      <div className="grid" style={{ marginTop: '1rem' }}>
        <Feeds />
      </div>
    </section>
  );
}

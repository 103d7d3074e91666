/** Response policy: the RPZ rules (admins change them, everyone reads) and the live threat feed. */
import type { ReactNode } from 'react';
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
    </section>
  );
}

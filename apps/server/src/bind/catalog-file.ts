import { readFile } from 'node:fs/promises';
import { nextSerial } from '../lib/serial.js';
import type { BindLayout } from './bind-layout.js';
import type { BindConfigState } from './named-conf-writer.js';
import { renderCatalogZone } from './named-replication.js';
import { serialOfRenderedZone } from './zone-file-serializer.js';
import type { ZoneFiles } from './zone-files.js';
import { normalizeZoneName } from './zone-text.js';

/**
 * Keeps the catalog zone's file listing exactly the primary zones named.conf configures, and
 * makes named serve it. named does not reload a zone whose statement a reconfig left unchanged,
 * so a member added or removed needs the file rewritten with the next serial and the catalog
 * reloaded (`rndc reload <catalog>`), which NOTIFYs the secondaries; they add or delete the
 * member by themselves (../shared/reference/bind9-next.md §2).
 *
 * The catalog follows named.conf, never leads it: a zone is in named.conf before it is listed,
 * and leaves the list when it leaves named.conf, so a secondary never asks for a zone we do not
 * serve. A failed sync is not the change's failure (the zone itself is served); it is retried at
 * the next change and at start.
 */
export class CatalogFile {
  /** The catalog name and members last written and loaded; null: unknown, compare the file. */
  private synced: string | null = null;
  /** A written catalog named has not reloaded yet (the reload failed or named was down). */
  private reloadPending = false;

  constructor(
    private readonly files: ZoneFiles,
    private readonly layout: BindLayout,
    private readonly reload: (zone: string) => Promise<void>,
  ) {}

  /** The catalog name, or null when `state` has none. */
  static nameOf(state: BindConfigState): string | null {
    const name = state.replication?.catalogZone;
    return name ? normalizeZoneName(name) : null;
  }

  /**
   * Writes the catalog for `state` when its members changed; `reload`: named is running and
   * loads it at once (at start named reads it with the rest).
   */
  async sync(state: BindConfigState, reload: boolean): Promise<void> {
    const catalog = CatalogFile.nameOf(state);
    if (catalog === null) {
      this.synced = null;
      return;
    }
    const members = state.zones
      .filter((z) => z.type === 'primary')
      .map((z) => z.name)
      .sort();
    const key = [catalog, ...members].join('\n');
    if (key === this.synced) return;
    const path = this.layout.zoneFile(catalog);
    const current = await readFile(path, 'utf8').catch(() => null);
    const serial = current === null ? null : serialOfRenderedZone(current);
    const same = serial !== null && current === renderCatalogZone(catalog, members, serial);
    if (!same) {
      await this.files.writeZone(catalog, renderCatalogZone(catalog, members, nextSerial(serial)));
      this.reloadPending = true;
    }
    // At start named reads the file itself; later a written file counts once named reloaded it,
    // so a failed reload is retried by the next sync although the file already matches.
    if (!reload) this.reloadPending = false;
    else if (this.reloadPending) {
      await this.reload(catalog);
      this.reloadPending = false;
    }
    this.synced = key;
  }

  /** Forget what was synced (the next sync compares with the file again). */
  invalidate(): void {
    this.synced = null;
  }
}

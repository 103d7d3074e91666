/**
 * main.ts plus the dashboard, for the restart scenario while app.ts does not register the
 * static plugin yet: same config loading, same buildApp, same listen, same SIGTERM close.
 * Once app.ts registers it, e2e-process.ts runs the real main.ts and this file is unused.
 */
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { mountDashboard } from './e2e-mount.js';

const config = loadConfig(process.env);
const app = await buildApp({ config });
await mountDashboard(app);
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
await app.listen({ host: config.host, port: config.port });

/** Mounts the built dashboard on an app unless app.ts already registered the static plugin. */
import type { FastifyInstance } from 'fastify';
import { dashboardStatic } from '../src/static/static-plugin.js';

export async function mountDashboard(app: FastifyInstance): Promise<void> {
  if (!app.hasDecorator('dashboardRoot')) await app.register(dashboardStatic);
}

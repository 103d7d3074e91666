/**
 * The environment `named` and the BIND tools run with. Never the server's own: that holds
 * HDNS_JWT_SECRET, HDNS_ADMIN_PASSWORD, HDNS_METRICS_TOKEN and whatever else the operator put
 * there, and a child's environment is readable by anyone who can read `/proc/<pid>/environ`
 * (the same user, root, core dumps, crash reporters).
 *
 * Contract: only the variables listed in KEPT are copied, and only when set. PATH lets named find
 * nothing it does not already get by absolute path, but the tools' own helpers may need it;
 * the locale and time-zone variables keep log timestamps and messages as the operator expects.
 */
const KEPT = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ'] as const;

export function toolEnv(source: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of KEPT) {
    const value = source[name];
    if (value !== undefined) env[name] = value;
  }
  return env;
}

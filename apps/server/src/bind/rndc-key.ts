import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runTool } from './run-tool.js';

/**
 * The rndc control key and the matching client config. The key is generated once
 * (`rndc-confgen -a -c KEY -k NAME`) and reused across restarts; the rndc.conf is rewritten
 * every time (it only includes the key and names it as default).
 */

async function exists(file: string): Promise<boolean> {
  try {
    await access(file);
    return true;
  } catch {
    return false;
  }
}

export function renderRndcConf(keyFile: string, keyName: string): string {
  return `include "${keyFile}";\noptions { default-key "${keyName}"; };\n`;
}

/** Returns true when a new key was generated. Throws with rndc-confgen's words on failure. */
export async function ensureRndcKey(opts: {
  rndcConfgen: string;
  keyFile: string;
  keyName: string;
  confFile: string;
}): Promise<boolean> {
  await mkdir(path.dirname(opts.keyFile), { recursive: true });
  let generated = false;
  if (!(await exists(opts.keyFile))) {
    const r = await runTool(opts.rndcConfgen, ['-a', '-c', opts.keyFile, '-k', opts.keyName]);
    if (r.code !== 0) {
      throw new Error(
        `rndc-confgen failed: ${(r.stderr || r.stdout || r.spawnError || '').trim()}`,
      );
    }
    generated = true;
  }
  // Whoever holds the key controls named: owner only, whatever rndc-confgen or an older
  // version left.
  await chmod(opts.keyFile, 0o600);
  await writeFile(opts.confFile, renderRndcConf(opts.keyFile, opts.keyName), { mode: 0o600 });
  return generated;
}

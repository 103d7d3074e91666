import { runTool, type ToolResult } from '../bind/run-tool.js';

/**
 * Whether a `named` binary can write dnstap. `named -V` has no line naming dnstap by itself; the
 * evidence is `--enable-dnstap` among the configure arguments (Debian's 9.18 build has it, and
 * also prints `compiled with protobuf-c version`). A build configured with `--disable-dnstap` or
 * without the flag has no dnstap and the text query log stays the source.
 */

export function dnstapBuiltIn(namedV: string): boolean {
  // Configure arguments are quoted ('--enable-dnstap') or bare; `--enable-dnstap=no` is a no.
  return /(^|[\s'"])--enable-dnstap(=yes)?(?=$|[\s'"])/m.test(namedV);
}

export type ToolRunner = (file: string, args: readonly string[]) => Promise<ToolResult>;

export interface DnstapSupport {
  supported: boolean;
  /** Why not, when it could not be determined (named missing, -V failed). */
  error?: string;
}

/** Runs `<named> -V` and reads the answer; never rejects. */
export async function detectDnstapSupport(
  namedPath: string,
  run: ToolRunner = (file, args) => runTool(file, args, 10_000),
): Promise<DnstapSupport> {
  const result = await run(namedPath, ['-V']);
  if (result.spawnError !== undefined) return { supported: false, error: result.spawnError };
  if (result.code !== 0) {
    return {
      supported: false,
      error: result.timedOut ? 'named -V timed out' : `named -V exited with ${result.code}`,
    };
  }
  return { supported: dnstapBuiltIn(`${result.stdout}\n${result.stderr}`) };
}

/**
 * Downloads a zone export (GET /api/zones/:zone/export) as a file. Not through the typed client:
 * the BIND format answers text/plain, which the client's JSON transport does not read. The file
 * name is the server's (Content-Disposition), `<zone>.zone` / `<zone>.json` otherwise.
 */
import { buildPath, routes } from '@hdns/protocol/rest';
import { ApiError } from '../../api/api-error';
import type { AuthSession } from '../../auth/auth-session';

export type ExportFormat = 'bind' | 'json';

export async function downloadZone(
  session: AuthSession,
  zone: string,
  format: ExportFormat,
): Promise<void> {
  const url = `${buildPath(routes.exportZone.path, { zone })}?format=${format}`;
  const get = async (): Promise<Response> =>
    fetch(url, {
      headers: { authorization: `Bearer ${await session.getToken()}` },
      credentials: 'same-origin',
    });
  let response = await get();
  if (response.status === 401 && (await session.recover())) response = await get();
  if (!response.ok) throw await ApiError.fromResponse(response);
  const named = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '');
  const filename = named?.[1] ?? `${zone}.${format === 'bind' ? 'zone' : 'json'}`;
  const href = URL.createObjectURL(await response.blob());
  try {
    const a = document.createElement('a');
    a.href = href;
    a.download = filename;
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // After the click has handed the blob to the download.
    setTimeout(() => URL.revokeObjectURL(href), 10_000);
  }
}

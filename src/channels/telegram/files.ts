// Downloads a file someone sent to the bot: getFile, then the file URL under the API root.
import type { Api } from 'grammy';

/** The Bot API serves files up to 20 MB to bots. */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;

export async function downloadFile(api: Api, fileId: string): Promise<Uint8Array> {
  const file = await api.getFile(fileId);
  if (!file.file_path) throw new Error('Telegram returned no file path');
  const root = api.options?.apiRoot ?? 'https://api.telegram.org';
  const res = await fetch(`${root}/file/bot${api.token}/${file.file_path}`);
  if (!res.ok) throw new Error(`file download failed: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

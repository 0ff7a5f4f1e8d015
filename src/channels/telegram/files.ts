// Downloads a file someone sent to the bot: getFile, then the file URL under the API root. Every
// failure becomes a PersonError in Vietnamese, since staff and admins read it in the chat.
import { type Api, GrammyError } from 'grammy';
import { PersonError } from '../../domain/index.js';
import { telegramTexts as t } from '../../texts/telegram.js';

/** The Bot API serves files up to 20 MB to bots (getFile). */
export const MAX_DOWNLOAD_BYTES = 20 * 1024 * 1024;
/** 20 MB over a slow link takes well under this; a stalled download must not hold a chat forever. */
const DOWNLOAD_TIMEOUT_MS = 120_000;

/** Refuses a file Telegram would not hand over, before asking for it (the size is in the message). */
export function checkFileSize(size: number | undefined): void {
  if ((size ?? 0) > MAX_DOWNLOAD_BYTES) throw new PersonError(t.fileTooBig);
}

export async function downloadFile(api: Api, fileId: string, timeoutMs = DOWNLOAD_TIMEOUT_MS): Promise<Uint8Array> {
  let file;
  try {
    file = await api.getFile(fileId);
  } catch (err) {
    // "file is too big" is the Bot API's answer for files over the limit.
    if (err instanceof GrammyError && /too big/i.test(err.description)) throw new PersonError(t.fileTooBig);
    throw new PersonError(t.fileUnavailable, { cause: err });
  }
  checkFileSize(file.file_size);
  if (!file.file_path) throw new PersonError(t.fileUnavailable);
  const root = api.options?.apiRoot ?? 'https://api.telegram.org';
  try {
    const res = await fetch(`${root}/file/bot${api.token}/${file.file_path}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!res.ok) throw new PersonError(t.fileUnavailable, { cause: `HTTP ${res.status}` });
    return new Uint8Array(await res.arrayBuffer());
  } catch (err) {
    if (err instanceof PersonError) throw err;
    throw new PersonError(err instanceof Error && err.name === 'TimeoutError' ? t.fileTimeout : t.fileUnavailable, { cause: err });
  }
}

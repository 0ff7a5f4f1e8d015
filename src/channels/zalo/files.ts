// Downloads a photo a resident sent: Zalo's update carries it as `photo_url`, a plain HTTP(S)
// address (the Bot API has no getFile). Capped in size and time; every failure becomes a
// PersonError in Vietnamese, since the resident reads it.
import axios from 'axios';
import { PersonError } from '../../domain/index.js';
import { caseChatTexts } from '../../texts/case-chat.js';
import { caseTexts } from '../../texts/cases.js';

const DOWNLOAD_TIMEOUT_MS = 60_000;

export async function downloadPhoto(url: string, maxBytes: number, timeoutMs = DOWNLOAD_TIMEOUT_MS): Promise<Uint8Array> {
  if (!/^https?:\/\//i.test(url)) throw new PersonError(caseChatTexts.photoUnavailable);
  try {
    const res = await axios.get<ArrayBuffer>(url, {
      responseType: 'arraybuffer',
      timeout: timeoutMs,
      // One byte over the limit is enough to say it is too large.
      maxContentLength: maxBytes + 1,
      maxRedirects: 3,
    });
    return new Uint8Array(res.data);
  } catch (err) {
    // The axios error holds the URL: only what it means reaches the resident and the log.
    const tooLarge = axios.isAxiosError(err) && /maxContentLength/i.test(err.message);
    throw new PersonError(
      tooLarge ? caseTexts.photoTooLarge(Math.round((maxBytes / 1024 / 1024) * 10) / 10) : caseChatTexts.photoUnavailable,
      {
        cause: axios.isAxiosError(err) ? err.code : 'download failed',
      },
    );
  }
}

// The parse worker: parses and chunks one untrusted file at a time, inside the memory the parent
// gave it (resourceLimits). Parse errors go back as messages; anything else ends the worker, and the
// parent refuses the file with the reason.
import { parentPort } from 'node:worker_threads';
import { chunkDocument } from './chunker.js';
import type { ParseRequest, ParseResponse } from './isolated-parser.js';
import { DocumentParseError, reasons } from './loaders/errors.js';
import { parseDocumentFile } from './loaders/index.js';
import { withoutInstructions } from './untrusted.js';

const port = parentPort;
if (!port) throw new Error('parse-worker.ts runs only as a worker thread');

// pdf.js leaves some of its internal promises rejected without a handler when a file is broken
// (the file itself is refused through the awaited path). By default that would end this worker,
// and with it the next file's parse; a stray rejection of a parser library is not a reason to.
process.on('unhandledRejection', () => undefined);

port.on('message', async (request: ParseRequest) => {
  let response: ParseResponse;
  try {
    const parsed = await parseDocumentFile(request.relPath, request.bytes, request.limits);
    // Sentences that instruct the reader are left out of what is indexed, and listed (untrusted.ts).
    const { doc, flagged } = withoutInstructions(parsed);
    const chunks = chunkDocument(doc, request.chunkOptions);
    if (chunks.length > request.limits.maxPassages) throw new DocumentParseError(reasons.tooManyPassages(request.limits.maxPassages));
    response = { id: request.id, ok: true, doc, chunks, flagged };
  } catch (err) {
    response =
      err instanceof DocumentParseError
        ? { id: request.id, ok: false, parseError: err.message }
        : { id: request.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
  port.postMessage(response);
});

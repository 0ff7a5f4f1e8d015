// Why a document could not be read, in words an administrator can act on. The ingest summary and
// the admin upload form show these messages as they are.

export class DocumentParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentParseError';
  }
}

export { parseReasons as reasons } from '../../texts/ingest.js';

// Why a document could not be read, in words an administrator can act on. The ingest summary and
// the admin upload form show these messages as they are.
import { PersonError } from '../../domain/errors.js';

export class DocumentParseError extends PersonError {
  constructor(message: string) {
    super(message);
    this.name = 'DocumentParseError';
  }
}

export { parseReasons as reasons } from '../../texts/ingest.js';

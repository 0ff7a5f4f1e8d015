// The parse worker's first module. Worker threads do not inherit the TypeScript loader of the
// thread that starts them (neither tsx's nor vitest's), so the worker registers tsx itself and then
// loads its TypeScript entry, named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);

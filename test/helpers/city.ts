// A city file for a test: the shipped city.yaml describes Bắc Kạn; tests that need other wards or
// topics write their own and point CITY_FILE at it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';

export interface TestCity {
  name?: string;
  example_question?: string;
  wards?: (string | { name: string; former_names?: string[] })[];
  topics?: { slug: string; label: string }[];
  offices?: Record<string, unknown>[];
  cases?: Record<string, unknown>;
}

/** Writes the city file into `dir` (a fresh temp folder by default) and returns its path. */
export function writeCityFile(city: TestCity, dir = fs.mkdtempSync(path.join(os.tmpdir(), 'civicbot-city-'))): string {
  const file = path.join(dir, 'city.yaml');
  fs.writeFileSync(file, stringify(city));
  return file;
}

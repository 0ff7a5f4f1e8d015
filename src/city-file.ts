// The city file (city.yaml beside knowledge/): the city's own facts, validated at start with
// messages naming the field. Deployment settings and secrets stay in the environment.
import fs from 'node:fs';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { CaseSettings, City, Topic } from './domain/index.js';
import { configTexts as texts } from './texts/config.js';

/** Topics of a city file that lists none, and of a machine without a city file. */
export const DEFAULT_TOPICS: readonly Topic[] = [
  { slug: 'giao-thong', label: 'Giao thông' },
  { slug: 'do-thi', label: 'Đô thị và xây dựng' },
  { slug: 'hanh-chinh', label: 'Thủ tục hành chính' },
  { slug: 'van-hoa-xa-hoi', label: 'Văn hóa – xã hội' },
  { slug: 'khan-cap', label: 'Khẩn cấp – thiên tai' },
];
export const DEFAULT_EXAMPLE_QUESTION = 'Dự án nào của thành phố đang được triển khai?';

/** Cases of a city file without a `cases` section: the report categories Vietnamese cities use. */
export const DEFAULT_CASES: CaseSettings = {
  prefix: 'PA',
  categories: [
    { slug: 'rac-thai', label: 'Rác thải', targetHours: 48 },
    { slug: 'lan-chiem-via-he', label: 'Lấn chiếm vỉa hè', targetHours: 72 },
    { slug: 'den-duong', label: 'Đèn đường', targetHours: 72 },
    { slug: 'ngap-ung', label: 'Ngập úng', targetHours: 24 },
    { slug: 'trat-tu-do-thi', label: 'Trật tự đô thị', targetHours: 72 },
    { slug: 'khac', label: 'Khác', targetHours: 120 },
  ],
  questionTargetHours: 24,
  workingHours: { days: [1, 2, 3, 4, 5], start: '07:30', end: '17:00' },
};

/** The city of a machine without a city file: nameless, no wards, general topics. */
export const NEUTRAL_CITY: City = {
  name: '',
  wards: [],
  topics: DEFAULT_TOPICS,
  exampleQuestion: DEFAULT_EXAMPLE_QUESTION,
  offices: [],
  cases: DEFAULT_CASES,
};

const text = z.string().trim().min(1);
const optionalText = z.string().trim().min(1).optional();
const words = z.array(text).default([]);
const slug = z.string().regex(/^[a-z0-9-]+$/, texts.topicSlug);
const clock = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, texts.badClock);
const hours = z
  .number()
  .positive()
  .max(24 * 365);

const casesSchema = z
  .object({
    prefix: z
      .string()
      .regex(/^[A-Z]{1,6}$/, texts.casePrefix)
      .default(DEFAULT_CASES.prefix),
    categories: z
      .array(z.object({ slug, label: text, target_hours: hours }).strict())
      .min(1)
      .default(DEFAULT_CASES.categories.map((c) => ({ slug: c.slug, label: c.label, target_hours: c.targetHours }))),
    question_target_hours: hours.default(DEFAULT_CASES.questionTargetHours),
    working_hours: z
      .object({ days: z.array(z.number().int().min(1).max(7)), start: clock, end: clock })
      .strict()
      .refine((w) => w.start < w.end, { message: texts.clockOrder, path: ['end'] })
      .default({ ...DEFAULT_CASES.workingHours, days: [...DEFAULT_CASES.workingHours.days] }),
  })
  .strict();

const schema = z
  .object({
    name: z.string().trim().default(''),
    example_question: text.default(DEFAULT_EXAMPLE_QUESTION),
    wards: z
      .array(
        z.union([
          text.transform((name) => ({ name, former_names: [] as string[] })),
          z.object({ name: text, former_names: words }).strict(),
        ]),
      )
      .default([]),
    topics: z.array(z.object({ slug, label: text }).strict()).default([...DEFAULT_TOPICS]),
    offices: z
      .array(
        z
          .object({
            id: text,
            name: text,
            handles: words,
            keywords: words,
            address: optionalText,
            hours: optionalText,
            phone: optionalText,
            email: optionalText,
            url: z.string().url(texts.badUrl).optional(),
          })
          .strict(),
      )
      .default([]),
    cases: casesSchema.optional(),
  })
  .strict();

export class CityFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'CityFileError';
  }
}

/** Reads and checks the city file; every problem names the file and the field. */
export function readCityFile(file: string, shownAs = file): City {
  let source: string;
  try {
    source = fs.readFileSync(file, 'utf8');
  } catch {
    throw new CityFileError([texts.cityFileMissing(shownAs)]);
  }
  const doc = parseDocument(source.normalize('NFC'));
  if (doc.errors.length) throw new CityFileError(doc.errors.map((e) => texts.cityFileYaml(shownAs, e.message.split('\n')[0])));
  const result = schema.safeParse(doc.toJS() ?? {});
  if (!result.success)
    throw new CityFileError(
      result.error.issues.map((i) => `${shownAs}: ${i.path.join('.').replace(/\.(\d+)/g, '[$1]') || '(tệp)'}: ${i.message}`),
    );
  const c = result.data;
  const problems: string[] = [];
  const slugs = c.topics.map((t) => t.slug);
  const repeated = slugs.filter((s, i) => slugs.indexOf(s) !== i);
  if (repeated.length) problems.push(`${shownAs}: topics: ${texts.repeated(repeated)}`);
  const wardNames = c.wards.map((w) => w.name);
  const repeatedWards = wardNames.filter((s, i) => wardNames.indexOf(s) !== i);
  if (repeatedWards.length) problems.push(`${shownAs}: wards: ${texts.repeated(repeatedWards)}`);
  const categorySlugs = c.cases?.categories.map((k) => k.slug) ?? [];
  const repeatedCategories = categorySlugs.filter((s, i) => categorySlugs.indexOf(s) !== i);
  if (repeatedCategories.length) problems.push(`${shownAs}: cases.categories: ${texts.repeated(repeatedCategories)}`);
  if (problems.length) throw new CityFileError(problems);
  return {
    name: c.name,
    exampleQuestion: c.example_question,
    wards: c.wards.map((w) => ({ name: w.name, formerNames: w.former_names })),
    topics: c.topics,
    offices: c.offices,
    cases: c.cases
      ? {
          prefix: c.cases.prefix,
          categories: c.cases.categories.map((k) => ({ slug: k.slug, label: k.label, targetHours: k.target_hours })),
          questionTargetHours: c.cases.question_target_hours,
          workingHours: c.cases.working_hours,
        }
      : DEFAULT_CASES,
  };
}

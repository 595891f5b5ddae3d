/**
 * What was wrong with a config, in one line naming the key: the schema library's issues read
 * against the schema and the input, so an unknown key comes with the one it most likely meant
 * (`sources[0]: unknown key "path"; did you mean "paths"?`) and a bad choice with the choices.
 */
import type { z } from 'zod';
import { didYouMean } from './suggest.js';

/** One issue, the one a person should fix first, as a dotted key and what is wrong with it. */
export function describeIssues(
  schema: z.ZodType,
  input: unknown,
  issues: readonly z.core.$ZodIssue[],
): { key: string; detail: string } {
  // An unknown key first: a misspelt `path:` also leaves `paths` missing, and the typo is the news.
  const issue = issues.find((i) => i.code === 'unrecognized_keys') ?? issues[0];
  return { key: formatPath(issue.path), detail: describeIssue(schema, input, issue) };
}

/** `sources[0].paths` from `['sources', 0, 'paths']`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function describeIssue(schema: z.ZodType, input: unknown, issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = keysAt(schema, issue.path, input);
      const s = issue.keys.length > 1 ? 's' : '';
      const names = issue.keys.map((k) => `"${k}"`).join(', ');
      const hint = known && issue.keys.length === 1 ? didYouMean(issue.keys[0], known) : '';
      const list = known && hint === '' ? `; known keys here: ${known.join(', ')}` : '';
      return `unknown key${s} ${names}${hint}${list}`;
    }
    case 'invalid_type':
      return `expected ${issue.expected}${'input' in issue ? `, got ${describeValue(issue.input)}` : ''}`;
    case 'invalid_value': {
      const choices = issue.values.map((v) => String(v));
      const got = 'input' in issue ? issue.input : undefined;
      const hint = typeof got === 'string' ? didYouMean(got, choices) : '';
      return `expected one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}${got !== undefined ? `, got ${describeValue(got)}` : ''}${hint}`;
    }
    case 'invalid_union': {
      // A discriminated union (a source's `type`) says which values it takes.
      const choices = discriminatorValues(schema, issue.path);
      if (choices) {
        const got = valueAt(input, issue.path);
        const list = choices.map((c) => `"${c}"`).join(' or ');
        if (got === undefined) return `expected ${list}, got nothing`;
        const hint = typeof got === 'string' ? didYouMean(got, choices) : '';
        return `expected ${list}, got ${describeValue(got)}${hint}`;
      }
      return issue.message.startsWith('Invalid input') ? 'unexpected value' : issue.message;
    }
    default:
      return issue.message;
  }
}

function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return `${typeof v} ${JSON.stringify(v)}`;
}

/** The value at `path` in `input`, or undefined. */
function valueAt(input: unknown, path: readonly PropertyKey[]): unknown {
  let cur = input;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[p];
  }
  return cur;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  innerType?: z.ZodType;
  in?: z.ZodType;
  options?: z.ZodType[];
  discriminator?: string;
}

const defOf = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;

/** Unwraps defaults, optionals and pipes to the schema that holds the value. */
function unwrap(s: z.ZodType): z.ZodType {
  for (;;) {
    const d = defOf(s);
    if (d.innerType) s = d.innerType;
    else if (d.type === 'pipe' && d.in) s = d.in;
    else return s;
  }
}

/**
 * The schema at `path`, following the input through discriminated unions (a source's keys
 * depend on its `type`); undefined where the path leaves what the schema describes.
 */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): z.ZodType | undefined {
  let s = unwrap(schema);
  let value = input;
  let i = 0;
  for (;;) {
    const d = defOf(s);
    if (d.type === 'union' && d.discriminator && d.options) {
      const tag = (value as Record<string, unknown> | null)?.[d.discriminator];
      const option = d.options.find((o) => {
        const shape = defOf(unwrap(o)).shape;
        const lit = shape?.[d.discriminator!];
        return lit !== undefined && (defOf(lit) as { values?: unknown[] }).values?.includes(tag);
      });
      if (!option) return undefined;
      s = unwrap(option);
      continue;
    }
    if (i === path.length) return s;
    const p = path[i];
    if (d.type === 'object' && d.shape && typeof p === 'string' && d.shape[p]) s = unwrap(d.shape[p]);
    else if (d.type === 'array' && d.element && typeof p === 'number') s = unwrap(d.element);
    else return undefined;
    value = (value as Record<PropertyKey, unknown> | null)?.[p];
    i++;
  }
}

/** The keys the mapping at `path` takes, or undefined when the schema does not say. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[], input: unknown): string[] | undefined {
  const s = schemaAt(schema, path, input);
  const shape = s ? defOf(s).shape : undefined;
  return shape ? Object.keys(shape) : undefined;
}

/** The values a discriminated union takes for its tag, when `path` is such a tag. */
function discriminatorValues(schema: z.ZodType, path: readonly PropertyKey[]): string[] | undefined {
  // Walked by shape alone: the union is what the input did not choose an option of.
  let u = unwrap(schema);
  for (const p of path.slice(0, -1)) {
    const d = defOf(u);
    if (d.type === 'object' && d.shape && typeof p === 'string' && d.shape[p]) u = unwrap(d.shape[p]);
    else if (d.type === 'array' && d.element && typeof p === 'number') u = unwrap(d.element);
    else return undefined;
  }
  const d = defOf(u);
  const tag = d.discriminator;
  if (d.type !== 'union' || !tag || !d.options || path[path.length - 1] !== tag) return undefined;
  return d.options.flatMap((o) => {
    const lit = defOf(unwrap(o)).shape?.[tag];
    return ((lit ? (defOf(lit) as { values?: unknown[] }).values : undefined) ?? []).map(String);
  });
}

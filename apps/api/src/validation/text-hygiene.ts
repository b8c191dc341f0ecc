// One rule for every string a client sends: what PostgreSQL cannot store (NUL), what is not
// Unicode (unpaired surrogates), invisible control characters, and — in names, slugs, emails, keys —
// bidirectional overrides that make a name read differently from what it is ("Trojan Source").

/** Arguments that are multi-line text or files: tabs and line breaks are fine, bidi marks too. */
const TEXT_KEYS: ReadonlySet<string> = new Set(['content', 'description', 'note', 'message']);
/** Typed, never shown: any printable character, bidi marks included. */
const SECRET_KEYS: ReadonlySet<string> = new Set(['password', 'token']);

// Control characters are what these patterns are for.
// eslint-disable-next-line no-control-regex
const CONTROL_IN_TEXT = /[\u0001-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/;
// eslint-disable-next-line no-control-regex
const CONTROL_IN_NAME = /[\u0001-\u001F\u007F-\u009F]/;
const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const codePoint = (character: string): string => `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** What is wrong with `value` as the argument `key`, or undefined when it is clean. */
export function textProblem(key: string | undefined, value: string): string | undefined {
  if (value.includes('\u0000')) return 'Contains a NUL character (U+0000)';
  const surrogate = LONE_SURROGATE.exec(value);
  if (surrogate) return `Contains an unpaired surrogate (${codePoint(surrogate[0])}), which is not valid Unicode`;
  const multiLine = key !== undefined && (TEXT_KEYS.has(key) || SECRET_KEYS.has(key));
  const control = (multiLine ? CONTROL_IN_TEXT : CONTROL_IN_NAME).exec(value);
  if (control) return `Contains a control character (${codePoint(control[0])})`;
  if (!multiLine) {
    const bidi = BIDI.exec(value);
    if (bidi) return `Contains a bidirectional control character (${codePoint(bidi[0])}), which can make it read differently from what it is`;
  }
  return undefined;
}

export interface TextIssue {
  readonly field: readonly (string | number)[];
  readonly message: string;
}

/** The first unclean string in `value` (JSON-like: strings, arrays, objects), with its path under `field`. */
export function findUncleanText(value: unknown, field: readonly (string | number)[]): TextIssue | undefined {
  if (typeof value === 'string') {
    const key = [...field].reverse().find((part): part is string => typeof part === 'string');
    const message = textProblem(key, value);
    return message ? { field, message } : undefined;
  }
  if (Array.isArray(value)) {
    for (let index = 0; index < value.length; index++) {
      const issue = findUncleanText(value[index], [...field, index]);
      if (issue) return issue;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      const issue = findUncleanText(key, [...field, key]) ?? findUncleanText(inner, [...field, key]);
      if (issue) return issue;
    }
  }
  return undefined;
}

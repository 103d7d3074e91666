/**
 * Validation messages a person can act on. zod's defaults speak of types and operators ("Too
 * big: expected number to be <=65535"); the dashboard and the CLI show `path: message`, so the
 * common ones are said plainly here ("port: must be at most 65535"). Messages a schema wrote
 * itself are kept as they are: only zod's own defaults (recognised by their opening words) are
 * rewritten, from the issue's fields, never parsed from its text.
 */

type Params = Readonly<Record<string, unknown>>;

const DEFAULT_MESSAGE = /^(Too big|Too small|Invalid input)\b/;

function bound(params: Params, key: 'maximum' | 'minimum'): string | undefined {
  const v = params[key];
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : undefined;
}

function sized(origin: unknown, n: string, unit: 'at most' | 'at least'): string | undefined {
  switch (origin) {
    case 'number':
    case 'int':
    case 'bigint':
      return `must be ${unit} ${n}`;
    case 'string':
      return unit === 'at least' && n === '1'
        ? 'must not be empty'
        : `must be ${unit} ${n} characters long`;
    case 'array':
    case 'set':
      return `must have ${unit} ${n} ${n === '1' ? 'item' : 'items'}`;
    default:
      return undefined;
  }
}

export function plainIssueMessage(code: string | undefined, params: Params, message: string) {
  if (!DEFAULT_MESSAGE.test(message)) return message;
  switch (code) {
    case 'too_big': {
      const n = bound(params, 'maximum');
      if (n === undefined) return message;
      if (params.inclusive === false) return `must be less than ${n}`;
      return sized(params.origin, n, 'at most') ?? message;
    }
    case 'too_small': {
      const n = bound(params, 'minimum');
      if (n === undefined) return message;
      if (params.inclusive === false) return `must be more than ${n}`;
      return sized(params.origin, n, 'at least') ?? message;
    }
    case 'invalid_type':
      return params.input === undefined && /received undefined/.test(message)
        ? 'is required'
        : typeof params.expected === 'string'
          ? `must be ${/^[aeiou]/.test(params.expected) ? 'an' : 'a'} ${params.expected}`
          : message;
    case 'invalid_union':
      return 'is not a valid value here';
    default:
      return message;
  }
}

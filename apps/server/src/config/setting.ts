import type { Kind, SettingContext } from './setting-kinds.js';

/**
 * One row of the settings table: the environment name, the kind (schema with its limits), the
 * default and the doc line. The parser, the config type, the error messages and the README's
 * settings table are all derived from these rows.
 */

export type ReadResult<T> = { ok: true; value: T } | { ok: false };

export class Setting<T> {
  constructor(
    readonly env: string,
    /** "must be …" as it follows the name in an error message. */
    readonly must: string,
    /** What the README's "accepts" column shows. */
    readonly accepts: string,
    /** What the README's "default" column shows. */
    readonly defaultText: string,
    /** The README's "meaning" column (markdown). */
    readonly doc: string,
    /** Secrets are never echoed back in error messages. */
    readonly secret: boolean,
    /** Reads a raw value; `undefined` means unset, which gives the default. */
    readonly read: (raw: unknown, ctx: SettingContext) => ReadResult<T>,
  ) {}
}

export interface RowOptions {
  /** Overrides the shown default (e.g. "generated into the data dir"). */
  defaultText?: string;
  secret?: boolean;
}

function finish<T>(kind: Kind<T>, value: T, ctx: SettingContext): T {
  return kind.resolve ? kind.resolve(value, ctx) : value;
}

function row<T, U>(
  env: string,
  kind: Kind<T>,
  unset: (ctx: SettingContext) => U,
  defaultText: string,
  doc: string,
  opts: RowOptions,
): Setting<T | U> {
  return new Setting<T | U>(
    env,
    `must be ${kind.accepts}`,
    kind.accepts,
    opts.defaultText ?? defaultText,
    doc,
    opts.secret ?? false,
    (raw, ctx) => {
      if (raw === undefined) return { ok: true, value: unset(ctx) };
      const parsed = kind.schema.safeParse(raw);
      return parsed.success ? { ok: true, value: finish(kind, parsed.data, ctx) } : { ok: false };
    },
  );
}

/** A setting with a default. */
export function setting<T>(
  env: string,
  kind: Kind<T>,
  fallback: NoInfer<T>,
  doc: string,
  opts: RowOptions = {},
): Setting<T> {
  const unset = (ctx: SettingContext) => finish(kind, fallback, ctx);
  const shown = kind.show(fallback);
  return row(env, kind, unset, shown === '' ? 'none' : `\`${shown}\``, doc, opts);
}

/** A setting that may stay unset (null). */
export function optional<T>(
  env: string,
  kind: Kind<T>,
  doc: string,
  opts: RowOptions = {},
): Setting<T | null> {
  return row(env, kind, () => null, 'none', doc, opts);
}

/** The settings grouped as the config object is: leaves are rows, branches are sections. */
export interface SettingTree {
  readonly [key: string]: Setting<unknown> | SettingTree;
}

/** The value a tree of settings parses to, with the tree's shape. */
export type Parsed<N> = N extends Setting<infer T> ? T : { -readonly [K in keyof N]: Parsed<N[K]> };

/** Every row of a tree, in table order. */
export function settingRows(tree: SettingTree): Setting<unknown>[] {
  return Object.values(tree).flatMap((node) =>
    node instanceof Setting ? [node] : settingRows(node),
  );
}

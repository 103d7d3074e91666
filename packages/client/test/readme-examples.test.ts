/**
 * The README examples compile against the packages as exported: every ```ts / ```tsx block of
 * packages/client/README.md and packages/react/README.md is type-checked (strict, DOM + Node
 * types, JSX) as its own module, importing '@hdns/client', '@hdns/react' and 'ws' the way an
 * app does. Names an app supplies itself (`auth`, `toast` …) are declared in APP_GLOBALS; an
 * example that calls a method or hook that does not exist, or passes the wrong shape, fails here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const READMES = ['packages/client/README.md', 'packages/react/README.md'];
/** Virtual files live here so module resolution finds the workspace's node_modules. */
const VIRTUAL_DIR = path.join(ROOT, 'packages/client/test/__readme__');

const APP_GLOBALS = `
import type { EventFrameUnion, RealtimeClient } from '@hdns/client';
declare global {
  /** The app's auth module and UI helpers the examples call. */
  const auth: { accessToken(): Promise<string> };
  const currentUser: { id: string };
  const banner: { show(state: string, reason: string, nextRetryAt?: number): void };
  const metrics: { count(name: string): void };
  function notify(event: EventFrameUnion): void;
  function reloadFromRest(): void;
  function addZone(zone: { name: string }): void;
  function toast(message: string): void;
  /** A client created earlier in the same README (a snippet continuing the one before). */
  const client: RealtimeClient;
}
export {};
`;

interface Example {
  readme: string;
  line: number;
  file: string;
  code: string;
}

function examples(readme: string): Example[] {
  const text = readFileSync(path.join(ROOT, readme), 'utf8');
  const found: Example[] = [];
  const fence = /^```(ts|tsx)\n([\s\S]*?)^```$/gm;
  for (const m of text.matchAll(fence)) {
    const [, lang, body] = m;
    if (lang === undefined || body === undefined) continue;
    const line = text.slice(0, m.index).split('\n').length + 1;
    const name = `${path.dirname(readme).replace(/\W+/g, '-')}-L${line}.${lang}`;
    // `export {}` makes every block a module, so blocks do not share top-level names.
    found.push({ readme, line, file: path.join(VIRTUAL_DIR, name), code: `${body}\nexport {};\n` });
  }
  return found;
}

function typeCheck(all: Example[]): string[] {
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    lib: ['lib.es2023.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.ReactJSX,
    strict: true,
    noUncheckedIndexedAccess: true,
    skipLibCheck: true,
    noEmit: true,
    types: ['node'],
    allowImportingTsExtensions: true,
  };
  const virtual = new Map<string, string>(all.map((e) => [e.file, e.code]));
  virtual.set(path.join(VIRTUAL_DIR, 'app-globals.ts'), APP_GLOBALS);
  const host = ts.createCompilerHost(options);
  const { fileExists, readFile, getSourceFile } = host;
  host.fileExists = (f) => virtual.has(f) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, lang, ...rest) => {
    const code = virtual.get(f);
    return code !== undefined
      ? ts.createSourceFile(f, code, lang, true)
      : getSourceFile.call(host, f, lang, ...rest);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  const problems: string[] = [];
  for (const e of [...all, undefined]) {
    const file = e?.file ?? path.join(VIRTUAL_DIR, 'app-globals.ts');
    const source = program.getSourceFile(file);
    for (const d of ts.getPreEmitDiagnostics(program, source)) {
      const pos =
        d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start) : undefined;
      const where = e ? `${e.readme}:${e.line + (pos?.line ?? 0)}` : 'APP_GLOBALS';
      problems.push(`${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    }
  }
  return problems;
}

describe('README examples', () => {
  it('type-check against the exported API of @hdns/client and @hdns/react', () => {
    const all = READMES.flatMap(examples);
    // Browser, the EventType style, Node, React and tabs in the client README; the React one.
    expect(all.filter((e) => e.readme === READMES[0]).length).toBeGreaterThanOrEqual(5);
    expect(all.some((e) => e.readme === READMES[1] && e.file.endsWith('.tsx'))).toBe(true);
    expect(typeCheck(all)).toEqual([]);
  }, 60_000);
});

/** Tiny Markdown helpers for the generated protocol docs. Output must be deterministic. */
import type { FieldRow } from './schema-describe.js';

function cell(value: string): string {
  return value.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [
    `| ${header.map(cell).join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

export function code(value: string): string {
  return value === '' ? '' : `\`${value}\``;
}

export function jsonBlock(value: unknown): string {
  return ['```json', JSON.stringify(value, null, 2), '```'].join('\n');
}

export function fieldTable(rows: readonly FieldRow[]): string {
  if (rows.length === 0) return '_No fields besides `type`._';
  return table(
    ['field', 'type', 'required', 'notes'],
    rows.map((r) => [code(r.path), code(r.type), r.optional ? 'no' : 'yes', r.description ?? '']),
  );
}

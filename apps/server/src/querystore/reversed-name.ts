/**
 * Names kept with their labels reversed (`www.example.com` → `com.example.www`), so that "this
 * name and everything under it" is one index range: the name itself, or from `<reversed>.` up to
 * (not including) `<reversed>/` ('/' is the byte after '.'). A plain prefix range would also take
 * `com.example-shop` and `com.examplex`, which are not under example.com.
 */

export function reverseName(name: string): string {
  return name.split('.').reverse().join('.');
}

/** The bounds of the suffix search for `name`: equal to `exact`, or in [`from`, `below`). */
export function suffixRange(name: string): { exact: string; from: string; below: string } {
  const exact = reverseName(name);
  return { exact, from: `${exact}.`, below: `${exact}/` };
}

import { bounded, type FieldError } from './errors';

/** Deepest nesting of objects and arrays an input may have; far beyond any order, far below a stack overflow. */
export const MAX_JSON_DEPTH = 64;

interface Level {
  keys?: Set<string>;
  expectKey: boolean;
  path: string;
  index: number;
  lastKey?: string;
}

function childPath(level: Level | undefined): string {
  if (!level) return '';
  if (level.keys) return level.path ? `${level.path}.${level.lastKey}` : String(level.lastKey);
  return `${level.path}[${level.index}]`;
}

/**
 * Checks JSON text that `JSON.parse` accepted for what it silently lets through: a key repeated in
 * one object (the last would win) and nesting deeper than `maxDepth`. Returns the first such
 * finding as a field error, or undefined.
 */
export function jsonStructureError(text: string, maxDepth = MAX_JSON_DEPTH): FieldError | undefined {
  const stack: Level[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    const top = stack[stack.length - 1];
    if (c === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (top?.keys && top.expectKey) {
        const key = JSON.parse(text.slice(i, end + 1)) as string;
        if (top.keys.has(key)) {
          const field = top.path ? `${top.path}.${key}` : key;
          return { field: bounded(field), rule: 'duplicateKey', message: `the key '${bounded(key)}' appears more than once in one object` };
        }
        top.keys.add(key);
        top.lastKey = key;
        top.expectKey = false;
      }
      i = end;
    } else if (c === '{' || c === '[') {
      if (stack.length >= maxDepth) {
        return { field: bounded(childPath(top)), rule: 'maxDepth', message: `objects and arrays may be nested at most ${maxDepth} deep` };
      }
      stack.push({ keys: c === '{' ? new Set() : undefined, expectKey: c === '{', path: childPath(top), index: 0 });
    } else if (c === '}' || c === ']') {
      stack.pop();
    } else if (c === ',' && top) {
      if (top.keys) top.expectKey = true;
      else top.index += 1;
    }
  }
  return undefined;
}

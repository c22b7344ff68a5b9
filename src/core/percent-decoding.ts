/**
 * `decodeURIComponent` throws a URIError on input that is not valid percent-encoding
 * (`%`, `%zz`, a cut UTF-8 sequence such as `%E0%A4%A`). Headers and cookies come from
 * anyone, so they are decoded with this instead: null when malformed.
 */
export function decodePercent(value: string): string | null {
  try {
    return decodeURIComponent(value);
  } catch {
    return null;
  }
}

// plenoptic reports problems as Python ValueError / AttributeError; users searching its docs will look for the
// same names, so we keep them as Error subclasses. TypeError is JavaScript's own.
export class ValueError extends Error {
  override name = 'ValueError';
}

export class AttributeError extends Error {
  override name = 'AttributeError';
}

/** Thrown when a run is stopped through an AbortSignal; the synthesis state stays consistent and resumable. */
export class AbortError extends Error {
  override name = 'AbortError';
  constructor(message = 'Synthesis was aborted; call synthesize() again to resume.') {
    super(message);
  }
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new AbortError();
}

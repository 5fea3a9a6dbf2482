// Python's warnings module, reduced to what plenoptic uses: messages users (and tests) can see and capture.
export interface Warning {
  message: string;
  category: string;
}

type Handler = (w: Warning) => void;

const defaultHandler: Handler = (w) => {
  if (typeof process !== 'undefined' && process.env?.PLENOPTIC_SILENCE_WARNINGS) return;
  console.warn(`${w.category}: ${w.message}`);
};

let handler: Handler = defaultHandler;

export function warn(message: string, category = 'UserWarning'): void {
  handler({ message, category });
}

/** Runs fn with warnings collected instead of printed; returns fn's result and the warnings. */
export async function captureWarnings<T>(fn: () => T | Promise<T>): Promise<{ result: T; warnings: Warning[] }> {
  const previous = handler;
  const warnings: Warning[] = [];
  handler = (w) => warnings.push(w);
  try {
    const result = await fn();
    return { result, warnings };
  } finally {
    handler = previous;
  }
}

export function setWarningHandler(h: Handler | null): void {
  handler = h ?? defaultHandler;
}

// PyTorch's repr of a 1-D float tensor (torch/_tensor_str.py, default print options), so that warnings quoting
// tensor values read exactly as plenoptic's do, e.g. "tensor([ 14., 255.])" or "tensor([0.0039, 1.0000])".
const precision = 4;

function pythonExponential(v: number): string {
  // Python writes at least two exponent digits: 1.2346e+02, where JavaScript writes 1.2346e+2.
  return v.toExponential(precision).replace(/e([+-])(\d)$/, 'e$10$2');
}

function pythonFixed(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return v.toFixed(digits);
}

export function formatTorchVector(values: readonly number[]): string {
  const finite = values.filter((v) => Number.isFinite(v) && v !== 0);
  let intMode = true;
  let sciMode = false;
  let width = 1;
  if (finite.length > 0) {
    const abs = finite.map(Math.abs);
    const min = Math.min(...abs);
    const max = Math.max(...abs);
    intMode = finite.every((v) => v === Math.ceil(v));
    if (intMode) {
      sciMode = max / min > 1000 || max > 1e8;
      for (const v of finite) width = Math.max(width, sciMode ? pythonExponential(v).length : pythonFixed(v, 0).length + 1);
    } else {
      sciMode = max / min > 1000 || max > 1e8 || min < 1e-4;
      for (const v of finite) width = Math.max(width, (sciMode ? pythonExponential(v) : pythonFixed(v, precision)).length);
    }
  }
  const format = (v: number): string => {
    let s: string;
    if (sciMode && Number.isFinite(v)) s = pythonExponential(v);
    else if (intMode) s = pythonFixed(v, 0) + (Number.isFinite(v) ? '.' : '');
    else s = pythonFixed(v, precision);
    return s.padStart(width, ' ');
  };
  return `tensor([${values.map(format).join(', ')}])`;
}

/**
 * GIF's variable-width LZW compression of palette indices (GIF89a spec, appendix F): codes start at
 * minCodeSize + 1 bits, grow to 12 bits, and a clear code resets the table when it is full. Bits are packed
 * least-significant first; the caller splits the result into sub-blocks.
 */
export function lzwEncode(indices: Uint8Array, minCodeSize: number): Uint8Array {
  if (!Number.isInteger(minCodeSize) || minCodeSize < 2 || minCodeSize > 8) {
    throw new RangeError(`GIF LZW minimum code size must be 2..8, got ${minCodeSize}.`);
  }
  const clearCode = 1 << minCodeSize;
  const endCode = clearCode + 1;
  // The string table as a direct map (prefix code, next index) -> code. Entries are valid only when their stamp
  // equals the current generation, so a table reset is O(1).
  const codes = new Uint16Array(4096 * 256);
  const stamps = new Uint32Array(4096 * 256);
  let generation = 1;

  const out = new Uint8Array(Math.max(16, indices.length * 2 + 16));
  let outLength = 0;
  let bitBuffer = 0;
  let bitCount = 0;
  let codeSize = minCodeSize + 1;
  let nextCode = endCode + 1;
  let output = out;

  const emit = (code: number) => {
    bitBuffer |= code << bitCount;
    bitCount += codeSize;
    while (bitCount >= 8) {
      if (outLength === output.length) {
        const grown = new Uint8Array(output.length * 2);
        grown.set(output);
        output = grown;
      }
      output[outLength++] = bitBuffer & 0xff;
      bitBuffer >>>= 8;
      bitCount -= 8;
    }
  };

  emit(clearCode);
  if (indices.length === 0) {
    emit(endCode);
  } else {
    let prefix = indices[0];
    for (let i = 1; i < indices.length; i++) {
      const k = indices[i];
      const key = prefix * 256 + k;
      if (stamps[key] === generation) {
        prefix = codes[key];
        continue;
      }
      emit(prefix);
      if (nextCode < 4096) {
        codes[key] = nextCode;
        stamps[key] = generation;
        // the decoder widens its codes one step later than the encoder adds the entry
        if (nextCode === 1 << codeSize && codeSize < 12) codeSize++;
        nextCode++;
      } else {
        emit(clearCode);
        generation++;
        codeSize = minCodeSize + 1;
        nextCode = endCode + 1;
      }
      prefix = k;
    }
    emit(prefix);
    emit(endCode);
  }
  if (bitCount > 0) {
    if (outLength === output.length) {
      const grown = new Uint8Array(output.length + 1);
      grown.set(output);
      output = grown;
    }
    output[outLength++] = bitBuffer & 0xff;
  }
  return output.subarray(0, outLength);
}

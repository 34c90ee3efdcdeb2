// The binary payloads of the events: base64 bytes and little-endian float32 arrays.

export function base64Bytes(text) {
  const raw = atob(text || '');
  const bytes = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) {
    bytes[i] = raw.charCodeAt(i);
  }
  return bytes;
}

export function float32s(text) {
  const bytes = base64Bytes(text);
  const view = new DataView(bytes.buffer);
  const values = new Float32Array(bytes.length >> 2);
  for (let i = 0; i < values.length; i++) {
    values[i] = view.getFloat32(i * 4, true);
  }
  return values;
}

/** A number for a stat cell: null (NaN or infinite on the server) is shown as a dash. */
export function formatNumber(v, digits = 4) {
  if (v === null || v === undefined || !Number.isFinite(Number(v))) {
    return '–';
  }
  const n = Number(v);
  if (n !== 0 && (Math.abs(n) >= 1e5 || Math.abs(n) < 1e-3)) {
    return n.toExponential(2);
  }
  return String(Number(n.toPrecision(digits)));
}

// The function names of a wasm's `name` section, for the scripts that read the app's wasm
// (deferred-calls.mjs, first-screen-profile.mjs).

/** Function index → name, as the `name` section spells it. */
export function functionNames(bytes) {
  const names = new Map();
  const leb = (i) => { let r = 0, s = 0, x; do { x = bytes[i++]; r += (x & 0x7f) * 2 ** s; s += 7; } while (x & 0x80); return [r, i]; };
  let i = 8;
  while (i < bytes.length) {
    const id = bytes[i++];
    let size; [size, i] = leb(i);
    const end = i + size;
    if (id === 0) {
      let [len, j] = leb(i);
      if (bytes.subarray(j, j + len).toString() === 'name') {
        j += len;
        while (j < end) {
          const sub = bytes[j++]; let sz; [sz, j] = leb(j);
          if (sub === 1) {
            let [count, k] = leb(j);
            for (let n = 0; n < count; n++) {
              let idx, l; [idx, k] = leb(k); [l, k] = leb(k);
              names.set(idx, bytes.subarray(k, k + l).toString());
              k += l;
            }
          }
          j += sz;
        }
      }
    }
    i = end;
  }
  return names;
}

/** A name as tools/wasm-defer matches it (src/parts.rs `plain`): no crate disambiguators, no `.N`. */
export function plain(name) {
  return name.replace(/\[[0-9a-f]+\]/g, '').replace(/\.\d+$/, '');
}

// printf-style number formatting the way glibc prints it, so our summary lines read like C's.

const bits = new DataView(new ArrayBuffer(8));

function special(x: number): string | undefined {
  if (Number.isNaN(x)) {
    // glibc prints the NaN's sign ("-nan" for x86's default NaN).
    bits.setFloat64(0, x);
    return bits.getUint8(0) & 0x80 ? '-nan' : 'nan';
  }
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  return undefined;
}

/** %g / %.Ng: P significant digits, trailing zeros removed, exponent form outside 1e-4 ≤ |x| < 10^P. */
export function fmtG(x: number, precision = 6): string {
  const sp = special(x);
  if (sp) return sp;
  const P = precision === 0 ? 1 : precision;
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expS] = x.toExponential(P - 1).split('e');
  const X = Number(expS);
  const strip = (s: string): string => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (P > X && X >= -4) return strip(x.toFixed(P - 1 - X));
  const e = Math.abs(X);
  return `${strip(mant!)}e${X < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
}

/** %f / %.Nf */
export function fmtF(x: number, digits = 6): string {
  return special(x) ?? x.toFixed(digits);
}

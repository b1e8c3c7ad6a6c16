// Placeholder: the owning issue replaces this module.
export async function casesCommand(_argv: string[]): Promise<number> {
  console.error('nb-parity cases: not implemented yet');
  return 2;
}

// Placeholder: the owning issue replaces this module.
export async function runCommand(_argv: string[]): Promise<number> {
  console.error('nb-parity run: not implemented yet');
  return 2;
}

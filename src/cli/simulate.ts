// Placeholder: the owning issue replaces this module.
export async function simulateCommand(_argv: string[]): Promise<number> {
  console.error('nb-parity simulate: not implemented yet');
  return 2;
}

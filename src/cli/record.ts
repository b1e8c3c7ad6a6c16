// Placeholder: the owning issue replaces this module.
export async function recordCommand(_argv: string[]): Promise<number> {
  console.error('nb-parity record: not implemented yet');
  return 2;
}

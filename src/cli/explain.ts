// Placeholder: the owning issue replaces this module.
export async function explainCommand(_argv: string[]): Promise<number> {
  console.error('nb-parity explain: not implemented yet');
  return 2;
}

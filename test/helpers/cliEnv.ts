// Environment for `nb-parity` processes started by tests. The CLI's default --torch-mode is auto (the per-user warm
// server daemon); a test must neither start a daemon that outlives it nor reach the user's own. Tests that exercise
// the daemon give it a private runtime folder (NB_PARITY_RUNTIME_DIR) and stop it; every other test with a PyTorch
// side runs it cold.
export const COLD_TORCH: Record<string, string> = { NB_PARITY_TORCH_MODE: 'cold' };

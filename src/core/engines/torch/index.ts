export { createTorchEngine, runTorch, runTorchCold, chooseTorchMode, torchCommand, explainTorchFailure, type TorchMode } from './runner.ts';
export { resolvePython, torchEnv, probeTorch, type PythonChoice, type TorchProbe } from './resolve.ts';
